// Ed25519 keys in DER (RFC 8410): SubjectPublicKeyInfo for public keys and PKCS#8 / RFC 5958
// OneAsymmetricKey for private keys. We write the fixed 44- and 48-byte forms OpenSSL and
// node:crypto write, and read any valid DER of the two structures (including v2 PKCS#8 with the
// public key attached), naming the algorithm when a key is not Ed25519.
import { KeyFormatError } from "./key-error.js";

const ED25519_OID = Uint8Array.from([0x2b, 0x65, 0x70]); // 1.3.101.112
const SPKI_PREFIX = Uint8Array.from([0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00]);
const PKCS8_PREFIX = Uint8Array.from([
  0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20,
]);

const KNOWN_ALGORITHMS: Record<string, string> = {
  "1.3.101.110": "X25519",
  "1.3.101.111": "X448",
  "1.3.101.112": "Ed25519",
  "1.3.101.113": "Ed448",
  "1.2.840.113549.1.1.1": "RSA",
  "1.2.840.113549.1.1.10": "RSA-PSS",
  "1.2.840.10045.2.1": "EC",
  "1.2.840.10040.4.1": "DSA",
};

export function spkiDer(publicKey: Uint8Array): Uint8Array {
  const out = new Uint8Array(SPKI_PREFIX.length + 32);
  out.set(SPKI_PREFIX);
  out.set(publicKey, SPKI_PREFIX.length);
  return out;
}

export function pkcs8Der(seed: Uint8Array): Uint8Array {
  const out = new Uint8Array(PKCS8_PREFIX.length + 32);
  out.set(PKCS8_PREFIX);
  out.set(seed, PKCS8_PREFIX.length);
  return out;
}

/** A DER reader over one level of TLVs; every failure is a KeyFormatError naming `what`. */
class DerReader {
  private pos = 0;
  constructor(
    private readonly buf: Uint8Array,
    private readonly what: string,
  ) {}

  get done(): boolean {
    return this.pos >= this.buf.length;
  }

  peekTag(): number | undefined {
    return this.buf[this.pos];
  }

  /** Reads one TLV with tag `tag` and returns its contents. */
  read(tag: number, name: string): Uint8Array {
    const t = this.buf[this.pos];
    if (t === undefined) throw new KeyFormatError("truncated", `${this.what}: truncated before ${name}`);
    if (t !== tag) {
      throw new KeyFormatError(
        "malformed",
        `${this.what}: expected ${name} (tag 0x${hex2(tag)}), got tag 0x${hex2(t)}`,
      );
    }
    let p = this.pos + 1;
    const first = this.buf[p++];
    if (first === undefined) throw new KeyFormatError("truncated", `${this.what}: truncated in ${name}`);
    let len = first;
    if (first & 0x80) {
      const n = first & 0x7f;
      if (n === 0 || n > 3) throw new KeyFormatError("malformed", `${this.what}: bad length in ${name}`);
      len = 0;
      for (let i = 0; i < n; i++) {
        const b = this.buf[p++];
        if (b === undefined) throw new KeyFormatError("truncated", `${this.what}: truncated in ${name}`);
        len = len * 256 + b;
      }
      if (len < 0x80 || (n > 1 && len < 1 << (8 * (n - 1)))) {
        throw new KeyFormatError("malformed", `${this.what}: non-minimal length in ${name} (not DER)`);
      }
    }
    if (p + len > this.buf.length) {
      throw new KeyFormatError("truncated", `${this.what}: ${name} is truncated`);
    }
    this.pos = p + len;
    return this.buf.subarray(p, p + len);
  }

  end(name: string): void {
    if (!this.done) throw new KeyFormatError("malformed", `${this.what}: trailing data after ${name}`);
  }
}

function hex2(n: number): string {
  return n.toString(16).padStart(2, "0");
}

function oidText(oid: Uint8Array): string {
  const arcs: number[] = [];
  let v = 0;
  for (const b of oid) {
    v = v * 128 + (b & 0x7f);
    if (!(b & 0x80)) {
      if (arcs.length === 0) arcs.push(v < 80 ? Math.floor(v / 40) : 2, v < 80 ? v % 40 : v - 80);
      else arcs.push(v);
      v = 0;
    }
  }
  return arcs.join(".");
}

function equal(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/** Reads an AlgorithmIdentifier and insists on Ed25519 with absent parameters (RFC 8410 §3). */
function readEd25519Algorithm(r: DerReader, what: string): void {
  const alg = new DerReader(r.read(0x30, "AlgorithmIdentifier"), what);
  const oid = alg.read(0x06, "algorithm OID");
  if (!equal(oid, ED25519_OID)) {
    const dotted = oidText(oid);
    const name = KNOWN_ALGORITHMS[dotted];
    throw new KeyFormatError(
      "wrong-type",
      `${what}: the key is ${name ?? `algorithm ${dotted}`}, not Ed25519 (1.3.101.112)`,
    );
  }
  if (!alg.done) throw new KeyFormatError("malformed", `${what}: Ed25519 parameters must be absent`);
}

/** SubjectPublicKeyInfo DER → the 32-byte Ed25519 public key. */
export function parseSpki(der: Uint8Array): Uint8Array {
  const what = "SPKI";
  const outer = new DerReader(der, what);
  const spki = new DerReader(outer.read(0x30, "SubjectPublicKeyInfo"), what);
  outer.end("SubjectPublicKeyInfo");
  readEd25519Algorithm(spki, what);
  const bits = spki.read(0x03, "subjectPublicKey BIT STRING");
  spki.end("subjectPublicKey");
  return bitStringKey(bits, what);
}

function bitStringKey(bits: Uint8Array, what: string): Uint8Array {
  if (bits[0] !== 0) throw new KeyFormatError("malformed", `${what}: public key BIT STRING has unused bits`);
  if (bits.length !== 33) {
    throw new KeyFormatError("bad-length", `${what}: expected a 32-byte public key, got ${bits.length - 1}`);
  }
  return bits.slice(1);
}

export interface Pkcs8Key {
  seed: Uint8Array;
  /** The public key stored in a v2 (RFC 5958) structure, when present. */
  publicKey?: Uint8Array;
}

/** PKCS#8 / OneAsymmetricKey DER → the 32-byte seed (and the stored public key, if any). */
export function parsePkcs8(der: Uint8Array): Pkcs8Key {
  const what = "PKCS#8";
  const outer = new DerReader(der, what);
  const body = new DerReader(outer.read(0x30, "PrivateKeyInfo"), what);
  outer.end("PrivateKeyInfo");
  const version = body.read(0x02, "version INTEGER");
  if (version.length !== 1 || (version[0] !== 0 && version[0] !== 1)) {
    throw new KeyFormatError("malformed", `${what}: unsupported version`);
  }
  readEd25519Algorithm(body, what);
  const inner = new DerReader(body.read(0x04, "privateKey OCTET STRING"), what);
  const seed = inner.read(0x04, "CurvePrivateKey OCTET STRING");
  inner.end("CurvePrivateKey");
  if (seed.length !== 32) {
    throw new KeyFormatError("bad-length", `${what}: expected a 32-byte private key, got ${seed.length}`);
  }
  if (body.peekTag() === 0xa0) body.read(0xa0, "attributes");
  let publicKey: Uint8Array | undefined;
  if (body.peekTag() === 0x81) publicKey = bitStringKey(body.read(0x81, "publicKey"), what);
  body.end("the private key");
  return publicKey ? { seed: seed.slice(), publicKey } : { seed: seed.slice() };
}
