// The add-checkpoint wire formats against the examples in the spec's own text
// (c2sp.org/tlog-witness: the example request body and the example response body), and round trips
// of our formatter through the strict parser.
import { initKeys, parseCheckpoint, parseNote } from "@chronoseal/core";
import { beforeAll, describe, expect, it } from "vitest";
import {
  formatAddCheckpoint,
  MAX_PROOF_LINES,
  parseAddCheckpoint,
  parseCosignatureLines,
  parseSizeAnswer,
  WitnessError,
} from "../src/index.js";
import { checkpoint, keys, tree } from "./helpers.js";

// c2sp.org/tlog-witness, "Example request body".
const SPEC_REQUEST = `old 20852014
PlRNCrwHpqhGrupue0L7gxbjbMiKA9temvuZZDDpkaw=
jrJZDmY8Y7SyJE0MWLpLozkIVMSMZcD5kvuKxPC3swk=
5+pKlUdi2LeF/BcMHBn+Ku6yhPGNCswZZD1X/6QgPd8=
/6WVhPs2CwSsb5rYBH5cjHV/wSmA79abXAwhXw3Kj/0=

example.com/behind-the-sofa
20852163
CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=

— example.com/behind-the-sofa Az3grlgtzPICa5OS8npVmf1Myq/5IZniMp+ZJurmRDeOoRDe4URYN7u5/Zhcyv2q1gGzGku9nTo+zyWE+xeMcTOAYQ8=
— example.com/behind-the-sofa opLqBQsREYCgu6xQkYQwJr9fo45a62DN9EdmHXnZdXNqlcVGlCum2Wks+49/V6267UEjw6QUXTS5Rovnzv++qbSzm9Q=
`;

// c2sp.org/tlog-witness, "Example response body".
const SPEC_RESPONSE = `— witness.example/w1 CMp+6LWBU0anHGH5aNDTJkH/gj79sG+T6+iP2ThYN5krrDJbR1HDnucjL39QsZTSvVjyQLrdk3DXDqI5G2HgLatVs0pWh6Up69HVOw==
— witness.example/w1 I7rEps0pvK2UqkS2gSpVUDhrhVtQV9lgF6pRrWAvjJHjyWpW7VcE3SiOlVlbQNt64vWhO+DlkL0+UfzuOBMh9ChdMkP1vi/lCAsmlw==
— witness.example/w2 AWui8Sk55XjYLOijihBjhqEH6nS1ndDymE0a+6idX7pLcnoB+dhnz0854aLZgrrKbYKA7nC3HNJhm/kWl7oJlqU3rXXvpysAdyP3wQ==
`;

beforeAll(async () => {
  await initKeys();
});

describe("the spec's examples", () => {
  it("the example request parses: old size, four proof hashes, a checkpoint with two log signatures", () => {
    const r = parseAddCheckpoint(SPEC_REQUEST);
    expect(r.oldSize).toBe(20852014);
    expect(r.proof.map((h) => h.length)).toEqual([32, 32, 32, 32]);
    expect(Buffer.from(r.proof[0]!).toString("base64")).toBe("PlRNCrwHpqhGrupue0L7gxbjbMiKA9temvuZZDDpkaw=");
    const note = parseNote(r.note);
    expect(note.signatures).toHaveLength(2);
    expect(parseCheckpoint(note.text)).toMatchObject({
      origin: "example.com/behind-the-sofa",
      size: 20852163,
    });
    // And our formatter writes exactly that body back.
    expect(formatAddCheckpoint(r)).toBe(SPEC_REQUEST);
  });

  it("the example response is three signature lines (cosignature/v1 lengths: 4 + 8 + 64 bytes)", () => {
    const lines = parseCosignatureLines(SPEC_RESPONSE);
    expect(lines).toHaveLength(3);
    for (const l of lines) expect(Buffer.from(l.trim().split(" ")[2]!, "base64")).toHaveLength(76);
  });
});

describe("round trips and limits", () => {
  it("format → parse is the identity for every proof length up to 63", async () => {
    const k = await keys();
    const t = tree(200);
    const note = checkpoint(t, 200, k.log);
    for (const n of [0, 1, 7, MAX_PROOF_LINES]) {
      const proof = Array.from({ length: n }, (_, i) => t.leafHash(i));
      const text = formatAddCheckpoint({ oldSize: n * 3, proof, note });
      expect(parseAddCheckpoint(text)).toEqual({ oldSize: n * 3, proof, note });
    }
    expect(() => formatAddCheckpoint({ oldSize: 0, proof: Array(64).fill(t.leafHash(0)), note })).toThrow(
      RangeError,
    );
    expect(() => formatAddCheckpoint({ oldSize: -1, proof: [], note })).toThrow(RangeError);
    expect(() => formatAddCheckpoint({ oldSize: 0, proof: [new Uint8Array(31)], note })).toThrow(RangeError);
  });

  it("409 answers: '<size>\\n' only", () => {
    expect(parseSizeAnswer("0\n")).toBe(0);
    expect(parseSizeAnswer("20852163\n")).toBe(20852163);
    for (const bad of ["", "12", "012\n", "-1\n", "1 \n", "1\n\n", "0x10\n"])
      expect(() => parseSizeAnswer(bad), JSON.stringify(bad)).toThrow(WitnessError);
  });
});
