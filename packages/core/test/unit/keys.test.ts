// Keys and signing (libsodium) and key formats, with interop against node:crypto and ssh-keygen.
import { execFileSync } from "node:child_process";
import { createPrivateKey, createPublicKey, sign as nodeSign, verify as nodeVerify } from "node:crypto";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { verify } from "../../src/ed25519/verify.js";
import {
  decodePrivateKey,
  decodePublicKey,
  encodePrivateKey,
  encodePublicKey,
  KeyFormatError,
} from "../../src/keys/formats.js";
import { generateKeyPair, initKeys, keyPairFromSeed, sign } from "../../src/keys/sodium.js";

beforeAll(() => initKeys());
const hasSshKeygen = (() => {
  try {
    execFileSync("ssh-keygen", ["-?"], { stdio: "ignore" });
    return true;
  } catch (e) {
    return (e as { status?: number }).status !== undefined && (e as { code?: string }).code !== "ENOENT";
  }
})();

describe("keys and signing", () => {
  it("signs and verifies; seeds are deterministic", () => {
    const kp = generateKeyPair();
    const msg = new TextEncoder().encode("hello");
    const sig = sign(msg, kp.secretKey);
    expect(verify(sig, msg, kp.publicKey)).toBe(true);
    const again = keyPairFromSeed(kp.secretKey.subarray(0, 32));
    expect(again.publicKey).toEqual(kp.publicKey);
    expect(sign(msg, again.secretKey)).toEqual(sig);
  });

  it("rejects wrong shapes with exact messages", () => {
    expect(() => keyPairFromSeed(new Uint8Array(31))).toThrow(
      new RangeError("seed: expected Uint8Array of length 32, got length=31"),
    );
    expect(() => sign(new Uint8Array(1), new Uint8Array(32))).toThrow(
      new RangeError("secretKey: expected Uint8Array of length 64, got length=32"),
    );
  });
});

describe("key formats", () => {
  it("round-trips every format (property)", () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 32, maxLength: 32 }), (seed) => {
        const kp = keyPairFromSeed(seed);
        for (const f of ["raw", "base64", "ssh", "pem"] as const) {
          expect(decodePublicKey(encodePublicKey(kp.publicKey, f))).toEqual(kp.publicKey);
        }
        for (const f of ["raw", "base64", "pem", "openssh"] as const) {
          expect(decodePrivateKey(encodePrivateKey(kp, f)).secretKey).toEqual(kp.secretKey);
        }
        expect(decodePrivateKey(kp.secretKey).publicKey).toEqual(kp.publicKey);
      }),
      { seed: 8410, numRuns: 200 },
    );
  });

  it("interoperates with node:crypto both ways (PEM)", () => {
    const kp = generateKeyPair();
    const msg = new TextEncoder().encode("interop");
    const nodePriv = createPrivateKey(encodePrivateKey(kp, "pem") as string);
    const nodePub = createPublicKey(encodePublicKey(kp.publicKey, "pem") as string);
    expect(nodeVerify(null, msg, nodePub, sign(msg, kp.secretKey))).toBe(true);
    const sig = new Uint8Array(nodeSign(null, msg, nodePriv));
    expect(verify(sig, msg, kp.publicKey)).toBe(true);
    // and keys made by node:crypto import into ours
    const back = decodePrivateKey(nodePriv.export({ format: "pem", type: "pkcs8" }) as string);
    expect(back.publicKey).toEqual(kp.publicKey);
    expect(decodePublicKey(nodePub.export({ format: "pem", type: "spki" }) as string)).toEqual(kp.publicKey);
  });

  it.skipIf(!hasSshKeygen && !process.env.CI)("interoperates with ssh-keygen both ways", () => {
    const dir = mkdtempSync(join(tmpdir(), "sshkeys-"));
    const file = join(dir, "id_ed25519");
    execFileSync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", "test@chronoseal", "-f", file]);
    const kp = decodePrivateKey(readFileSync(file, "utf8"));
    const pub = decodePublicKey(readFileSync(`${file}.pub`, "utf8"));
    expect(kp.publicKey).toEqual(pub);
    const msg = new TextEncoder().encode("ssh");
    expect(verify(sign(msg, kp.secretKey), msg, pub)).toBe(true);
    // our export is accepted by ssh-keygen, which derives the same public key
    const ours = generateKeyPair();
    const ourFile = join(dir, "ours");
    writeFileSync(ourFile, encodePrivateKey(ours, "openssh", "ours") as string, { mode: 0o600 });
    const derived = execFileSync("ssh-keygen", ["-y", "-f", ourFile], { encoding: "utf8" });
    expect(decodePublicKey(derived)).toEqual(ours.publicKey);
    expect(derived.split(" ").slice(0, 2).join(" ")).toBe(encodePublicKey(ours.publicKey, "ssh"));
    // a passphrase-protected key gets a clear typed error
    const enc = join(dir, "enc");
    execFileSync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "secret", "-f", enc]);
    expect(() => decodePrivateKey(readFileSync(enc, "utf8"))).toThrow(/encrypted/);
  });

  it("gives typed errors for every malformed input class", () => {
    const kp = generateKeyPair();
    const bad: [string | Uint8Array, RegExp][] = [
      ["not base64 !!", /invalid base64/],
      ["AAAA", /expected 32 bytes, got 3/],
      ["ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQ", /not ssh-ed25519/],
      [`ssh-ed25519 ${Buffer.from("short").toString("base64")}`, /truncated|invalid base64/],
      ["-----BEGIN PUBLIC KEY-----\nMCowBQYDK2VwAyEA\n-----END PUBLIC KEY-----", /not an Ed25519 public key/],
      ["-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----", /expected a PUBLIC KEY block/],
      [new Uint8Array(31), /invalid base64|expected 32 bytes/],
    ];
    for (const [input, msg] of bad) {
      expect(() => decodePublicKey(input), String(input)).toThrow(KeyFormatError);
      expect(() => decodePublicKey(input), String(input)).toThrow(msg);
    }
    const pem = encodePrivateKey(kp, "openssh") as string;
    const truncated = pem.replace(/\n[^\n]+\n-----END/, "\n-----END");
    expect(() => decodePrivateKey(truncated)).toThrow(KeyFormatError);
    expect(() =>
      decodePrivateKey("-----BEGIN ENCRYPTED PRIVATE KEY-----\nAA==\n-----END ENCRYPTED PRIVATE KEY-----"),
    ).toThrow(/encrypted/);
    const mismatched = new Uint8Array(64);
    mismatched.set(kp.secretKey.subarray(0, 32));
    expect(() => decodePrivateKey(mismatched)).toThrow(/does not match/);
    expect(() => decodePublicKey(42 as unknown as string)).toThrow(TypeError);
  });
});
