// Hostile streams: truncated, wrong counts, oversized counts, bad codes, bad version strings
// and size mismatches are refused with a CesrError naming the byte offset — never a crash —
// and random mutations of the real vLEI streams never throw anything else.
import { init } from "@chronoseal/core";
import { describeVectors, VLEI_STREAMS, vleiStream } from "@chronoseal/testkit";
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { CesrError, parseCesr, replayKels } from "../../src/index.js";

const utf8 = new TextEncoder();
const text = (b: Uint8Array) => Buffer.from(b).toString("latin1");
const bytes = (s: string) => new Uint8Array(Buffer.from(s, "latin1"));

beforeAll(async () => {
  await init();
});

function refused(input: Uint8Array): CesrError {
  try {
    parseCesr(input);
  } catch (e) {
    expect(e).toBeInstanceOf(CesrError);
    const err = e as CesrError;
    expect(err.offset).toBeGreaterThanOrEqual(0);
    expect(err.offset).toBeLessThanOrEqual(input.length);
    expect(err.message).toMatch(/\S/);
    return err;
  }
  throw new Error("expected the stream to be refused");
}

/** Never throws anything but CesrError; replays whatever parses. */
function survives(input: Uint8Array): void {
  let msgs: ReturnType<typeof parseCesr>;
  try {
    msgs = parseCesr(input);
  } catch (e) {
    if (!(e instanceof CesrError)) throw e;
    expect(e.offset).toBeGreaterThanOrEqual(0);
    expect(e.offset).toBeLessThanOrEqual(input.length);
    return;
  }
  replayKels(msgs);
}

describeVectors("hostile variants of the real vLEI streams", () => {
  const real = () => vleiStream(VLEI_STREAMS[0]);

  it("truncation at every byte of the first two messages, and at sampled points after", () => {
    const s = real();
    const msgs = parseCesr(s);
    // Complete messages, and bodies without (yet) any attachment, are valid prefixes.
    const boundaries = new Set(msgs.flatMap((m) => [m.end, m.offset + m.raw.length]));
    const cuts = [...Array.from({ length: (msgs[1]?.end ?? 0) + 1 }, (_, i) => i)];
    for (let i = 0; i < 300; i++) cuts.push(Math.floor((i * 9973) % s.length));
    for (const cut of cuts) {
      const t = s.subarray(0, cut);
      if (cut === 0 || boundaries.has(cut)) {
        expect(() => parseCesr(t)).not.toThrow();
        continue;
      }
      const err = refused(t);
      expect([
        "ERR_CESR_SHORT",
        "ERR_CESR_COUNT",
        "ERR_CESR_VERSION",
        "ERR_CESR_CODE",
        "ERR_CESR_GROUP",
      ]).toContain(err.code);
    }
  });

  it("a group count larger than its material is refused at the group", () => {
    const t = text(real());
    const at = t.indexOf("-AAC");
    // -AAD: a third signature is expected where the witness group begins.
    const err = refused(bytes(`${t.slice(0, at)}-AAD${t.slice(at + 4)}`));
    expect(err.code).toBe("ERR_CESR_GROUP");
    expect(err.offset).toBe(t.indexOf("-BAD"));
  });

  it("a group count smaller than its material leaves a signature where a group belongs", () => {
    const t = text(real());
    const at = t.indexOf("-AAC");
    const err = refused(bytes(`${t.slice(0, at)}-AAB${t.slice(at + 4)}`));
    expect(err.code).toBe("ERR_CESR_GROUP");
    expect(err.offset).toBe(at + 4 + 88);
  });

  it("attached-material counts that disagree with their content", () => {
    const t = text(real());
    const at = t.indexOf("-VCS");
    const longer = refused(bytes(`${t.slice(0, at)}-VCT${t.slice(at + 4)}`));
    expect(longer.offset).toBeGreaterThan(at);
    const shorter = refused(bytes(`${t.slice(0, at)}-VCR${t.slice(at + 4)}`));
    expect(["ERR_CESR_SHORT", "ERR_CESR_COUNT"]).toContain(shorter.code);
  });

  it("oversized counts (small and big groups) are refused without allocating their claim", () => {
    const t = text(real());
    const at = t.indexOf("-VCS");
    for (const huge of ["--V_____", "-0V_____"]) {
      const err = refused(bytes(`${t.slice(0, at)}${huge}${t.slice(at + 4)}`));
      expect(err).toMatchObject({ code: "ERR_CESR_COUNT", offset: at + huge.length });
      expect(err.message).toMatch(/announces 4294967292 bytes but only \d+ remain/);
    }
    // 4,095 quadlets fit in this 28 KB stream: the group swallows the next body and chokes on it.
    const small = refused(bytes(`${t.slice(0, at)}-V__${t.slice(at + 4)}`));
    expect(small).toMatchObject({ code: "ERR_CESR_GROUP", offset: parseCesr(real())[0]?.end });
    expect(refused(bytes(`${t.slice(0, at)}-V__${t.slice(at + 4, at + 2000)}`)).code).toBe("ERR_CESR_COUNT");
    const sigs = t.indexOf("-AAC");
    expect(refused(bytes(`${t.slice(0, sigs)}-A__${t.slice(sigs + 4)}`)).code).toBe("ERR_CESR_GROUP");
  });

  it("bad codes: unknown count codes, primitive codes and stray bytes", () => {
    const t = text(real());
    const sigs = t.indexOf("-AAC");
    expect(refused(bytes(`${t.slice(0, sigs)}-XAC${t.slice(sigs + 4)}`))).toMatchObject({
      code: "ERR_CESR_CODE",
      offset: sigs,
    });
    expect(refused(bytes(`${t.slice(0, sigs + 4)}9${t.slice(sigs + 5)}`))).toMatchObject({
      code: "ERR_CESR_CODE",
      offset: sigs + 4,
    });
    const end = parseCesr(real())[0]?.end as number;
    expect(refused(bytes(`${t.slice(0, end)}#${t.slice(end)}`))).toMatchObject({
      code: "ERR_CESR_CODE",
      offset: end,
    });
    expect(refused(bytes(`${t.slice(0, sigs + 10)}=${t.slice(sigs + 11)}`))).toMatchObject({
      code: "ERR_CESR_CHAR",
      offset: sigs + 10,
    });
  });

  it("bad version strings and body sizes", () => {
    const t = text(real());
    const cases: [string, string][] = [
      [t.replace("KERI10JSON000249_", "KERI20JSON000249_"), "ERR_CESR_VERSION"],
      [t.replace("KERI10JSON000249_", "KERX10JSON000249_"), "ERR_CESR_VERSION"],
      [t.replace("KERI10JSON000249_", "KERI10CBOR000249_"), "ERR_CESR_VERSION"],
      [t.replace("KERI10JSON000249_", "KERI10JSON00024A_"), "ERR_CESR_VERSION"],
      [t.replace("KERI10JSON000249_", "KERI10JSON000248_"), "ERR_CESR_JSON"],
      [t.replace("KERI10JSON000249_", "KERI10JSON00024a_"), "ERR_CESR_JSON"],
      [t.replace("KERI10JSON000249_", "KERI10JSON000010_"), "ERR_CESR_SIZE"],
      [t.replace("KERI10JSON000249_", "KERI10JSONffffff_"), "ERR_CESR_SHORT"],
      [t.replace('{"v":"KERI', '{"w":"KERI'), "ERR_CESR_VERSION"],
    ];
    for (const [input, code] of cases) expect(refused(bytes(input)).code).toBe(code);
  });

  it("a body that is not the strict JSON it claims (duplicate keys, invalid UTF-8)", () => {
    const t = text(real());
    const dup = t.replace('"t":"dip"', '"d":"dip"');
    expect(refused(bytes(dup)).code).toBe("ERR_CESR_JSON");
    const b = real().slice();
    b[100] = 0xff; // inside a string of the first body
    expect(refused(b).code).toBe("ERR_CESR_JSON");
  });

  it("fuzz: random mutations of both streams never throw anything but CesrError", () => {
    const streams = VLEI_STREAMS.map((n) => vleiStream(n));
    const mutation = fc.oneof(
      fc.record({ kind: fc.constant("flip"), at: fc.nat(), value: fc.nat(255) }),
      fc.record({ kind: fc.constant("b64"), at: fc.nat(), value: fc.nat(63) }),
      fc.record({ kind: fc.constant("delete"), at: fc.nat(), value: fc.integer({ min: 1, max: 120 }) }),
      fc.record({ kind: fc.constant("insert"), at: fc.nat(), value: fc.nat(255) }),
      fc.record({ kind: fc.constant("duplicate"), at: fc.nat(), value: fc.integer({ min: 1, max: 400 }) }),
      fc.record({ kind: fc.constant("truncate"), at: fc.nat(), value: fc.constant(0) }),
    );
    const alphabet = utf8.encode("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_");
    fc.assert(
      fc.property(fc.nat(1), fc.array(mutation, { minLength: 1, maxLength: 4 }), (which, muts) => {
        let s = (streams[which] as Uint8Array).slice();
        for (const m of muts) {
          const at = m.at % Math.max(1, s.length);
          if (m.kind === "flip") s[at] = m.value;
          else if (m.kind === "b64") s[at] = alphabet[m.value] as number;
          else if (m.kind === "delete")
            s = Uint8Array.from([...s.subarray(0, at), ...s.subarray(at + m.value)]);
          else if (m.kind === "insert")
            s = Uint8Array.from([...s.subarray(0, at), m.value, ...s.subarray(at)]);
          else if (m.kind === "duplicate")
            s = Uint8Array.from([...s.subarray(0, at + m.value), ...s.subarray(at)]);
          else s = s.subarray(0, at);
        }
        survives(s);
      }),
      { seed: 1404, numRuns: 250 },
    );
  });
});

describe("hostile input without vectors", () => {
  it("garbage, empty and deeply nested bodies", () => {
    expect(parseCesr(new Uint8Array(0))).toEqual([]);
    expect(refused(utf8.encode("hello")).code).toBe("ERR_CESR_CODE");
    const deep = `{"v":"KERI10JSON000000_","x":${"[".repeat(10000)}${"]".repeat(10000)}}`;
    const sized = deep.replace("000000", deep.length.toString(16).padStart(6, "0"));
    expect(refused(utf8.encode(sized)).code).toBe("ERR_CESR_JSON");
  });

  it("non-Uint8Array input is a TypeError", () => {
    expect(() => parseCesr(42 as unknown as Uint8Array)).toThrow(TypeError);
  });
});
