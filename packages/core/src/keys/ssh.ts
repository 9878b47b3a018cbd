// OpenSSH key formats for Ed25519: the public line `ssh-ed25519 <base64 blob> [comment]`
// (RFC 4253 §6.6 wire encoding: string "ssh-ed25519" ‖ string key) and the private key file
// `-----BEGIN OPENSSH PRIVATE KEY-----` (PROTOCOL.key, "openssh-key-v1"), unencrypted only.
import { toBase64 } from "../encoding.js";
import { KeyFormatError } from "./key-error.js";
import { keyBase64, parsePem, toPem } from "./pem.js";
import { type KeyPair, keyPairFromSeed } from "./sodium.js";

const SSH_ED25519 = "ssh-ed25519";
const MAGIC = "openssh-key-v1\0";
const latin1 = (bytes: Uint8Array): string => String.fromCharCode(...bytes);

/** Reads SSH wire types (uint32, string) from a buffer; failures name `what`. */
export class SshReader {
  private pos = 0;
  constructor(
    private readonly buf: Uint8Array,
    private readonly what: string,
  ) {}

  get remaining(): number {
    return this.buf.length - this.pos;
  }

  raw(n: number, name: string): Uint8Array {
    if (this.pos + n > this.buf.length)
      throw new KeyFormatError("truncated", `${this.what}: truncated in ${name}`);
    const out = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }

  u32(name: string): number {
    const b = this.raw(4, name);
    return ((b[0]! << 24) | (b[1]! << 16) | (b[2]! << 8) | b[3]!) >>> 0;
  }

  bytes(name: string): Uint8Array {
    return this.raw(this.u32(name), name);
  }

  /** A string field decoded as Latin-1, capped so a hostile length never builds a huge string. */
  text(name: string): string {
    const b = this.bytes(name);
    return latin1(b.length > 256 ? b.subarray(0, 256) : b);
  }
}

/** Appends SSH wire types to a growing byte list. */
export class SshWriter {
  private readonly out: number[] = [];

  u32(v: number): this {
    this.out.push((v >>> 24) & 255, (v >>> 16) & 255, (v >>> 8) & 255, v & 255);
    return this;
  }

  raw(bytes: Uint8Array): this {
    for (const b of bytes) this.out.push(b);
    return this;
  }

  bytes(value: Uint8Array | string): this {
    const b = typeof value === "string" ? new TextEncoder().encode(value) : value;
    return this.u32(b.length).raw(b);
  }

  get length(): number {
    return this.out.length;
  }

  finish(): Uint8Array {
    return Uint8Array.from(this.out);
  }
}

/** The wire blob of an Ed25519 public key: string "ssh-ed25519" ‖ string key. */
export function sshPublicBlob(publicKey: Uint8Array): Uint8Array {
  return new SshWriter().bytes(SSH_ED25519).bytes(publicKey).finish();
}

/** Parses a public key blob and insists on ssh-ed25519 with a 32-byte key and nothing after. */
export function parseSshPublicBlob(blob: Uint8Array, what: string): Uint8Array {
  const r = new SshReader(blob, what);
  const type = r.text("key type");
  if (type !== SSH_ED25519) {
    throw new KeyFormatError("wrong-type", `${what}: key type ${JSON.stringify(type)} is not ssh-ed25519`);
  }
  const key = r.bytes("key");
  if (key.length !== 32) {
    throw new KeyFormatError("bad-length", `${what}: expected a 32-byte Ed25519 key, got ${key.length}`);
  }
  if (r.remaining !== 0)
    throw new KeyFormatError("malformed", `${what}: ${r.remaining} bytes of trailing data`);
  return key.slice();
}

export function sshPublicLine(publicKey: Uint8Array, comment = ""): string {
  if (/[\r\n]/.test(comment)) throw new RangeError("comment: must not contain line breaks");
  const line = `${SSH_ED25519} ${toBase64(sshPublicBlob(publicKey))}`;
  return comment ? `${line} ${comment}` : line;
}

export interface SshPublicKey {
  publicKey: Uint8Array;
  comment: string;
}

/** Parses `ssh-ed25519 AAAA… [comment]` (one line, surrounding whitespace trimmed). */
export function parseSshPublicLine(line: string): SshPublicKey {
  const m = /^(\S+)[ \t]+(\S+)(?:[ \t]+([^\r\n]*))?$/.exec(line.trim());
  if (!m) throw new KeyFormatError("malformed", "ssh: expected `ssh-ed25519 <base64> [comment]` on one line");
  const [, type, data, comment = ""] = m as unknown as [string, string, string, string | undefined];
  if (type !== SSH_ED25519) {
    throw new KeyFormatError("wrong-type", `ssh: key type ${JSON.stringify(type)} is not ssh-ed25519`);
  }
  const publicKey = parseSshPublicBlob(keyBase64(data, "ssh key data"), "ssh key data");
  return { publicKey, comment };
}

// ---- openssh-key-v1 private keys -------------------------------------------------------------

export interface OpensshPrivateKey {
  keyPair: KeyPair;
  comment: string;
}

/**
 * Writes an unencrypted OpenSSH private key file. The two check integers are the first four
 * bytes of the public key (ssh-keygen picks them at random; they only detect a wrong
 * passphrase), so the output is a pure function of the key and comment.
 */
export function opensshPrivateKey(keyPair: KeyPair, comment = ""): string {
  const { publicKey, secretKey } = keyPair;
  const check = ((publicKey[0]! << 24) | (publicKey[1]! << 16) | (publicKey[2]! << 8) | publicKey[3]!) >>> 0;
  const priv = new SshWriter()
    .u32(check)
    .u32(check)
    .bytes(SSH_ED25519)
    .bytes(publicKey)
    .bytes(secretKey)
    .bytes(comment);
  for (let i = 1; priv.length % 8 !== 0; i++) priv.raw(Uint8Array.of(i));
  const file = new SshWriter()
    .raw(new TextEncoder().encode(MAGIC))
    .bytes("none")
    .bytes("none")
    .bytes("")
    .u32(1)
    .bytes(sshPublicBlob(publicKey))
    .bytes(priv.finish())
    .finish();
  return toPem("OPENSSH PRIVATE KEY", file, 70);
}

/** Parses an OpenSSH private key file (PEM text) holding one unencrypted Ed25519 key. */
export function parseOpensshPrivateKey(text: string): OpensshPrivateKey {
  const what = "openssh";
  const { label, body } = parsePem(text);
  if (label !== "OPENSSH PRIVATE KEY") {
    throw new KeyFormatError("wrong-type", `${what}: expected an OPENSSH PRIVATE KEY block, got ${label}`);
  }
  if (latin1(body.subarray(0, MAGIC.length)) !== MAGIC) {
    throw new KeyFormatError(
      body.length < MAGIC.length ? "truncated" : "malformed",
      `${what}: missing "openssh-key-v1" magic`,
    );
  }
  const r = new SshReader(body.subarray(MAGIC.length), what);
  const cipher = r.text("cipher name");
  const kdf = r.text("kdf name");
  const kdfOptions = r.bytes("kdf options");
  if (cipher !== "none" || kdf !== "none") {
    throw new KeyFormatError(
      "encrypted",
      `${what}: the key is passphrase-protected (cipher ${cipher}, kdf ${kdf}); ` +
        'remove the passphrase with `ssh-keygen -p -N "" -f FILE` or use another key',
    );
  }
  if (kdfOptions.length !== 0) throw new KeyFormatError("malformed", `${what}: kdf options without a kdf`);
  const count = r.u32("key count");
  if (count !== 1) throw new KeyFormatError("malformed", `${what}: expected exactly one key, found ${count}`);
  const outerPublic = parseSshPublicBlob(r.bytes("public key"), `${what} public key`);
  const section = r.bytes("private section");
  if (r.remaining !== 0)
    throw new KeyFormatError("malformed", `${what}: ${r.remaining} bytes of trailing data`);
  if (section.length % 8 !== 0) {
    throw new KeyFormatError("malformed", `${what}: private section is not a multiple of 8 bytes`);
  }

  const p = new SshReader(section, `${what} private section`);
  const check1 = p.u32("check integer");
  const check2 = p.u32("check integer");
  if (check1 !== check2) {
    throw new KeyFormatError("malformed", `${what}: check integers differ (corrupt key)`);
  }
  const type = p.text("key type");
  if (type !== SSH_ED25519) {
    throw new KeyFormatError(
      "wrong-type",
      `${what}: private key type ${JSON.stringify(type)} is not ssh-ed25519`,
    );
  }
  const pk = p.bytes("public key");
  const sk = p.bytes("secret key");
  if (pk.length !== 32)
    throw new KeyFormatError("bad-length", `${what}: expected a 32-byte public key, got ${pk.length}`);
  if (sk.length !== 64)
    throw new KeyFormatError("bad-length", `${what}: expected a 64-byte secret key, got ${sk.length}`);
  const comment = new TextDecoder().decode(p.bytes("comment"));
  const padding = p.raw(p.remaining, "padding");
  if (!padding.every((b, i) => b === i + 1)) {
    throw new KeyFormatError("malformed", `${what}: bad padding after the private key`);
  }
  const keyPair = keyPairFromSeed(sk.subarray(0, 32));
  const same = (a: Uint8Array) => a.every((b, i) => b === keyPair.publicKey[i]);
  if (!same(pk) || !same(sk.subarray(32)) || !same(outerPublic)) {
    throw new KeyFormatError("mismatch", `${what}: the stored public key does not match the private key`);
  }
  return { keyPair, comment };
}
