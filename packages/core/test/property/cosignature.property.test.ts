// cosignature/v1 properties (fast-check, pinned seeds), differential against @noble/curves and
// @noble/hashes: for any key, key name, checkpoint and timestamp, our line is exactly
// key id (noble SHA-256 of name ‖ 0x0A ‖ 0x04 ‖ key) ‖ u64 timestamp ‖ a signature noble verifies
// over the spec's message; a line noble makes verifies here with its timestamp; and flipping any
// bit of the line's payload makes it count no more.
import { ed25519 } from "@noble/curves/ed25519.js";
import { sha256 } from "@noble/hashes/sha2.js";
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { initKeys, keyPairFromSeed } from "../../src/keys/sodium.js";
import { checkNote, cosignCheckpoint, noteVerifier, signCheckpoint } from "../../src/merkle/index.js";

beforeAll(async () => {
  await initKeys();
});

const utf8 = (s: string) => new TextEncoder().encode(s);
const name = fc.stringMatching(/^[a-z0-9./_-]{1,24}$/);
const checkpoint = fc.record({
  origin: name,
  size: fc.nat({ max: 2 ** 40 }),
  root: fc.uint8Array({ minLength: 32, maxLength: 32 }),
  extensions: fc.array(fc.stringMatching(/^[a-z0-9 ]{1,12}$/), { maxLength: 2 }),
});
const seed = fc.uint8Array({ minLength: 32, maxLength: 32 });
const timestamp = fc.nat({ max: 4_000_000_000 });

describe("cosignature/v1 against @noble", () => {
  it("our lines are the spec's bytes; noble's lines verify here; a flipped bit never counts", () => {
    fc.assert(
      fc.property(checkpoint, seed, seed, name, timestamp, fc.nat(), (cp, logSeed, wSeed, wName, t, flip) => {
        const logKp = keyPairFromSeed(logSeed);
        const w = keyPairFromSeed(wSeed);
        const { extensions, ...rest } = cp;
        const note = signCheckpoint({ ...rest, ...(extensions.length ? { extensions } : {}) }, [
          { name: "log", secretKey: logKp.secretKey },
        ]);
        const text = note.slice(0, note.lastIndexOf("\n\n") + 1);
        const message = utf8(`cosignature/v1\ntime ${t}\n${text}`);
        const keyId = sha256(new Uint8Array([...utf8(wName), 0x0a, 0x04, ...w.publicKey])).subarray(0, 4);
        // Ours, checked by noble.
        const ours = cosignCheckpoint(
          note,
          [{ name: wName, secretKey: w.secretKey, type: "cosignature/v1" }],
          {
            timestamp: t,
          },
        );
        const raw = Buffer.from(ours.split("\n").at(-2)!.split(" ")[2]!, "base64");
        expect(raw.subarray(0, 4)).toEqual(Buffer.from(keyId));
        expect(raw.readBigUInt64BE(4)).toBe(BigInt(t));
        expect(ed25519.verify(raw.subarray(12), message, w.publicKey)).toBe(true);
        // noble's, checked by us.
        const ts = Buffer.alloc(8);
        ts.writeBigUInt64BE(BigInt(t));
        const nobleRaw = Buffer.concat([keyId, ts, ed25519.sign(message, wSeed)]);
        const verifier = noteVerifier(wName, w.publicKey, "cosignature/v1");
        const opts = { now: t * 1000 };
        const theirs = checkNote(`${note}— ${wName} ${nobleRaw.toString("base64")}\n`, [verifier], opts);
        expect(theirs.signatures.map((s) => s.timestamp)).toEqual([t]);
        // One flipped bit after the key id: never a valid cosignature.
        const bad = Buffer.from(nobleRaw);
        const bit = 32 + (flip % ((bad.length - 4) * 8));
        bad[bit >> 3]! ^= 1 << (bit & 7);
        const flipped = checkNote(`${note}— ${wName} ${bad.toString("base64")}\n`, [verifier], {
          ...opts,
          maxFutureMs: Number.POSITIVE_INFINITY,
        });
        expect(flipped.signatures).toEqual([]);
        expect(flipped.invalid).toHaveLength(1);
      }),
      { seed: 1679315147, numRuns: 60 },
    );
  });
});
