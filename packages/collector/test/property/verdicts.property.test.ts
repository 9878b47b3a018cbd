// The collector (ingest into a real SQLite store) and the lock auditor give the same verdict on
// every entry (issue 11): a genuine chain with one entry turned hostile — its signature map or
// signature entry, never its payload — goes through both, and the verdicts must match:
//   accepted       ingest stores it / the auditor has no finding on it
//   malformed      ingest answers ERR_MALFORMED / the auditor reports it altered as "malformed: …"
//   bad-signature  ingest answers ERR_SIGNATURE / the auditor reports it altered or backdated
// The hostile variants are the classes an attacker (a collector, a relay, a forger) can produce:
// non-canonical base64 of the signature or of the key, other spellings of the device key (base64url,
// hex, unpadded, upper case, trailing bits, an `ssh-ed25519` line), extra fields, another context
// (named, or only signed), duplicate signers (the device key twice in two spellings, a second valid
// signer), `__proto__` keys, bad signed_at forms, wrong lengths, maps that are not objects or
// are too large. Regression cases are the disagreements the first run found (before both sides
// used core's verifySigners).
import { encodePublicKey, keyPairFromSeed, payloadHash, sign, signHash, toBase64 } from "@chronoseal/core";
import { audit, type LockEntry } from "@chronoseal/lock";
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { IngestError, ingest } from "../../src/ingest.js";
import { SqliteStore } from "../../src/sqlite.js";
import { chain, type Device, device } from "../fixtures.js";

type Verdict = "accepted" | "malformed" | "bad-signature";

let dev: Device;
let genuine: LockEntry[];
const N = 4;

beforeAll(async () => {
  dev = await device("door-7", 7);
  genuine = chain(dev, N);
});

async function collectorVerdict(entries: LockEntry[], at: number): Promise<Verdict> {
  const store = new SqliteStore(":memory:");
  try {
    await ingest(store, new Map([[dev.door, dev.publicKey]]), entries);
    return "accepted";
  } catch (e) {
    if (!(e instanceof IngestError)) throw e;
    expect(e.index).toBe(at);
    if (e.code === "ERR_MALFORMED") return "malformed";
    if (e.code === "ERR_SIGNATURE") return "bad-signature";
    throw new Error(`unexpected ingest answer ${e.code}: ${e.message}`);
  } finally {
    await store.close();
  }
}

async function auditorVerdict(entries: LockEntry[], at: number): Promise<Verdict> {
  const [v] = await audit(entries, { deviceKeys: new Map([[dev.door, dev.publicKey]]), anchors: [] });
  const mine = v!.findings.filter((f) => f.seqs.includes(at) && f.kind !== "unanchored");
  const others = v!.findings.filter((f) => !f.seqs.includes(at) && f.kind !== "unanchored");
  expect(others).toEqual([]); // only the hostile entry is ever blamed
  if (mine.length === 0) return "accepted";
  expect(mine).toHaveLength(1);
  expect(["altered", "backdated"]).toContain(mine[0]!.kind);
  return mine[0]!.detail.startsWith("malformed:") ? "malformed" : "bad-signature";
}

/** Both verdicts for the chain with entry `at` replaced by `hostile` (as JSON text would carry it). */
async function verdicts(at: number, hostile: string): Promise<[Verdict, Verdict]> {
  const parse = () =>
    genuine.map((e, i) => (i === at ? JSON.parse(hostile) : structuredClone(e))) as LockEntry[];
  return [await collectorVerdict(parse(), at), await auditorVerdict(parse(), at)];
}

/** The JSON text of entry `at` with its `signatures` member written as `signatures` (raw JSON). */
function withSignatures(at: number, signatures: string | undefined): string {
  const { signatures: _s, ...body } = genuine[at]!;
  const text = JSON.stringify(body);
  return signatures === undefined ? text : `${text.slice(0, -1)},"signatures":${signatures}}`;
}

const B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/**
 * The same 64 bytes in non-canonical base64: the last character before "==" carries 2 bits of
 * data and 4 bits a lenient decoder ignores; set some of those (1..15 added to its index).
 */
function noncanonical(signature: string, n: number): string {
  const i = B64.indexOf(signature[85]!);
  return `${signature.slice(0, 85)}${B64[i + 1 + (n % 15)]}==`;
}

/** Other spellings of the device key (none of them is the map key the rule accepts). */
function spellings(key: string): string[] {
  const raw = Buffer.from(key, "base64");
  return [
    key.replace(/=$/, ""),
    raw.toString("base64url"),
    raw.toString("hex"),
    raw.toString("hex").toUpperCase(),
    key.toUpperCase(),
    key.toLowerCase(),
    `${key.slice(0, 42)}${String.fromCharCode(key.charCodeAt(42) ^ 1)}=`,
    encodePublicKey(raw, "ssh") as string,
    ` ${key}`,
    `${key}\n`,
  ].filter((s) => s !== key);
}

describe("collector ingest and lock auditor agree on every entry", () => {
  it("regression: the disagreements found before both used core's verifySigners", async () => {
    const at = 2;
    const e = genuine[at]!.signatures![dev.publicKey]!;
    const BAD_DAY = "2025-02-30T08:00:02.000Z";
    const cases: [string, string][] = [
      // the auditor accepted a signature whose last base64 character carried non-zero bits
      [
        "non-canonical signature base64",
        `{${JSON.stringify(dev.publicKey)}:${JSON.stringify({ ...e, signature: noncanonical(e.signature, 0) })}}`,
      ],
      // the auditor ignored unknown fields of the signature entry
      ["extra field", `{${JSON.stringify(dev.publicKey)}:${JSON.stringify({ ...e, note: "relayed" })}}`],
      // … and a `__proto__` field (JSON makes it an own field; the rule knows no such field)
      [
        "__proto__ field",
        `{${JSON.stringify(dev.publicKey)}:${JSON.stringify(e).slice(0, -1)},"__proto__":{}}}`,
      ],
      // the auditor took any YYYY-MM-DDTHH:MM:SS.mmmZ, even a day that does not exist, when the
      // device key signed it (signing functions refuse such a time: signed by hand here)
      [
        "impossible signed_at, signed",
        `{${JSON.stringify(dev.publicKey)}:${JSON.stringify({ signed_at: BAD_DAY, signature: toBase64(sign(new TextEncoder().encode(`chronoseal-v1:lock-entry:${BAD_DAY}:${payloadHash(genuine[at]!)}`), dev.keyPair.secretKey)), context: "lock-entry" })}}`,
      ],
      // the auditor ignored the size of the map; the collector refused maps over 1024 entries
      [
        "oversized map",
        `{${[...Array.from({ length: 1100 }, (_, i) => `"k${i}":0`), `${JSON.stringify(dev.publicKey)}:${JSON.stringify(e)}`].join(",")}}`,
      ],
    ];
    for (const [name, signatures] of cases) {
      const [c, a] = await verdicts(at, withSignatures(at, signatures));
      expect([name, a], name).toEqual([name, c]);
      expect(c, name).not.toBe("accepted");
    }
  });

  it("on hostile variants of one entry's signature map (fast-check, pinned seed)", async () => {
    const other = keyPairFromSeed(new Uint8Array(32).fill(99));
    const otherKey = toBase64(other.publicKey);
    const variant = fc.record({
      at: fc.nat(N - 1),
      kind: fc.constantFrom(
        "genuine",
        "no-context",
        "signature-noncanonical",
        "signature-short",
        "signature-long",
        "signature-flipped",
        "signature-number",
        "key-spelling",
        "key-spelling-and-genuine",
        "second-valid-signer",
        "other-key-under-device-name",
        "entry-extra-field",
        "entry-proto-field",
        "map-proto-key",
        "map-proto-only",
        "named-other-context",
        "signed-other-context",
        "bad-context",
        "signed-at-form",
        "signed-at-changed",
        "map-array",
        "map-null",
        "map-string",
        "map-empty",
        "no-signatures",
        "entry-null",
        "entry-array",
        "oversized-map",
      ),
      n: fc.nat(),
    });
    await fc.assert(
      fc.asyncProperty(variant, async ({ at, kind, n }) => {
        const key = dev.publicKey;
        const e = genuine[at]!.signatures![key]!;
        const hash = payloadHash(genuine[at]!);
        const entryOf = (x: object) => `{${JSON.stringify(key)}:${JSON.stringify(x)}}`;
        const spell = spellings(key);
        const forms = [
          e.signed_at.replace(".000Z", "Z"),
          e.signed_at.replace("Z", "+00:00"),
          e.signed_at.replace("T", "t"),
          e.signed_at.replace("T", " "),
          e.signed_at.replace(".000Z", ".00Z"),
          e.signed_at.replace(".000Z", ".0000Z"),
          e.signed_at.replace(/:\d\d\./, ":60."),
          e.signed_at.replace(/^2025-01-06/, "2025-01-32"),
          e.signed_at.toLowerCase(),
          `${e.signed_at} `,
        ];
        let signatures: string | undefined;
        switch (kind) {
          case "genuine":
            signatures = entryOf(e);
            break;
          case "no-context": {
            const { context: _c, ...bare } = e;
            signatures = entryOf(bare);
            break;
          }
          case "signature-noncanonical":
            signatures = entryOf({ ...e, signature: noncanonical(e.signature, n) });
            break;
          case "signature-short":
            signatures = entryOf({
              ...e,
              signature: toBase64(Buffer.from(e.signature, "base64").subarray(0, 63)),
            });
            break;
          case "signature-long":
            signatures = entryOf({
              ...e,
              signature: toBase64(Buffer.concat([Buffer.from(e.signature, "base64"), Buffer.of(n & 255)])),
            });
            break;
          case "signature-flipped": {
            const b = Buffer.from(e.signature, "base64");
            b[n % 64]! ^= 1 << (n % 8);
            signatures = entryOf({ ...e, signature: toBase64(b) });
            break;
          }
          case "signature-number":
            signatures = entryOf({ ...e, signature: n });
            break;
          case "key-spelling":
            signatures = `{${JSON.stringify(spell[n % spell.length])}:${JSON.stringify(e)}}`;
            break;
          case "key-spelling-and-genuine":
            signatures = `{${JSON.stringify(spell[n % spell.length])}:${JSON.stringify({ ...e, signed_at: forms[0] })},${JSON.stringify(key)}:${JSON.stringify(e)}}`;
            break;
          case "second-valid-signer": {
            const [k2, e2] = signHash(hash, {
              secretKey: other.secretKey,
              context: "lock-entry",
              signedAt: Date.parse(e.signed_at) - 5000,
            });
            signatures = `{${JSON.stringify(k2)}:${JSON.stringify(e2)},${JSON.stringify(key)}:${JSON.stringify(e)}}`;
            break;
          }
          case "other-key-under-device-name": {
            const [, e2] = signHash(hash, {
              secretKey: other.secretKey,
              context: "lock-entry",
              signedAt: e.signed_at,
            });
            signatures = n % 2 ? entryOf(e2) : `{${JSON.stringify(otherKey)}:${JSON.stringify(e)}}`;
            break;
          }
          case "entry-extra-field":
            signatures = entryOf({ ...e, [["note", "signer", "alg", "signatures"][n % 4]!]: "x" });
            break;
          case "entry-proto-field":
            signatures = `{${JSON.stringify(key)}:${JSON.stringify(e).slice(0, -1)},"__proto__":{"signed_at":"x"}}}`;
            break;
          case "map-proto-key":
            signatures = `{"__proto__":${JSON.stringify(e)},${JSON.stringify(key)}:${JSON.stringify(e)}}`;
            break;
          case "map-proto-only":
            signatures = `{"__proto__":{${JSON.stringify(key)}:${JSON.stringify(e)}}}`;
            break;
          case "named-other-context":
            signatures = entryOf({
              ...e,
              context: ["anchor", "attestation", "commit", "lock-entries"][n % 4],
            });
            break;
          case "signed-other-context": {
            const [, e2] = signHash(hash, {
              secretKey: dev.keyPair.secretKey,
              context: ["anchor", "attestation", "host-claim"][n % 3]!,
              signedAt: e.signed_at,
            });
            signatures = n % 2 ? entryOf(e2) : entryOf({ ...e2, context: "lock-entry" });
            break;
          }
          case "bad-context":
            signatures = entryOf({ ...e, context: ["Lock-Entry", "lock_entry", "", 5, null][n % 5] });
            break;
          case "signed-at-form":
            signatures = entryOf({ ...e, signed_at: forms[n % forms.length] });
            break;
          case "signed-at-changed":
            signatures = entryOf({
              ...e,
              signed_at: new Date(Date.parse(e.signed_at) - 1 - (n % 100_000)).toISOString(),
            });
            break;
          case "map-array":
            signatures = `[${JSON.stringify(e)}]`;
            break;
          case "map-null":
            signatures = "null";
            break;
          case "map-string":
            signatures = JSON.stringify(key);
            break;
          case "map-empty":
            signatures = "{}";
            break;
          case "no-signatures":
            signatures = undefined;
            break;
          case "entry-null":
            signatures = `{${JSON.stringify(key)}:null}`;
            break;
          case "entry-array":
            signatures = `{${JSON.stringify(key)}:[${JSON.stringify(e.signed_at)},${JSON.stringify(e.signature)}]}`;
            break;
          case "oversized-map":
            signatures = `{${[...Array.from({ length: 1024 + (n % 3) }, (_, i) => `"k${i}":0`), `${JSON.stringify(key)}:${JSON.stringify(e)}`].join(",")}}`;
            break;
        }
        const [c, a] = await verdicts(at, withSignatures(at, signatures));
        expect(a).toBe(c);
        // the genuine signature counts wherever it sits with junk the rule ignores
        if (
          [
            "genuine",
            "no-context",
            "second-valid-signer",
            "key-spelling-and-genuine",
            "map-proto-key",
          ].includes(kind)
        )
          expect(c).toBe("accepted");
        else expect(c).not.toBe("accepted");
      }),
      { seed: 20_250_218, numRuns: 400 },
    );
  });
});
