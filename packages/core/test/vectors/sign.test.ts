// libsodium signatures equal the RFC 8032 and SUPERCOP sign.input signatures.
import { readFileSync } from "node:fs";
import { beforeAll, expect, it } from "vitest";
import { initKeys, keyPairFromSeed, sign } from "../../src/keys/sodium.js";
import { describeVectors, readVectorJson, vectorPath } from "../vectors.js";

const hex = (h: string) => new Uint8Array(Buffer.from(h, "hex"));
beforeAll(() => initKeys());

describeVectors("Ed25519 signing (libsodium)", () => {
  it("RFC 8032 section 7.1: keys and signatures match", () => {
    const v = readVectorJson<{ secretKey: string; publicKey: string; message: string; signature: string }[]>(
      "ed25519",
      "rfc8032.json",
    );
    for (const t of v) {
      const kp = keyPairFromSeed(hex(t.secretKey));
      expect(Buffer.from(kp.publicKey).toString("hex")).toBe(t.publicKey);
      expect(Buffer.from(sign(hex(t.message), kp.secretKey)).toString("hex")).toBe(t.signature);
    }
  });

  it("sign.input: all 1024 signatures match", () => {
    const lines = readFileSync(vectorPath("ed25519", "sign.input"), "utf8").trim().split("\n");
    expect(lines.length).toBe(1024);
    for (const line of lines) {
      const [sk, pk, msg, sm] = line.split(":") as [string, string, string, string];
      const kp = keyPairFromSeed(hex(sk.slice(0, 64)));
      expect(Buffer.from(kp.publicKey).toString("hex")).toBe(pk);
      expect(Buffer.from(sign(hex(msg), kp.secretKey)).toString("hex")).toBe(sm.slice(0, 128));
    }
  });
});
