// libsodium signatures equal the RFC 8032 section 7.1 and SUPERCOP sign.input signatures.
import { readFileSync } from "node:fs";
import { beforeAll, expect, it } from "vitest";
import { initKeys, keyPairFromSeed, publicKeyFromSecretKey, sign } from "../../src/keys/sodium.js";
import { describeVectors, readVectorJson, vectorPath } from "../vectors.js";

const hex = (h: string) => new Uint8Array(Buffer.from(h, "hex"));
const toHex = (b: Uint8Array) => Buffer.from(b).toString("hex");
beforeAll(() => initKeys());

describeVectors("Ed25519 signing (libsodium)", () => {
  it("RFC 8032 section 7.1: public keys and signatures match", () => {
    const v = readVectorJson<
      { name: string; secretKey: string; publicKey: string; message: string; signature: string }[]
    >("ed25519", "rfc8032.json");
    expect(v.length).toBe(5);
    for (const t of v) {
      const kp = keyPairFromSeed(hex(t.secretKey));
      expect(toHex(kp.publicKey), t.name).toBe(t.publicKey);
      expect(toHex(sign(hex(t.message), kp.secretKey)), t.name).toBe(t.signature);
    }
  });

  it("sign.input: all 1024 lines — keys, secret keys and signatures match", () => {
    const lines = readFileSync(vectorPath("ed25519", "sign.input"), "utf8").trim().split("\n");
    expect(lines.length).toBe(1024);
    for (const [i, line] of lines.entries()) {
      const [sk, pk, msg, sm] = line.split(":") as [string, string, string, string];
      const kp = keyPairFromSeed(hex(sk.slice(0, 64)));
      expect(toHex(kp.secretKey), `line ${i + 1}`).toBe(sk);
      expect(toHex(kp.publicKey), `line ${i + 1}`).toBe(pk);
      expect(toHex(publicKeyFromSecretKey(hex(sk)))).toBe(pk);
      expect(`${toHex(sign(hex(msg), kp.secretKey))}${msg}`, `line ${i + 1}`).toBe(sm);
    }
  });
});
