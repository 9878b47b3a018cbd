// Checks of the values a verb signs or writes, made before anything is signed: DNS names, host
// name labels, Ed25519 public keys (a point an Ed25519 key pair can have, in canonical base64),
// KERI identifiers and SAIDs. Each failure is a UsageError naming the flag and what is wrong.
import { canonicalPublicKey } from "@chronoseal/core";
import { DIGEST_CODES, KEY_CODES, primitive } from "@chronoseal/keri";
import { ed25519 } from "@noble/curves/ed25519.js";
import { UsageError } from "./command.js";

const LABEL = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;
/** The longest `tld` a mesh settings entry may carry (its data.json schema). */
const MAX_TLD = 63;

const shown = (v: string) => JSON.stringify(v.length > 60 ? `${v.slice(0, 60)}…` : v);

/** One DNS label as mesh host names use it: 1-63 of [a-z0-9-], no '-' at either end. */
export function hostLabel(value: string, flag: string): string {
  if (!LABEL.test(value))
    throw new UsageError(
      `${flag} ${shown(value)}: expected a host name: 1-63 lowercase letters, digits and '-', not starting or ending with '-'`,
    );
  return value;
}

/**
 * A DNS domain (a mesh's zone, `--tld`): dot-separated labels under the DNS label rules (RFC 1035
 * letters, digits and '-'), written in lowercase, at most 63 characters in all (what mesh
 * settings hold); the last label is not all digits (RFC 3696 §2: it would read as an address).
 */
export function dnsDomain(value: string, flag: string): string {
  const name = value.toLowerCase();
  if (name.length === 0 || name.length > MAX_TLD)
    throw new UsageError(`${flag} ${shown(value)}: expected a domain of 1-${MAX_TLD} characters`);
  const labels = name.split(".");
  for (const l of labels)
    if (!LABEL.test(l))
      throw new UsageError(
        `${flag} ${shown(value)}: ${l === "" ? "empty label" : `label ${shown(l)}`}: DNS labels are letters, digits and '-', not starting or ending with '-'`,
      );
  if (/^[0-9]+$/.test(labels[labels.length - 1]!))
    throw new UsageError(`${flag} ${shown(value)}: the last label must not be all digits`);
  return name;
}

/** Why 32 bytes are no Ed25519 public key a key pair can have, or undefined when they are one. */
function publicKeyProblem(raw: Uint8Array): string | undefined {
  let point: InstanceType<typeof ed25519.Point>;
  try {
    point = ed25519.Point.fromBytes(raw); // strict: a canonical encoding of a curve point
  } catch {
    return "not an Ed25519 public key (not a canonical encoding of a curve point)";
  }
  if (point.isSmallOrder()) return "a small-order point, not a public key (anyone can sign for it)";
  if (!point.isTorsionFree()) return "a point with a small-order component, not a public key";
  return undefined;
}

/**
 * A public key in any format core reads (base64, `ssh-ed25519 AAAA…`, PEM) as the one spelling
 * settings and signature maps use (canonical base64), refused unless an Ed25519 key pair can
 * have it.
 */
export function publicKeyFlag(value: string, flag: string): string {
  let key: string;
  try {
    key = canonicalPublicKey(value);
  } catch (e) {
    throw new UsageError(`${flag} ${shown(value)}: ${(e as Error).message}`);
  }
  const problem = publicKeyProblem(Buffer.from(key, "base64"));
  if (problem) throw new UsageError(`${flag} ${shown(value)}: ${problem}`);
  return key;
}

const PREFIX_CODES: ReadonlySet<string> = new Set([...KEY_CODES, ...DIGEST_CODES]);

/** A complete qb64 primitive with one of `codes`, in the current CESR layout or the 2022 one. */
function qb64(value: string, codes: ReadonlySet<string>, what: string, flag: string): string {
  try {
    return primitive(value, codes, what, flag, "current");
  } catch (e) {
    try {
      return primitive(value, codes, what, flag, "2022"); // the 2022 vLEI samples' pad bits
    } catch {
      throw new UsageError((e as Error).message);
    }
  }
}

/** A KERI identifier (AID): a complete qb64 key or digest prefix. */
export const aidFlag = (value: string, flag: string): string =>
  qb64(value, PREFIX_CODES, "KERI identifier (AID)", flag);

/** A SAID: a complete qb64 digest. */
export const saidFlag = (value: string, flag: string): string =>
  qb64(value, DIGEST_CODES, "SAID (qb64 digest)", flag);

/** A whole number of milliseconds ≥ 0 written in decimal. */
export function millisFlag(value: string, flag: string): number {
  const n = Number(value);
  if (!/^(0|[1-9][0-9]*)$/.test(value) || !Number.isSafeInteger(n))
    throw new UsageError(`${flag} ${shown(value)}: expected milliseconds (a decimal integer ≥ 0)`);
  return n;
}
