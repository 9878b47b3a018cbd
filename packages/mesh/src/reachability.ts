// The reachability challenge: a node proves that it holds the key of a host record at the
// address the record names. The challenger sends a fresh random nonce of exactly 32 bytes
// (canonical base64; anything else is refused, so no text a peer chooses is ever signed); the
// node answers with a document it builds itself,
//   { nonce, node: <its key>, addresses: <its published addresses>, port: <its port> }
// signed with its node key under core's one signing rule, context `reachability`: the node
// signs the rule's string for context `reachability` over the payload's SHA-256, never the nonce.
// The challenger accepts the answer only when the signature verifies under that context with
// the expected key, the nonce is its own, and the address it contacted is among the addresses
// signed (so a relay at another address cannot pass a node's answer off as its own).
import { randomBytes } from "node:crypto";
import {
  fromBase64,
  type KeyPair,
  type SignatureMap,
  signDocument,
  toBase64,
  verifyDocument,
} from "@chronoseal/core";

export const REACHABILITY_CONTEXT = "reachability";
export const NONCE_BYTES = 32;

/** What a node signs to answer a challenge. */
export interface ReachabilityPayload {
  nonce: string;
  node: string;
  addresses: string[];
  port: number;
}

export type ReachabilityAnswer = ReachabilityPayload & { signatures: SignatureMap };

/** A fresh challenge nonce: 32 random bytes, canonical base64. */
export function newNonce(): string {
  return toBase64(randomBytes(NONCE_BYTES));
}

/**
 * Checks a challenge request body: exactly `{ nonce }` with the nonce canonical base64 of exactly
 * 32 bytes. Throws TypeError/RangeError (or core's EncodingError) naming what is wrong.
 */
export function checkChallenge(body: unknown): string {
  if (body === null || typeof body !== "object" || Array.isArray(body))
    throw new TypeError("challenge: expected an object { nonce }");
  const extra = Object.keys(body).filter((k) => k !== "nonce");
  if (extra.length)
    throw new RangeError(`challenge: unknown field ${JSON.stringify(extra[0]!.slice(0, 40))}`);
  const nonce = (body as { nonce?: unknown }).nonce;
  if (typeof nonce !== "string") throw new TypeError("nonce: expected a base64 string");
  if (nonce.length !== 44)
    throw new RangeError(`nonce: expected base64 of ${NONCE_BYTES} bytes (44 characters)`);
  fromBase64(nonce, "nonce", NONCE_BYTES);
  return nonce;
}

/** A node's answer: the payload signed with its node key under context `reachability`. */
export function answerChallenge(
  nonce: string,
  o: { nodeKey: KeyPair; addresses: readonly string[]; port: number; now?: number },
): ReachabilityAnswer {
  checkChallenge({ nonce });
  const payload: ReachabilityPayload = {
    nonce,
    node: toBase64(o.nodeKey.publicKey),
    addresses: [...o.addresses],
    port: o.port,
  };
  return signDocument(payload, {
    secretKey: o.nodeKey.secretKey,
    context: REACHABILITY_CONTEXT,
    signedAt: o.now ?? Date.now(),
  });
}

/** The base URL of an address and port (IPv6 in brackets). */
export function peerUrl(address: string, port: number): string {
  return `http://${address.includes(":") ? `[${address}]` : address}:${port}`;
}

const FIELDS = ["addresses", "node", "nonce", "port", "signatures"];

/**
 * Checks an answer: the nonce we sent, the key we expect, the address we contacted among those
 * signed, and a valid signature by that key under context `reachability`. Never throws.
 */
export function verifyChallengeAnswer(
  answer: unknown,
  expected: { nonce: string; key: string; url: string; now?: number },
): boolean {
  if (answer === null || typeof answer !== "object" || Array.isArray(answer)) return false;
  const a = answer as Partial<ReachabilityAnswer>;
  if (Object.keys(a).sort().join() !== FIELDS.join()) return false;
  if (a.nonce !== expected.nonce || a.node !== expected.key) return false;
  if (!Array.isArray(a.addresses) || a.addresses.length > 64) return false;
  if (!a.addresses.every((x) => typeof x === "string" && x.length <= 255)) return false;
  if (!Number.isInteger(a.port)) return false;
  if (!a.addresses.some((x) => peerUrl(x, a.port!) === expected.url)) return false;
  try {
    const report = verifyDocument(a, {
      trusted: [expected.key],
      context: REACHABILITY_CONTEXT,
      ...(expected.now === undefined ? {} : { now: expected.now }),
    });
    return report.valid.some((v) => v.key === expected.key);
  } catch {
    return false;
  }
}
