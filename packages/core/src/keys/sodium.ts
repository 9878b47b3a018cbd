// Ed25519 key generation and signing with libsodium (libsodium-wrappers). libsodium's
// WebAssembly loads asynchronously, so `await initKeys()` (or the package's `init()`) must run
// once before the synchronous functions here.
import sodium from "libsodium-wrappers";
import { abytes, ChronosealError } from "../errors.js";

let ready = false;

export async function initKeys(): Promise<void> {
  if (ready) return;
  await sodium.ready;
  ready = true;
}

function lib(): typeof sodium {
  if (!ready)
    throw new ChronosealError(
      "ERR_NOT_INITIALIZED",
      "keys: call `await init()` (or `await initKeys()`) before signing",
    );
  return sodium;
}

/** An Ed25519 key pair: secretKey is libsodium's 64 bytes, seed ‖ publicKey. */
export interface KeyPair {
  publicKey: Uint8Array;
  secretKey: Uint8Array;
}

export function generateKeyPair(): KeyPair {
  const kp = lib().crypto_sign_keypair();
  return { publicKey: kp.publicKey, secretKey: kp.privateKey };
}

export function keyPairFromSeed(seed: Uint8Array): KeyPair {
  abytes(seed, 32, "seed");
  const kp = lib().crypto_sign_seed_keypair(seed);
  return { publicKey: kp.publicKey, secretKey: kp.privateKey };
}

/** The 32-byte seed inside a 64-byte secret key. */
export function seedOf(secretKey: Uint8Array): Uint8Array {
  abytes(secretKey, 64, "secretKey");
  return secretKey.slice(0, 32);
}

export function publicKeyFromSecretKey(secretKey: Uint8Array): Uint8Array {
  abytes(secretKey, 64, "secretKey");
  return keyPairFromSeed(secretKey.subarray(0, 32)).publicKey;
}

/** Detached Ed25519 signature (64 bytes) of `message`. */
export function sign(message: Uint8Array, secretKey: Uint8Array): Uint8Array {
  abytes(message, undefined, "message");
  abytes(secretKey, 64, "secretKey");
  return lib().crypto_sign_detached(message, secretKey);
}
