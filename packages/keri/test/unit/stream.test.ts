import { init } from "@chronoseal/core";
import { beforeAll, describe, expect, it } from "vitest";
import {
  attachmentText,
  CesrError,
  concatStream,
  encodeCounter,
  encodeDateTime,
  encodeMatter,
  intToB64,
  messagize,
  parseCesr,
  qb64ToQb2,
  replayKels,
  saidify,
  signIndexed,
  verifySaid,
} from "../../src/index.js";
import { Controller } from "../kel-fixture.js";

const utf8 = new TextEncoder();

beforeAll(async () => {
  await init();
});

function cesrError(fn: () => unknown): CesrError {
  try {
    fn();
  } catch (e) {
    if (e instanceof CesrError) return e;
    throw e;
  }
  throw new Error("expected a CesrError");
}

describe("current-layout streams", () => {
  it("text domain, pipelined (-V) and not, with first-seen couples and seal sources", () => {
    const c = new Controller({ witnesses: 2 });
    const icp = c.incept();
    const ixn = c.interact();
    const spec = {
      controllerSigs: signIndexed(ixn.raw, c.current),
      witnessSigs: signIndexed(ixn.raw, c.witnesses, { code: "B" as const }),
      sealSources: [{ sn: 5, digest: icp.said }],
      firstSeen: [{ fn: 1, dt: "2024-03-01T12:00:00.123456+00:00" }],
    };
    const plain = messagize(ixn.raw, spec);
    const piped = messagize(ixn.raw, { ...spec, pipelined: true });
    const msgs = parseCesr(concatStream([icp.message, plain, piped]));
    expect(msgs.map((m) => [m.ilk, m.layout])).toEqual([
      ["icp", "current"],
      ["ixn", "current"],
      ["ixn", "current"],
    ]);
    for (const m of msgs.slice(1)) {
      expect(m.attachments.controllerSigs).toHaveLength(1);
      expect(m.attachments.witnessSigs.map((s) => s.index)).toEqual([0, 1]);
      expect(m.attachments.sealSources).toMatchObject([{ sn: 5n, digest: icp.said }]);
      expect(m.attachments.firstSeen).toMatchObject([{ fn: 1n, dt: "2024-03-01T12:00:00.123456+00:00" }]);
    }
    expect(msgs[2]?.attachments.groups[0]).toMatchObject({ code: "-V" });
    expect(msgs[2]?.end).toBe(icp.message.length + plain.length + piped.length);
    expect(replayKels(msgs).get(icp.said)?.state?.sn).toBe(1n);
  });

  it("binary domain attachments (qb2), alone and mixed with text groups", () => {
    const c = new Controller({ witnesses: 1 });
    const icp = c.incept();
    const sigs = attachmentText({ controllerSigs: signIndexed(icp.raw, c.current) });
    const wits = attachmentText({
      witnessSigs: signIndexed(icp.raw, c.witnesses, { code: "B" }),
      pipelined: true,
    });
    const binary = concatStream([icp.raw, qb64ToQb2(sigs), qb64ToQb2(wits)]);
    const mixed = concatStream([icp.raw, utf8.encode(sigs), qb64ToQb2(wits)]);
    for (const s of [binary, mixed]) {
      const [m] = parseCesr(s);
      expect(m?.attachments.groups.map((g) => [g.code, g.domain])).toEqual([
        ["-A", s === binary ? "binary" : "text"],
        ["-V", "binary"],
        ["-B", "binary"],
      ]);
      expect(replayKels(parseCesr(s)).get(icp.said)?.status).toBe("accepted");
    }
  });

  it("skips a stream genus-version code and whitespace between messages", () => {
    const c = new Controller();
    const icp = c.incept();
    const s = concatStream([
      utf8.encode("-_AAABAA"),
      icp.message,
      utf8.encode("\n"),
      c.interact().message,
      utf8.encode("\r\n"),
    ]);
    expect(parseCesr(s)).toHaveLength(2);
    expect(cesrError(() => parseCesr(concatStream([utf8.encode("-_AAACAA"), icp.message]))).code).toBe(
      "ERR_CESR_VERSION",
    );
    expect(cesrError(() => parseCesr(concatStream([utf8.encode("-AAB"), icp.message]))).code).toBe(
      "ERR_CESR_GROUP",
    );
  });

  it("big attachment groups (--V) frame more than 4,095 quadlets", () => {
    const c = new Controller({ keys: 1, witnesses: 0 });
    const icp = c.incept();
    const sigs = signIndexed(icp.raw, c.current);
    const many = Array.from({ length: 200 }, () => sigs[0] as string);
    const inner = encodeCounter("-A", many.length) + many.join("");
    const text = encodeCounter("--V", inner.length / 4) + inner;
    const [m] = parseCesr(concatStream([icp.raw, utf8.encode(text)]));
    expect(inner.length / 4).toBeGreaterThan(4095);
    expect(m?.attachments.controllerSigs).toHaveLength(200);
    expect(
      replayKels(parseCesr(concatStream([icp.raw, utf8.encode(text)]))).get(icp.said)?.accepted[0]?.signatures
        .verified,
    ).toEqual([0]);
  });

  it("1AAG datetimes round trip", () => {
    expect(encodeDateTime("2022-06-22T15:37:37.025265+00:00")).toBe("1AAG2022-06-22T15c37c37d025265p00c00");
    expect(() => encodeDateTime("2022-06-22")).toThrow(RangeError);
  });
});

describe("every attachment group the streams use", () => {
  it("-C, -D (2022 quadruples and keripy's groups), -F, -H, -I, -J/-K paths, -L pathed material", () => {
    const c = new Controller();
    const icp = c.incept();
    const sig = signIndexed(icp.raw, c.current)[0] as string;
    const w = new Controller({ witnesses: 1 }).witnesses[0];
    const cig = `${w?.verfer}${encodeMatter("0B", w?.sign(icp.raw) as Uint8Array)}`;
    const sn = "0AAAAAAAAAAAAAAAAAAAAAAB";
    const triple = `${icp.said}${sn}${icp.said}`;
    const groups = [
      `-CAB${cig}`,
      `-DAB${triple}${sig}`, // 2022: quadruple pre+snu+dig+sig, count in items
      `-D${intToB64((triple.length + 4 + sig.length) / 4, 2)}${triple}-AAB${sig}`, // current: group, count in quadlets
      `-FAB${triple}-AAB${sig}`,
      `-HAB${icp.said}-AAB${sig}`,
      `-IAB${triple}`,
      `-JAB6AABAAA--FAB${triple}-AAB${sig}`,
      `-KAB4AABabcd-JAB6AABAAA--AAB${sig}`,
      "-LABAAAA",
      `-GAB${sn}${icp.said}`,
    ].join("");
    const [m] = parseCesr(concatStream([icp.raw, utf8.encode(groups)]));
    const a = m?.attachments;
    expect(a?.receipts.map((r) => r.prefix)).toEqual([w?.verfer]);
    expect(a?.transReceipts.map((g) => [g.prefix, g.sn, g.signatures.length])).toEqual([
      [icp.said, 1n, 1],
      [icp.said, 1n, 1],
    ]);
    expect(a?.transSigGroups).toMatchObject([{ prefix: icp.said, sn: 1n, digest: icp.said }]);
    expect(a?.lastSigGroups).toMatchObject([{ prefix: icp.said }]);
    expect(a?.sealSourceTriples).toMatchObject([{ prefix: icp.said, sn: 1n, digest: icp.said }]);
    expect(a?.pathedSignatures.map((p) => [p.path, p.groups.length, p.signatures.length])).toEqual([
      ["-", 1, 0],
      ["abcd-", 0, 1],
    ]);
    expect(a?.pathedMaterial).toHaveLength(1);
    expect(a?.sealSources).toMatchObject([{ sn: 1n, digest: icp.said }]);
    expect(a?.groups.map((g) => g.code)).toEqual([
      "-C",
      "-D",
      "-D",
      "-F",
      "-H",
      "-I",
      "-J",
      "-K",
      "-L",
      "-G",
    ]);
  });

  it("groups in the wrong place or empty are refused", () => {
    const c = new Controller();
    const icp = c.incept();
    const sig = signIndexed(icp.raw, c.current)[0] as string;
    const bad = (t: string) => cesrError(() => parseCesr(concatStream([icp.raw, utf8.encode(t)])));
    expect(bad("-AAA").code).toBe("ERR_CESR_COUNT");
    expect(bad(`-FAB${icp.said}0AAAAAAAAAAAAAAAAAAAAAAB${icp.said}-BAB${sig}`).code).toBe("ERR_CESR_GROUP");
    expect(bad(`-VAW-VAV-AAB${sig}`).code).toBe("ERR_CESR_GROUP");
    expect(bad(`-GAB${icp.said}${icp.said}`).code).toBe("ERR_CESR_CODE");
    expect(bad("-_AAABAA").code).toBe("ERR_CESR_GROUP");
  });
});

describe("Buffer input", () => {
  it("bodies are copies: SAID checks never write into the caller's Buffer", async () => {
    await init();
    const doc = saidify({
      v: "KERI10JSON000000_",
      t: "rpy",
      d: "",
      dt: "2025-01-01T00:00:00.000000+00:00",
      r: "/x",
      a: {},
    });
    const input = Buffer.from(doc.raw);
    const before = Buffer.from(input);
    const [m] = parseCesr(input);
    expect(m?.said.ok).toBe(true);
    expect(Buffer.compare(input, before)).toBe(0);
    // The body is not a view of the input either.
    input[10] = 0x30;
    expect(verifySaid(m?.raw as Uint8Array).ok).toBe(true);
  });
});
