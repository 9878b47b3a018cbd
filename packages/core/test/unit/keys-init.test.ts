// Before initKeys() the synchronous key functions throw ERR_NOT_INITIALIZED (vitest gives every
// test file a fresh module graph, so nothing here has initialized libsodium's wrapper state).
import { describe, expect, it } from "vitest";
import { ChronosealError } from "../../src/errors.js";
import { decodePrivateKey } from "../../src/keys/formats.js";
import { generateKeyPair, initKeys, keyPairFromSeed, sign } from "../../src/keys/sodium.js";

describe("initKeys", () => {
  it("is required before signing, then idempotent", async () => {
    for (const f of [
      () => generateKeyPair(),
      () => keyPairFromSeed(new Uint8Array(32)),
      () => sign(new Uint8Array(0), new Uint8Array(64)),
      () => decodePrivateKey(new Uint8Array(32)),
    ]) {
      expect(f).toThrow(ChronosealError);
      expect(f).toThrow(expect.objectContaining({ code: "ERR_NOT_INITIALIZED" }));
    }
    await Promise.all([initKeys(), initKeys()]);
    await initKeys();
    expect(generateKeyPair().publicKey.length).toBe(32);
  });
});
