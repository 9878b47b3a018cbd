// The logs a witness witnesses: per origin, the log's verifier keys (Ed25519 note keys, type
// 0x01). tlog-witness identifies a log by its origin line; a log here is either one exact origin,
// or — our extension, for logs that open a new tree (a new origin) every period, like the lock
// chains `chronoseal-lock/<door>/<period>` — every origin starting with a prefix. Each origin a
// prefix admits is still witnessed separately (its own size and root). An exact origin wins over
// a prefix, and a longer prefix over a shorter one.
import { type NoteVerifier, parseVerifierKey } from "@chronoseal/core";
import { WitnessConfigError } from "./errors.js";

export interface WitnessedLog {
  /** The log's exact origin line… */
  origin?: string;
  /** …or a prefix of the origins it uses (exactly one of the two). */
  originPrefix?: string;
  /** The log's keys (a checkpoint needs a valid signature by one of them). */
  keys: NoteVerifier[];
}

function checkOrigin(v: unknown, where: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is refused
  if (typeof v !== "string" || v === "" || /[\u0000-\u001f\u007f]/.test(v) || v.length > 1024)
    throw new WitnessConfigError(`${where}: expected a non-empty origin line (no control characters)`);
  return v;
}

/** Reads `logs` of a config: [{ origin | originPrefix, key: vkey | keys: [vkey…] }]. */
export function parseLogs(raw: unknown, where = "logs"): WitnessedLog[] {
  if (!Array.isArray(raw) || raw.length === 0)
    throw new WitnessConfigError(`${where}: expected a non-empty array`);
  return raw.map((l: unknown, i) => {
    const at = `${where}[${i}]`;
    if (!l || typeof l !== "object" || Array.isArray(l))
      throw new WitnessConfigError(`${at}: expected an object`);
    const o = l as Record<string, unknown>;
    for (const k of Object.keys(o))
      if (!["origin", "originPrefix", "key", "keys"].includes(k))
        throw new WitnessConfigError(`${at}: unknown field ${k}`);
    if ((o.origin === undefined) === (o.originPrefix === undefined))
      throw new WitnessConfigError(`${at}: give exactly one of origin and originPrefix`);
    if ((o.key === undefined) === (o.keys === undefined))
      throw new WitnessConfigError(`${at}: give exactly one of key and keys`);
    const texts = o.key !== undefined ? [o.key] : o.keys;
    if (!Array.isArray(texts) || texts.length === 0)
      throw new WitnessConfigError(`${at}.keys: expected a non-empty array of verifier keys`);
    const keys = texts.map((t, j) => {
      const kat = o.key !== undefined ? `${at}.key` : `${at}.keys[${j}]`;
      if (typeof t !== "string")
        throw new WitnessConfigError(`${kat}: expected a verifier key <name>+<id>+<key>`);
      let v: NoteVerifier;
      try {
        v = parseVerifierKey(t);
      } catch (e) {
        throw new WitnessConfigError(`${kat}: ${(e as Error).message}`);
      }
      if (v.type === "cosignature/v1")
        throw new WitnessConfigError(`${kat}: a cosignature/v1 key (type 4) cannot sign a log's checkpoints`);
      return v;
    });
    return o.origin !== undefined
      ? { origin: checkOrigin(o.origin, `${at}.origin`), keys }
      : { originPrefix: checkOrigin(o.originPrefix, `${at}.originPrefix`), keys };
  });
}

/** Looks up the keys trusted for an origin. */
export class KnownLogs {
  private readonly exact = new Map<string, NoteVerifier[]>();
  private readonly prefixes: { prefix: string; keys: NoteVerifier[] }[] = [];

  constructor(logs: readonly WitnessedLog[]) {
    for (const [i, l] of logs.entries()) {
      if (l.origin !== undefined) {
        if (this.exact.has(l.origin)) throw new WitnessConfigError(`logs[${i}]: origin ${l.origin} twice`);
        this.exact.set(l.origin, l.keys);
      } else if (l.originPrefix !== undefined) {
        if (this.prefixes.some((p) => p.prefix === l.originPrefix))
          throw new WitnessConfigError(`logs[${i}]: origin prefix ${l.originPrefix} twice`);
        this.prefixes.push({ prefix: l.originPrefix, keys: l.keys });
      } else throw new WitnessConfigError(`logs[${i}]: needs origin or originPrefix`);
      if (l.keys.length === 0) throw new WitnessConfigError(`logs[${i}]: needs at least one key`);
    }
    this.prefixes.sort((a, b) => b.prefix.length - a.prefix.length);
  }

  /** The keys for `origin`, or undefined when the witness does not witness it. */
  keysFor(origin: string): NoteVerifier[] | undefined {
    return this.exact.get(origin) ?? this.prefixes.find((p) => origin.startsWith(p.prefix))?.keys;
  }

  get size(): number {
    return this.exact.size + this.prefixes.length;
  }
}
