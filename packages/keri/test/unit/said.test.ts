import { blake3 } from "@noble/hashes/blake3.js";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  compactAcdc,
  decodeMatter,
  formatVersionString,
  saidify,
  saidifyAcdc,
  verifyAcdc,
  verifySaid,
} from "../../src/index.js";

const utf8 = new TextEncoder();

describe("saidify", () => {
  it('fills "d" with 44 "#", sizes the version string, hashes with Blake3-256, code E', () => {
    const doc = { v: formatVersionString("KERI", 0), t: "ixn", d: "", i: "Eabc", s: "1", p: "Eprior", a: [] };
    const { said, doc: out, raw } = saidify(doc);
    const dummy = { ...doc, d: "#".repeat(44) };
    dummy.v = formatVersionString("KERI", utf8.encode(JSON.stringify(dummy)).length);
    const digest = blake3(utf8.encode(JSON.stringify(dummy)));
    expect(said).toHaveLength(44);
    expect([...decodeMatter(said).raw]).toEqual([...digest]);
    expect(out.v).toBe(dummy.v);
    expect(new TextDecoder().decode(raw)).toBe(JSON.stringify(out));
    expect(Number.parseInt((out.v as string).slice(10, 16), 16)).toBe(raw.length);
    expect(verifySaid(raw)).toMatchObject({ ok: true, said, layout: "current" });
  });

  it('inceptions with a self-addressing prefix fill "i" too; basic prefixes do not', () => {
    const icp = saidify({ v: formatVersionString("KERI", 0), t: "icp", d: "", i: "", s: "0" });
    expect(icp.doc.i).toBe(icp.said);
    expect(verifySaid(icp.raw).ok).toBe(true);
    const basic = saidify({ v: formatVersionString("KERI", 0), t: "icp", d: "", i: "DKey", s: "0" });
    expect(basic.doc.i).toBe("DKey");
  });

  it("other digest codes: SHA2-256 (I) and Blake3-512 (0D)", () => {
    for (const code of ["I", "0D", "0G"]) {
      const { raw, said } = saidify({ d: "", x: 1 }, { code });
      expect(said.startsWith(code)).toBe(true);
      expect(verifySaid(raw)).toMatchObject({ ok: true, code });
    }
    expect(() => saidify({ d: "" }, { code: "F" })).toThrow(/unsupported digest code/);
  });

  it("round trips random documents in their own field order (property)", () => {
    fc.assert(
      fc.property(
        fc.dictionary(
          fc.string({ minLength: 1, maxLength: 6 }).filter((k) => k !== "d" && k !== "v" && !/^\d+$/.test(k)),
          fc.jsonValue({ maxDepth: 2 }),
        ),
        (extra) => {
          const { raw, said } = saidify({ d: "", ...extra });
          const check = verifySaid(raw);
          expect(check).toMatchObject({ ok: true, said });
        },
      ),
      { seed: 1403, numRuns: 200 },
    );
  });
});

describe("verifySaid reasons", () => {
  const { raw, doc } = saidify({ v: formatVersionString("KERI", 0), t: "icp", d: "", i: "", s: "0" });
  const text = new TextDecoder().decode(raw);

  it("digest-mismatch names the SAID the bytes have", () => {
    const bad = utf8.encode(text.replace('"s":"0"', '"s":"1"'));
    const check = verifySaid(bad);
    expect(check).toMatchObject({ ok: false, reason: "digest-mismatch", actual: doc.d });
    expect(check.ok || check.expected).toMatch(/^E/);
  });

  it("prefix-mismatch, version-size, missing-said, bad-said-code, not-json", () => {
    const other = saidify({ v: formatVersionString("KERI", 0), t: "icp", d: "", i: "", s: "1" }).said;
    expect(verifySaid(utf8.encode(text.replace(`"i":"${doc.d}"`, `"i":"${other}"`)))).toMatchObject({
      reason: "prefix-mismatch",
    });
    expect(
      verifySaid(
        utf8.encode(text.replace("KERI10JSON", "KERI10JSON").replace(/JSON[0-9a-f]{6}_/, "JSON000001_")),
      ),
    ).toMatchObject({ reason: "version-size" });
    expect(verifySaid({ x: 1 })).toMatchObject({ reason: "missing-said" });
    expect(verifySaid({ d: 5 })).toMatchObject({ reason: "missing-said" });
    expect(verifySaid({ d: "notadigest" })).toMatchObject({ reason: "bad-said-code" });
    expect(verifySaid({ d: `D${"A".repeat(43)}` })).toMatchObject({ reason: "bad-said-code" });
    expect(verifySaid(utf8.encode(`${text.slice(0, -1)} }`))).toMatchObject({ reason: "not-json" });
    expect(verifySaid(utf8.encode("[1,2]"))).toMatchObject({ reason: "not-json" });
  });

  it("the SAID covers the exact bytes: a re-spaced body does not verify", () => {
    expect(verifySaid(utf8.encode(text.replace('"t":"icp"', '"t": "icp"'))).ok).toBe(false);
  });

  it("verifies bytes written by another serializer (Python's 1.0) without re-serializing", () => {
    const body = '{"d":"############################################","n":1.0,"1":"a"}';
    const said = saidify({ d: "" }).said; // any digest-shaped placeholder
    const digest = blake3(utf8.encode(body));
    const real = `{"d":"${said.slice(0, 1)}${Buffer.from(Uint8Array.from([0, ...digest]))
      .toString("base64url")
      .slice(1)}","n":1.0,"1":"a"}`;
    expect(verifySaid(utf8.encode(real))).toMatchObject({ ok: true });
  });
});

describe("ACDC sections and compact forms", () => {
  const acdc = {
    v: formatVersionString("ACDC", 0),
    d: "",
    i: "Eissuer",
    ri: "Eregistry",
    s: "Eschema",
    a: { d: "", i: "Eissuee", dt: "2024-01-01T00:00:00.000000+00:00", LEI: "5493001KJTIIGC8Y1R12" },
    e: { d: "", qvi: { n: "Eparent", s: "Eschema2" } },
    r: { d: "", usage: "text" },
  };

  it("full form: sections then the credential; verifyAcdc agrees", () => {
    const { acdc: full, raw, said } = saidifyAcdc(acdc);
    const check = verifyAcdc(raw);
    expect(check).toMatchObject({ ok: true, form: "full", said: { ok: true, said } });
    expect(check.sections.map((s) => [s.path, s.kind, s.check?.ok])).toEqual([
      ["a", "block", true],
      ["e", "block", true],
      ["r", "block", true],
    ]);
    expect((full.a as { d: string }).d).toMatch(/^E/);
  });

  it("compact form: the SAID commits to the sections' SAIDs and verifies in both forms", () => {
    const { acdc: full, raw, said } = saidifyAcdc(acdc, { form: "compact" });
    expect(verifyAcdc(raw)).toMatchObject({ ok: true, form: "compact", said: { said } });
    const compact = compactAcdc(full);
    expect(typeof compact.a).toBe("string");
    const check = verifyAcdc(compact);
    expect(check).toMatchObject({ ok: true, form: "full", said: { said } });
    expect(check.sections.map((s) => s.kind)).toEqual(["compact", "compact", "compact"]);
  });

  it("a tampered section is reported by path", () => {
    const { acdc: full } = saidifyAcdc(acdc);
    const tampered = { ...full, r: { ...(full.r as object), usage: "other" } };
    const check = verifyAcdc(tampered);
    expect(check.ok).toBe(false);
    expect(check.sections.find((s) => s.path === "r")?.check).toMatchObject({
      ok: false,
      reason: "digest-mismatch",
    });
  });
});
