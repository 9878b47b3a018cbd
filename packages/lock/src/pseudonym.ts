// User pseudonyms: HMAC-SHA-256 of the badge id under the retention period's key, base64. The
// same badge gets the same pseudonym within a period (so an auditor can follow one user through
// a period) and unlinkable ones across periods; destroying a period's key when the period expires
// makes its pseudonyms unattributable for good. PeriodKeys keeps one random 32-byte key per
// period in `<dir>/keys/<period>.key` (mode 0600, written atomically).
import { createHmac, randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { abytes, astring, fromBase64, toBase64 } from "@chronoseal/core";
import { NAME_RE } from "./entry.js";
import { atomicWrite } from "./files.js";

/** The keyed pseudonym of a badge under a retention-period key. */
export function pseudonym(periodKey: Uint8Array, badgeId: string): string {
  abytes(periodKey, 32, "periodKey");
  astring(badgeId, "badgeId");
  return createHmac("sha256", periodKey).update(badgeId, "utf8").digest("base64");
}

export class PeriodKeys {
  private readonly dir: string;
  private readonly cache = new Map<string, Uint8Array>();

  constructor(deviceDir: string) {
    this.dir = join(deviceDir, "keys");
  }

  private file(period: string): string {
    if (!NAME_RE.test(period)) throw new RangeError(`period: invalid label ${JSON.stringify(period)}`);
    return join(this.dir, `${period}.key`);
  }

  /** The period's key, created (random, durable) on first use. */
  get(period: string): Uint8Array {
    const cached = this.cache.get(period);
    if (cached) return cached;
    const file = this.file(period);
    let key: Uint8Array;
    if (existsSync(file)) {
      key = fromBase64(readFileSync(file, "utf8").trim(), `period key ${file}`, 32);
    } else {
      mkdirSync(this.dir, { recursive: true, mode: 0o700 });
      key = new Uint8Array(randomBytes(32));
      atomicWrite(file, `${toBase64(key)}\n`, { mode: 0o600 });
    }
    this.cache.set(period, key);
    return key;
  }

  has(period: string): boolean {
    return this.cache.has(period) || existsSync(this.file(period));
  }

  /** Destroys a period's key (its pseudonyms can no longer be linked to badges). */
  destroy(period: string): void {
    const k = this.cache.get(period);
    k?.fill(0);
    this.cache.delete(period);
    rmSync(this.file(period), { force: true });
  }

  /** Periods that have a key on disk. */
  periods(): string[] {
    if (!existsSync(this.dir)) return [];
    return readdirSync(this.dir)
      .filter((f) => f.endsWith(".key"))
      .map((f) => f.slice(0, -4))
      .sort();
  }
}
