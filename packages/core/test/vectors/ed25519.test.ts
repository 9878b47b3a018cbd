// External Ed25519 vectors, in both modes, each also checked inside batches (single = batch).
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { type VerifyItem, type VerifyMode, verify, verifyBatch } from "../../src/ed25519/verify.js";
import { fillerItems } from "../ed25519-helpers.js";
import { describeVectors, readVectorJson, vectorPath } from "../vectors.js";

const hex = (h: string) => new Uint8Array(Buffer.from(h, "hex"));
const modes: VerifyMode[] = ["zip215", "strict"];

interface Case {
  name: string;
  item: VerifyItem;
  /** Expected verdict per mode. */
  want: Record<VerifyMode, boolean>;
}

/** Checks every case singly, then each case placed among valid signatures in batches of several sizes. */
function checkCases(cases: Case[]): void {
  for (const mode of modes) {
    it(`single verification gives the expected verdict (${mode})`, () => {
      const wrong = cases.filter(
        (c) => verify(c.item.signature, c.item.message, c.item.publicKey, { mode }) !== c.want[mode],
      );
      expect(wrong.map((c) => c.name)).toEqual([]);
    });
    it(`batch verification equals single verification for every case (${mode})`, () => {
      for (const size of [2, 7, 64]) {
        const filler = fillerItems(size - 1);
        const items: VerifyItem[] = [];
        const expected: boolean[] = [];
        // Each case at a position that rotates through the batch.
        cases.forEach((c, k) => {
          const pos = k % size;
          const batch = [...filler.slice(0, pos), c.item, ...filler.slice(pos)];
          items.push(...batch);
          expected.push(...batch.map((_, j) => (j === pos ? c.want[mode] : true)));
        });
        // one verifyBatch call per group of `size`
        for (let off = 0; off < items.length; off += size) {
          const got = verifyBatch(items.slice(off, off + size), { mode });
          expect(got, `batch of ${size} at ${off / size}`).toEqual(expected.slice(off, off + size));
        }
      }
    });
  }
}

describeVectors("Ed25519 RFC 8032 section 7.1", () => {
  const v = readVectorJson<{ name: string; publicKey: string; message: string; signature: string }[]>(
    "ed25519",
    "rfc8032.json",
  );
  checkCases(
    v.map((t) => ({
      name: t.name,
      item: { publicKey: hex(t.publicKey), message: hex(t.message), signature: hex(t.signature) },
      want: { zip215: true, strict: true },
    })),
  );
});

describeVectors("Ed25519 sign.input (SUPERCOP, 1024 lines)", () => {
  const lines = readFileSync(vectorPath("ed25519", "sign.input"), "utf8").trim().split("\n");
  it("has 1024 lines", () => expect(lines.length).toBe(1024));
  const cases: Case[] = lines.map((line, i) => {
    const [, pk, msg, sm] = line.split(":") as [string, string, string, string];
    return {
      name: `line ${i + 1}`,
      item: { publicKey: hex(pk), message: hex(msg), signature: hex(sm.slice(0, 128)) },
      want: { zip215: true, strict: true },
    };
  });
  it("all 1024 verify in one batch (zip215 and strict)", () => {
    for (const mode of modes)
      expect(
        verifyBatch(
          cases.map((c) => c.item),
          { mode },
        ).every(Boolean),
      ).toBe(true);
  });
  it("all 1024 verify singly", () => {
    expect(
      cases.filter((c) => !verify(c.item.signature, c.item.message, c.item.publicKey)).map((c) => c.name),
    ).toEqual([]);
  });
});

describeVectors("Ed25519 Wycheproof", () => {
  interface Group {
    publicKey: { pk: string };
    tests: { tcId: number; msg: string; sig: string; result: string; flags: string[] }[];
  }
  const w = readVectorJson<{ testGroups: Group[] }>("ed25519", "wycheproof_ed25519_test.json");
  const cases: Case[] = [];
  for (const g of w.testGroups) {
    for (const t of g.tests) {
      // Wycheproof signatures of the wrong length are invalid by definition: our API rejects
      // them with a RangeError before any verification (tested below).
      if (t.sig.length !== 128) continue;
      const valid = t.result === "valid";
      cases.push({
        name: `tcId ${t.tcId}`,
        item: { publicKey: hex(g.publicKey.pk), message: hex(t.msg), signature: hex(t.sig) },
        want: { zip215: valid, strict: valid },
      });
    }
  }
  it("covers the 150 cases (wrong-length signatures throw RangeError)", () => {
    let thrown = 0;
    for (const g of w.testGroups) {
      for (const t of g.tests) {
        if (t.sig.length === 128) continue;
        expect(t.result).toBe("invalid");
        expect(() => verify(hex(t.sig), hex(t.msg), hex(g.publicKey.pk))).toThrow(RangeError);
        thrown++;
      }
    }
    expect(cases.length + thrown).toBe(150);
  });
  checkCases(cases);
});

describeVectors("Ed25519 speccheck (ZIP-215 mode equals the Zebra row)", () => {
  const v = readVectorJson<{ message: string; pub_key: string; signature: string }[]>(
    "ed25519",
    "speccheck_cases.json",
  );
  const table = readFileSync(vectorPath("ed25519", "speccheck_results.md"), "utf8");
  const zebra = table
    .split("\n")
    .find((l) => l.startsWith("|Zebra"))!
    .split("|")
    .slice(2, -1)
    .map((x) => x.trim() === "V");
  it("reads 12 cases and 12 Zebra verdicts", () => {
    expect(v.length).toBe(12);
    expect(zebra.length).toBe(12);
  });
  it("our ZIP-215 verdicts equal Zebra's", () => {
    const ours = v.map((c) => verify(hex(c.signature), hex(c.message), hex(c.pub_key), { mode: "zip215" }));
    expect(ours).toEqual(zebra);
  });
  it("single equals batch in both modes", () => {
    for (const mode of modes) {
      const items = v.map((c) => ({
        publicKey: hex(c.pub_key),
        message: hex(c.message),
        signature: hex(c.signature),
      }));
      const single = items.map((it) => verify(it.signature, it.message, it.publicKey, { mode }));
      expect(verifyBatch([...fillerItems(5), ...items], { mode }).slice(5)).toEqual(single);
    }
  });
});

describeVectors("ZIP-215 small-order vectors", () => {
  const v = readVectorJson<{ vk_bytes: string; sig_bytes: string; valid_zip215: boolean }[]>(
    "ed25519",
    "zip215.json",
  );
  const msg = new TextEncoder().encode("Zcash");
  it("has 196 cases, all valid under ZIP-215", () => {
    expect(v.length).toBe(196);
    expect(v.every((c) => c.valid_zip215)).toBe(true);
  });
  checkCases(
    v.map((c, i) => ({
      name: `case ${i}`,
      item: { publicKey: hex(c.vk_bytes), message: msg, signature: hex(c.sig_bytes) },
      // Every case uses a small-order A and R: strict mode rejects all of them.
      want: { zip215: true, strict: false },
    })),
  );
});

describe("C2SP/CCTV rule table", () => {
  // Verdict per mode as a function of the case's flags:
  //   flag                      zip215   strict   why
  //   reencoded_k               reject   reject   k must hash R‖A as given, not re-encoded
  //     (unless low_order_A:    accept   reject   [8][k]A = O for every k)
  //   non_canonical_A / _R      accept   reject   ZIP-215 accepts non-canonical encodings
  //   low_order_A / _R          accept   reject   strict rejects small-order A and R
  //   low_order_component_A/_R  accept   accept   mixed-order points are not small-order
  //   low_order_residue         accept   accept   both modes use the cofactored equation
  //   (no flag)                 accept   accept
  it("is written down here and in the package README", () => {
    expect(cctvRule(["reencoded_k"], "zip215")).toBe(false);
    expect(cctvRule(["low_order_residue"], "strict")).toBe(true);
  });
});

export function cctvRule(flags: string[], mode: VerifyMode): boolean {
  // With a small-order A, [8][k]A = O whatever k is, so the hash input no longer matters.
  if (flags.includes("reencoded_k") && !flags.includes("low_order_A")) return false;
  if (mode === "zip215") return true;
  return !flags.some((f) => ["non_canonical_A", "non_canonical_R", "low_order_A", "low_order_R"].includes(f));
}

describeVectors("C2SP/CCTV ed25519vectors (914 cases)", () => {
  const v = readVectorJson<
    { number: number; key: string; sig: string; msg: string; flags: string[] | null }[]
  >("ed25519", "cctv_ed25519vectors.json");
  it("has 914 cases", () => expect(v.length).toBe(914));
  checkCases(
    v.map((c) => {
      const flags = c.flags ?? [];
      return {
        name: `#${c.number} [${flags.join(",")}]`,
        item: { publicKey: hex(c.key), message: new TextEncoder().encode(c.msg), signature: hex(c.sig) },
        want: { zip215: cctvRule(flags, "zip215"), strict: cctvRule(flags, "strict") },
      };
    }),
  );
});
