// Public API of the keys area: libsodium key generation and signing, key formats.
export {
  decodePrivateKey,
  decodePublicKey,
  encodePrivateKey,
  encodePublicKey,
  type PrivateKeyFormat,
  type PublicKeyFormat,
} from "./formats.js";
export { KeyFormatError, type KeyFormatReason } from "./key-error.js";
export {
  generateKeyPair,
  initKeys,
  type KeyPair,
  keyPairFromSeed,
  publicKeyFromSecretKey,
  seedOf,
  sign,
} from "./sodium.js";
