// Ed25519 key formats in and out: raw bytes, base64, OpenSSH public keys (`ssh-ed25519 AAAA…`),
// OpenSSH private key files (openssh-key-v1, unencrypted), PKCS#8 private and SPKI public keys
// in PEM (the fixed DER layouts of RFC 8410, interoperable with OpenSSL and node:crypto).
import { abytes, ChronosealError } from "../errors.js";
import { type KeyPair, keyPairFromSeed } from "./sodium.js";

export class KeyFormatError extends ChronosealError {
  constructor(message: string) {
    super("ERR_KEY_FORMAT", message);
    this.name = "KeyFormatError";
  }
}

export type PublicKeyFormat = "raw" | "base64" | "ssh" | "pem";
export type PrivateKeyFormat = "raw" | "base64" | "pem" | "openssh";

const SPKI_PREFIX = Uint8Array.from([0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00]);
const PKCS8_PREFIX = Uint8Array.from([
  0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20,
]);
const SSH_TYPE = "ssh-ed25519";
const B64 = /^[A-Za-z0-9+/]*={0,2}$/;

function b64decode(text: string, what: string): Uint8Array {
  const clean = text.replace(/\s+/g, "");
  if (!B64.test(clean) || clean.length % 4 !== 0) throw new KeyFormatError(`${what}: invalid base64`);
  return new Uint8Array(Buffer.from(clean, "base64"));
}

function b64(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString("base64");
}

function pem(label: string, der: Uint8Array): string {
  const body = b64(der)
    .replace(/(.{64})/g, "$1\n")
    .replace(/\n$/, "");
  return `-----BEGIN ${label}-----\n${body}\n-----END ${label}-----\n`;
}

function unpem(text: string, label: string): Uint8Array {
  const m = new RegExp(`-----BEGIN ${label}-----([\\s\\S]*?)-----END ${label}-----`).exec(text);
  if (!m) throw new KeyFormatError(`expected a PEM block "${label}"`);
  return b64decode(m[1]!, `PEM ${label}`);
}

function startsWith(a: Uint8Array, prefix: Uint8Array): boolean {
  return a.length >= prefix.length && prefix.every((b, i) => a[i] === b);
}

// ---- SSH wire format ---------------------------------------------------------------------------

class Reader {
  private pos = 0;
  constructor(
    private readonly buf: Uint8Array,
    private readonly what: string,
  ) {}
  u32(): number {
    if (this.pos + 4 > this.buf.length) throw new KeyFormatError(`${this.what}: truncated`);
    const v = new DataView(this.buf.buffer, this.buf.byteOffset + this.pos, 4).getUint32(0);
    this.pos += 4;
    return v;
  }
  bytes(): Uint8Array {
    const n = this.u32();
    if (this.pos + n > this.buf.length) throw new KeyFormatError(`${this.what}: truncated`);
    const out = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }
  string(): string {
    return Buffer.from(this.bytes()).toString("latin1");
  }
  raw(n: number): Uint8Array {
    if (this.pos + n > this.buf.length) throw new KeyFormatError(`${this.what}: truncated`);
    const out = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }
  get remaining(): number {
    return this.buf.length - this.pos;
  }
  rest(): Uint8Array {
    return this.buf.subarray(this.pos);
  }
}

function writeU32(out: number[], v: number): void {
  out.push((v >>> 24) & 255, (v >>> 16) & 255, (v >>> 8) & 255, v & 255);
}
function writeBytes(out: number[], b: Uint8Array | string): void {
  const bytes = typeof b === "string" ? Buffer.from(b, "latin1") : b;
  writeU32(out, bytes.length);
  for (const x of bytes) out.push(x);
}

function sshPublicBlob(pk: Uint8Array): Uint8Array {
  const out: number[] = [];
  writeBytes(out, SSH_TYPE);
  writeBytes(out, pk);
  return Uint8Array.from(out);
}

function parseSshPublicBlob(blob: Uint8Array, what: string): Uint8Array {
  const r = new Reader(blob, what);
  const type = r.string();
  if (type !== SSH_TYPE)
    throw new KeyFormatError(`${what}: key type ${JSON.stringify(type)} is not ssh-ed25519`);
  const pk = r.bytes();
  if (pk.length !== 32) throw new KeyFormatError(`${what}: expected a 32-byte key, got ${pk.length}`);
  if (r.remaining !== 0) throw new KeyFormatError(`${what}: trailing data`);
  return pk.slice();
}

// ---- public keys -------------------------------------------------------------------------------

export function encodePublicKey(
  publicKey: Uint8Array,
  format: PublicKeyFormat,
  comment = "",
): Uint8Array | string {
  abytes(publicKey, 32, "publicKey");
  switch (format) {
    case "raw":
      return publicKey.slice();
    case "base64":
      return b64(publicKey);
    case "ssh":
      return `${SSH_TYPE} ${b64(sshPublicBlob(publicKey))}${comment ? ` ${comment}` : ""}`;
    case "pem":
      return pem("PUBLIC KEY", Uint8Array.from([...SPKI_PREFIX, ...publicKey]));
    default:
      throw new RangeError(`format: expected raw, base64, ssh or pem, got ${String(format)}`);
  }
}

/** Decodes a public key given as raw bytes, base64, an OpenSSH line, or SPKI PEM (auto-detected). */
export function decodePublicKey(input: string | Uint8Array): Uint8Array {
  if (input instanceof Uint8Array) {
    if (input.length === 32) return input.slice();
    return decodePublicKey(Buffer.from(input).toString("utf8"));
  }
  if (typeof input !== "string")
    throw new TypeError(`publicKey: expected string or Uint8Array, got ${typeof input}`);
  const text = input.trim();
  if (text.startsWith("-----BEGIN PUBLIC KEY-----")) {
    const der = unpem(text, "PUBLIC KEY");
    if (der.length !== 44 || !startsWith(der, SPKI_PREFIX))
      throw new KeyFormatError("SPKI: not an Ed25519 public key");
    return der.slice(12);
  }
  if (text.startsWith("-----BEGIN")) throw new KeyFormatError("PEM: expected a PUBLIC KEY block");
  if (text.startsWith("ssh-")) {
    const [type, blob] = text.split(/\s+/);
    if (type !== SSH_TYPE)
      throw new KeyFormatError(`ssh: key type ${JSON.stringify(type)} is not ssh-ed25519`);
    if (!blob) throw new KeyFormatError("ssh: missing key data");
    return parseSshPublicBlob(b64decode(blob, "ssh"), "ssh");
  }
  const bytes = b64decode(text, "base64 public key");
  if (bytes.length !== 32)
    throw new KeyFormatError(`base64 public key: expected 32 bytes, got ${bytes.length}`);
  return bytes;
}

// ---- private keys ------------------------------------------------------------------------------

const OPENSSH_MAGIC = Buffer.from("openssh-key-v1\0", "latin1");

function opensshPrivate(kp: KeyPair, comment: string): string {
  const priv: number[] = [];
  const check = (Buffer.from(kp.publicKey).readUInt32BE(0) ^ 0x5eed) >>> 0;
  writeU32(priv, check);
  writeU32(priv, check);
  writeBytes(priv, SSH_TYPE);
  writeBytes(priv, kp.publicKey);
  writeBytes(priv, kp.secretKey);
  writeBytes(priv, comment);
  for (let i = 1; priv.length % 8 !== 0; i++) priv.push(i);
  const out: number[] = [...OPENSSH_MAGIC];
  writeBytes(out, "none");
  writeBytes(out, "none");
  writeBytes(out, "");
  writeU32(out, 1);
  writeBytes(out, sshPublicBlob(kp.publicKey));
  writeBytes(out, Uint8Array.from(priv));
  const body = b64(Uint8Array.from(out))
    .replace(/(.{70})/g, "$1\n")
    .replace(/\n$/, "");
  return `-----BEGIN OPENSSH PRIVATE KEY-----\n${body}\n-----END OPENSSH PRIVATE KEY-----\n`;
}

function parseOpensshPrivate(text: string): KeyPair {
  const data = unpem(text, "OPENSSH PRIVATE KEY");
  if (!startsWith(data, OPENSSH_MAGIC)) throw new KeyFormatError("openssh: bad magic");
  const r = new Reader(data.subarray(OPENSSH_MAGIC.length), "openssh");
  const cipher = r.string();
  const kdf = r.string();
  r.bytes(); // kdf options
  if (cipher !== "none" || kdf !== "none") {
    throw new KeyFormatError(
      `openssh: the key is encrypted (cipher ${cipher}); decrypt it first with ssh-keygen -p`,
    );
  }
  if (r.u32() !== 1) throw new KeyFormatError("openssh: expected exactly one key");
  const pub = parseSshPublicBlob(r.bytes(), "openssh public key");
  const priv = new Reader(r.bytes(), "openssh private section");
  const check1 = priv.u32();
  const check2 = priv.u32();
  if (check1 !== check2)
    throw new KeyFormatError("openssh: check integers differ (wrong passphrase or corrupt key)");
  if (priv.string() !== SSH_TYPE) throw new KeyFormatError("openssh: private key is not ssh-ed25519");
  const pk = priv.bytes();
  const sk = priv.bytes();
  if (pk.length !== 32 || sk.length !== 64) throw new KeyFormatError("openssh: bad key lengths");
  const kp = keyPairFromSeed(sk.slice(0, 32));
  if (!kp.publicKey.every((b, i) => b === pub[i] && b === pk[i] && b === sk[32 + i])) {
    throw new KeyFormatError("openssh: the public key does not match the private key");
  }
  return kp;
}

export function encodePrivateKey(
  keyPair: KeyPair,
  format: PrivateKeyFormat,
  comment = "",
): Uint8Array | string {
  abytes(keyPair?.secretKey, 64, "secretKey");
  abytes(keyPair?.publicKey, 32, "publicKey");
  const seed = keyPair.secretKey.subarray(0, 32);
  switch (format) {
    case "raw":
      return seed.slice();
    case "base64":
      return b64(seed);
    case "pem":
      return pem("PRIVATE KEY", Uint8Array.from([...PKCS8_PREFIX, ...seed]));
    case "openssh":
      return opensshPrivate(keyPair, comment);
    default:
      throw new RangeError(`format: expected raw, base64, pem or openssh, got ${String(format)}`);
  }
}

/**
 * Decodes a private key (auto-detected): a raw 32-byte seed or 64-byte secret key, their base64,
 * PKCS#8 PEM, or an unencrypted OpenSSH private key file. Needs `await initKeys()` first.
 */
export function decodePrivateKey(input: string | Uint8Array): KeyPair {
  if (input instanceof Uint8Array) {
    if (input.length === 32) return keyPairFromSeed(input);
    if (input.length === 64) {
      const kp = keyPairFromSeed(input.subarray(0, 32));
      if (!kp.publicKey.every((b, i) => b === input[32 + i]))
        throw new KeyFormatError("secret key: public half does not match");
      return kp;
    }
    return decodePrivateKey(Buffer.from(input).toString("utf8"));
  }
  if (typeof input !== "string")
    throw new TypeError(`privateKey: expected string or Uint8Array, got ${typeof input}`);
  const text = input.trim();
  if (text.startsWith("-----BEGIN OPENSSH PRIVATE KEY-----")) return parseOpensshPrivate(text);
  if (text.startsWith("-----BEGIN PRIVATE KEY-----")) {
    const der = unpem(text, "PRIVATE KEY");
    if (der.length !== 48 || !startsWith(der, PKCS8_PREFIX))
      throw new KeyFormatError("PKCS#8: not an Ed25519 private key");
    return keyPairFromSeed(der.slice(16));
  }
  if (text.startsWith("-----BEGIN ENCRYPTED PRIVATE KEY-----"))
    throw new KeyFormatError("PKCS#8: the key is encrypted");
  if (text.startsWith("-----BEGIN"))
    throw new KeyFormatError("PEM: expected a PRIVATE KEY or OPENSSH PRIVATE KEY block");
  const bytes = b64decode(text, "base64 private key");
  if (bytes.length !== 32 && bytes.length !== 64)
    throw new KeyFormatError(`base64 private key: expected 32 or 64 bytes, got ${bytes.length}`);
  return decodePrivateKey(bytes);
}
