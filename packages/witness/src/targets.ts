// Where a log sends its checkpoints: a list of witnesses, each `{ url, key, name }` in a config —
//   url   the witness's submission prefix (POST <url>/add-checkpoint)
//   key   its verifier key "<name>+<id>+<base64(0x04 ‖ key)>" (cosignature/v1; type 0x01 for a
//         witness that answers plain Ed25519 note signatures), or a bare base64 Ed25519 public key,
//         which is taken as a cosignature/v1 key named `name`
//   name  its key name: required with a bare key, and must match a verifier key's name
// and the same key forms for verifiers (`chronoseal checkpoint verify --witness`, the auditor).
import { fromBase64, type NoteVerifier, noteVerifier, parseVerifierKey } from "@chronoseal/core";
import { WitnessConfigError } from "./errors.js";

export interface WitnessTarget {
  url: string;
  name: string;
  verifier: NoteVerifier;
}

/** A witness's verifier from a vkey, or from a base64 public key and a name (cosignature/v1). */
export function witnessVerifier(key: string, name?: string): NoteVerifier {
  if (typeof key !== "string" || key === "")
    throw new WitnessConfigError("witness key: expected a verifier key or a base64 public key");
  let v: NoteVerifier;
  if (/^[A-Za-z0-9+/]{43}=$/.test(key)) {
    if (name === undefined)
      throw new WitnessConfigError(`witness key ${key}: a bare public key needs the witness's name`);
    try {
      v = noteVerifier(name, fromBase64(key, "witness key", 32), "cosignature/v1");
    } catch (e) {
      throw new WitnessConfigError(`witness ${name}: ${(e as Error).message}`);
    }
  } else {
    try {
      v = parseVerifierKey(key);
    } catch (e) {
      throw new WitnessConfigError(`witness key: ${(e as Error).message}`);
    }
    if (name !== undefined && name !== v.name)
      throw new WitnessConfigError(`witness key: named ${v.name}, but the name given is ${name}`);
  }
  return v;
}

/** Reads a `witnesses` config list: [{ url, key, name }], each witness once. */
export function parseWitnessTargets(raw: unknown, where = "witnesses"): WitnessTarget[] {
  if (!Array.isArray(raw)) throw new WitnessConfigError(`${where}: expected an array of { url, key, name }`);
  const out = raw.map((w: unknown, i): WitnessTarget => {
    const at = `${where}[${i}]`;
    if (!w || typeof w !== "object" || Array.isArray(w))
      throw new WitnessConfigError(`${at}: expected an object`);
    const o = w as Record<string, unknown>;
    for (const k of Object.keys(o))
      if (!["url", "key", "name"].includes(k)) throw new WitnessConfigError(`${at}: unknown field ${k}`);
    if (typeof o.url !== "string" || !/^https?:\/\/[^\s]+$/.test(o.url))
      throw new WitnessConfigError(`${at}.url: expected the witness's http(s) submission URL`);
    if (o.name !== undefined && typeof o.name !== "string")
      throw new WitnessConfigError(`${at}.name: expected a string`);
    let verifier: NoteVerifier;
    try {
      verifier = witnessVerifier(o.key as string, o.name as string | undefined);
    } catch (e) {
      throw new WitnessConfigError(`${at}: ${(e as Error).message}`);
    }
    return { url: o.url.replace(/\/+$/, ""), name: verifier.name, verifier };
  });
  const names = new Set<string>();
  for (const [i, t] of out.entries()) {
    if (names.has(t.name)) throw new WitnessConfigError(`${where}[${i}]: witness ${t.name} is listed twice`);
    names.add(t.name);
  }
  return out;
}
