// Access decisions for the lock agent, configured without raw badge ids: the agent asks about a
// badge's hash (lowercase hex SHA-256 of the UTF-8 badge id — what `sha256sum` prints, and
// `chronoseal lock badge-hash ID`), either
//   - an allowlist file: one hash per line, `#` comments and blank lines ignored; or
//   - a module exporting `authorize(badgeHash)` → boolean (or a promise of one).
// Both are reloaded when their file changes (checked at most once a second, on a badge read), so
// an operator edits the list without restarting the agent. A list that becomes unreadable or
// malformed keeps the last good one (and says so through `onError`); a module that throws or
// answers anything but `true` refuses the badge (fail closed). Nothing here logs or keeps a badge
// id or hash: a refusal leaves no personal data behind.
import { createHash } from "node:crypto";
import { readFileSync, statSync } from "node:fs";
import { pathToFileURL } from "node:url";
import { ChronosealError } from "@chronoseal/core";

export class AuthorizeError extends ChronosealError {
  constructor(message: string) {
    super("ERR_LOCK_AUTHORIZE", message);
    this.name = "AuthorizeError";
  }
}

/** The badge hash the authorization hook sees: lowercase hex SHA-256 of the badge id. */
export function badgeHash(badgeId: string): string {
  if (typeof badgeId !== "string" || badgeId.length === 0)
    throw new TypeError("badgeId: expected a non-empty string");
  return createHash("sha256").update(badgeId, "utf8").digest("hex");
}

const HASH_RE = /^[0-9a-f]{64}$/;

/** Parses an allowlist's text; throws AuthorizeError naming the first bad line. */
export function parseAllowlist(text: string, where = "allowlist"): Set<string> {
  const out = new Set<string>();
  text.split("\n").forEach((raw, i) => {
    const line = raw.replace(/#.*$/, "").trim().toLowerCase();
    if (line === "") return;
    if (!HASH_RE.test(line))
      throw new AuthorizeError(`${where}:${i + 1}: expected a badge hash (64 hex digits)`);
    out.add(line);
  });
  return out;
}

export type Authorize = (badgeId: string) => Promise<boolean>;

export interface AuthorizerOptions {
  /** An allowlist file of badge hashes. */
  allowlist?: string;
  /** A module exporting `authorize(badgeHash)`. */
  module?: string;
  /** Reload failures and module errors (messages without any badge data). */
  onError?: (message: string) => void;
  /** Told when a changed file was loaded. */
  onReload?: (what: string) => void;
  /** Minimum ms between checks of the file (default 1000). */
  checkEveryMs?: number;
}

/** Identity of a file's current version (size, mtime, inode). */
function version(path: string): string {
  const s = statSync(path);
  return `${s.size}:${s.mtimeMs}:${s.ino}`;
}

/**
 * Loads the configured access decision. Throws AuthorizeError when the file cannot be used at
 * start (a config error); later failures keep the last good version.
 */
export async function loadAuthorizer(o: AuthorizerOptions): Promise<Authorize> {
  if ((o.allowlist === undefined) === (o.module === undefined))
    throw new AuthorizeError("authorize: give exactly one of allowlist and module");
  const path = (o.allowlist ?? o.module)!;
  const every = o.checkEveryMs ?? 1000;
  const load = async (): Promise<(hash: string) => boolean | Promise<boolean>> => {
    if (o.allowlist !== undefined) {
      const list = parseAllowlist(readFileSync(path, "utf8"), path);
      return (hash) => list.has(hash);
    }
    // A changed module is imported under a new URL (the ESM cache keys by URL).
    const mod = (await import(`${pathToFileURL(path).href}?v=${encodeURIComponent(version(path))}`)) as {
      authorize?: unknown;
    };
    if (typeof mod.authorize !== "function")
      throw new AuthorizeError(`${path}: does not export authorize(badgeHash)`);
    return mod.authorize as (hash: string) => boolean | Promise<boolean>;
  };
  let current: (hash: string) => boolean | Promise<boolean>;
  let loaded: string;
  try {
    loaded = version(path);
    current = await load();
  } catch (e) {
    if (e instanceof AuthorizeError) throw e;
    throw new AuthorizeError(`${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  let checked = Date.now();
  const refresh = async () => {
    const now = Date.now();
    if (now - checked < every) return;
    checked = now;
    let v: string;
    try {
      v = version(path);
    } catch (e) {
      o.onError?.(
        `${path}: ${(e as NodeJS.ErrnoException).code ?? "unreadable"}; keeping the last good version`,
      );
      return;
    }
    if (v === loaded) return;
    try {
      current = await load();
      loaded = v;
      o.onReload?.(path);
    } catch (e) {
      loaded = v; // report a bad version once
      o.onError?.(`${e instanceof Error ? e.message : String(e)}; keeping the last good version`);
    }
  };
  return async (badgeId) => {
    await refresh();
    const hash = badgeHash(badgeId);
    try {
      return (await current(hash)) === true;
    } catch {
      o.onError?.(`${path}: authorize() threw; the badge was refused`);
      return false;
    }
  };
}
