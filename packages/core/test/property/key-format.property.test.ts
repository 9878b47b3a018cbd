// Key formats, as properties: every format round-trips (as text and as file bytes), encodings are
// stable, and any mutation or arbitrary input either decodes or throws KeyFormatError — never
// another kind of error.
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import {
  decodePrivateKey,
  decodePublicKey,
  encodePrivateKey,
  encodePublicKey,
  type PrivateKeyFormat,
  type PublicKeyFormat,
} from "../../src/keys/formats.js";
import { KeyFormatError } from "../../src/keys/key-error.js";
import { initKeys, type KeyPair, keyPairFromSeed } from "../../src/keys/sodium.js";
import { parseOpensshPrivateKey, parseSshPublicLine } from "../../src/keys/ssh.js";

beforeAll(() => initKeys());

const PUBLIC: PublicKeyFormat[] = ["raw", "base64", "ssh", "pem"];
const PRIVATE: PrivateKeyFormat[] = ["raw", "base64", "pem", "openssh"];
const seed = fc.uint8Array({ minLength: 32, maxLength: 32 });
/** Comments as ssh-keygen allows them on one line: any text without line breaks, trimmed. */
const comment = fc.string({ maxLength: 40, unit: "grapheme" }).map((s) => s.replace(/[\r\n]/g, " ").trim());
const asBytes = (v: Uint8Array | string) => (typeof v === "string" ? new TextEncoder().encode(v) : v);

/** Decoding either succeeds or throws KeyFormatError. */
/** Either decodes to a well-formed key or throws KeyFormatError; anything else fails the property. */
function decodesOrKeyFormatError(f: () => Uint8Array | KeyPair): void {
  let out: Uint8Array | KeyPair;
  try {
    out = f();
  } catch (e) {
    expect(e).toBeInstanceOf(KeyFormatError);
    return;
  }
  expect(out instanceof Uint8Array ? out : out.publicKey).toHaveLength(32);
}

describe("key formats (property)", () => {
  it("every public format round-trips, as text and as bytes, and re-encodes identically", () => {
    fc.assert(
      fc.property(seed, comment, (s, c) => {
        const { publicKey } = keyPairFromSeed(s);
        for (const f of PUBLIC) {
          const encoded = encodePublicKey(publicKey, f, c);
          expect(decodePublicKey(encoded)).toEqual(publicKey);
          expect(decodePublicKey(asBytes(encoded))).toEqual(publicKey);
          expect(encodePublicKey(decodePublicKey(encoded), f, c)).toEqual(encoded);
        }
        expect(parseSshPublicLine(encodePublicKey(publicKey, "ssh", c) as string)).toEqual({
          publicKey,
          comment: c,
        });
      }),
      { seed: 4253, numRuns: 150 },
    );
  });

  it("every private format round-trips, as text and as bytes; OpenSSH keeps the comment", () => {
    fc.assert(
      fc.property(seed, comment, (s, c) => {
        const kp = keyPairFromSeed(s);
        for (const f of PRIVATE) {
          const encoded = encodePrivateKey(kp, f, c);
          expect(decodePrivateKey(encoded)).toEqual(kp);
          expect(decodePrivateKey(asBytes(encoded))).toEqual(kp);
          expect(encodePrivateKey(decodePrivateKey(encoded), f, c)).toEqual(encoded);
        }
        expect(decodePrivateKey(kp.secretKey)).toEqual(kp);
        expect(parseOpensshPrivateKey(encodePrivateKey(kp, "openssh", c) as string).comment).toBe(c);
      }),
      { seed: 5958, numRuns: 150 },
    );
  });

  it("mutated encodings decode or throw KeyFormatError", () => {
    const mutation = fc.record({
      seed,
      pub: fc.constantFrom(...PUBLIC),
      priv: fc.constantFrom(...PRIVATE),
      kind: fc.constantFrom("truncate", "flip", "insert", "delete"),
      at: fc.nat(),
      value: fc.integer({ min: 0, max: 255 }),
    });
    fc.assert(
      fc.property(mutation, ({ seed: s, pub, priv, kind, at, value }) => {
        const kp = keyPairFromSeed(s);
        for (const encoded of [encodePublicKey(kp.publicKey, pub, "c"), encodePrivateKey(kp, priv, "c")]) {
          const bytes = asBytes(encoded);
          const i = at % bytes.length;
          let m: Uint8Array;
          if (kind === "truncate") m = bytes.subarray(0, i);
          else if (kind === "flip") m = Uint8Array.from(bytes, (b, j) => (j === i ? b ^ (value || 1) : b));
          else if (kind === "insert")
            m = Uint8Array.from([...bytes.subarray(0, i), value, ...bytes.subarray(i)]);
          else m = Uint8Array.from([...bytes.subarray(0, i), ...bytes.subarray(i + 1)]);
          decodesOrKeyFormatError(() => decodePublicKey(m));
          decodesOrKeyFormatError(() => decodePrivateKey(m));
          if (typeof encoded === "string") {
            const t = new TextDecoder().decode(m);
            decodesOrKeyFormatError(() => decodePublicKey(t));
            decodesOrKeyFormatError(() => decodePrivateKey(t));
          }
        }
      }),
      { seed: 7468, numRuns: 600 },
    );
  });

  it("arbitrary strings and bytes decode or throw KeyFormatError", () => {
    const prefixes = [
      "",
      "ssh-ed25519 ",
      "ssh-rsa ",
      "-----BEGIN PUBLIC KEY-----\n",
      "-----BEGIN PRIVATE KEY-----\n",
      "-----BEGIN OPENSSH PRIVATE KEY-----\n",
    ];
    fc.assert(
      fc.property(
        fc.constantFrom(...prefixes),
        fc.string({ maxLength: 200 }),
        fc.uint8Array({ maxLength: 120 }),
        (p, s, b) => {
          decodesOrKeyFormatError(() => decodePublicKey(p + s));
          decodesOrKeyFormatError(() => decodePrivateKey(p + s));
          decodesOrKeyFormatError(() => decodePublicKey(p + Buffer.from(b).toString("base64")));
          decodesOrKeyFormatError(() => decodePrivateKey(p + Buffer.from(b).toString("base64")));
          decodesOrKeyFormatError(() => decodePublicKey(b));
          decodesOrKeyFormatError(() => decodePrivateKey(b));
        },
      ),
      { seed: 1421, numRuns: 1000 },
    );
  });
});
