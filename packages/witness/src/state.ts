// The witness's durable state: per origin, the latest checkpoint it cosigned (size, root, the note
// as the log signed it, and the time of its last cosignature), one JSON file per origin named by
// the SHA-256 of the origin (`<dir>/logs/<hex>.json`), replaced atomically (temp file, fsync,
// rename, directory fsync) before any cosignature for it leaves the witness. So a restart, even
// after a power cut, never lets the witness cosign a smaller or different tree than one it cosigned.
//   - A missing file means "never cosigned" (size 0). A file that cannot be read or parsed is never
//     treated as missing: the origin is refused (500 ERR_WITNESS_STATE) until an operator repairs
//     it — resetting it would let the witness cosign a rollback.
//   - Requests for one origin are serialized (check, persist, sign as one step), so two racing
//     requests cannot roll the state back (the race the spec describes).
//   - One process per directory: `<dir>/witness.lock` holds the owner's pid; a second process is
//     refused while that pid is alive.
//   - Two log-signed checkpoints of one size with different roots are kept in `<dir>/evidence/`
//     (proof that the log forked).
import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
  writeSync,
} from "node:fs";
import { dirname, join } from "node:path";
import { sha256, toHex } from "@chronoseal/core";
import { observedFsyncSync } from "@chronoseal/core/fsync";
import { WitnessConfigError, WitnessError } from "./errors.js";

export interface OriginState {
  origin: string;
  /** Size of the latest cosigned checkpoint. */
  size: number;
  /** Its root hash, base64. */
  root: string;
  /** POSIX seconds of the latest cosignature for the origin (timestamps never go back). */
  timestamp: number;
  /** The checkpoint note as submitted (the log's signature: evidence if the log ever forks). */
  note: string;
}

function syncDir(dir: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(dir, "r");
    observedFsyncSync(fd, "witness-state");
  } catch {
    // Some platforms cannot fsync a directory; the rename is still atomic.
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** Replaces `path` atomically and durably. */
function writeDurably(path: string, text: string): void {
  const tmp = `${path}.tmp`;
  const bytes = Buffer.from(text, "utf8");
  const fd = openSync(tmp, "w", 0o644);
  try {
    let off = 0;
    while (off < bytes.length) off += writeSync(fd, bytes, off, bytes.length - off);
    observedFsyncSync(fd, "witness-state");
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, path);
  syncDir(dirname(path));
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

const stateError = (origin: string, message: string, cause?: unknown) =>
  new WitnessError("ERR_WITNESS_STATE", `witness state of ${JSON.stringify(origin)}: ${message}`, {
    ...(cause === undefined ? {} : { cause }),
  });

function parseState(text: string, origin: string): OriginState {
  const s = JSON.parse(text) as Partial<OriginState> & { v?: unknown };
  if (
    s?.v !== 1 ||
    s.origin !== origin ||
    !Number.isSafeInteger(s.size) ||
    (s.size as number) < 0 ||
    typeof s.root !== "string" ||
    !/^[A-Za-z0-9+/]{43}=$/.test(s.root) ||
    !Number.isSafeInteger(s.timestamp) ||
    typeof s.note !== "string"
  )
    throw new Error("not a witness state record");
  return { origin, size: s.size!, root: s.root, timestamp: s.timestamp!, note: s.note };
}

export class WitnessStore {
  private readonly cache = new Map<string, OriginState | null>();
  private readonly queues = new Map<string, Promise<unknown>>();
  private readonly lockPath: string;
  private closed = false;

  private constructor(readonly dir: string) {
    this.lockPath = join(dir, "witness.lock");
  }

  /** Opens (creating) a state directory and takes its lock; WitnessConfigError when it is in use. */
  static open(dir: string): WitnessStore {
    if (typeof dir !== "string" || dir === "") throw new TypeError("dir: expected a directory path");
    try {
      mkdirSync(join(dir, "logs"), { recursive: true });
    } catch (e) {
      throw new WitnessConfigError(`witness state directory ${dir}: ${(e as Error).message}`);
    }
    const store = new WitnessStore(dir);
    store.lock();
    return store;
  }

  private lock(): void {
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        const fd = openSync(this.lockPath, "wx", 0o644);
        try {
          writeSync(fd, `${process.pid}\n`);
          observedFsyncSync(fd, "witness-state");
        } finally {
          closeSync(fd);
        }
        return;
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== "EEXIST")
          throw new WitnessConfigError(`witness state directory ${this.dir}: ${(e as Error).message}`);
      }
      const pid = Number(readFileSync(this.lockPath, "utf8").trim());
      if (Number.isSafeInteger(pid) && pid > 0 && pid !== process.pid && isAlive(pid))
        throw new WitnessConfigError(`witness state directory ${this.dir} is in use by process ${pid}`);
      rmSync(this.lockPath, { force: true }); // a stale lock of a process that is gone
    }
    throw new WitnessConfigError(`witness state directory ${this.dir}: cannot take ${this.lockPath}`);
  }

  private pathOf(origin: string): string {
    return join(this.dir, "logs", `${toHex(sha256(new TextEncoder().encode(origin)))}.json`);
  }

  /** The latest cosigned checkpoint of `origin`, or undefined when it never cosigned one. */
  get(origin: string): OriginState | undefined {
    const cached = this.cache.get(origin);
    if (cached !== undefined) return cached ?? undefined;
    const path = this.pathOf(origin);
    let state: OriginState | null = null;
    if (existsSync(path)) {
      let text: string;
      try {
        text = readFileSync(path, "utf8");
      } catch (e) {
        throw stateError(origin, `cannot read ${path}: ${(e as Error).message}`, e);
      }
      try {
        state = parseState(text, origin);
      } catch (e) {
        throw stateError(
          origin,
          `${path} is corrupt (${(e as Error).message}); refusing to cosign until it is repaired`,
          e,
        );
      }
    }
    this.cache.set(origin, state);
    return state ?? undefined;
  }

  /** Durably records the latest cosigned checkpoint of an origin (before answering). */
  put(state: OriginState): void {
    if (this.closed) throw stateError(state.origin, "the store is closed");
    try {
      writeDurably(this.pathOf(state.origin), `${JSON.stringify({ v: 1, ...state })}\n`);
    } catch (e) {
      this.cache.delete(state.origin); // unknown on disk now: read it again next time
      throw stateError(state.origin, `cannot write: ${(e as Error).message}`, e);
    }
    this.cache.set(state.origin, { ...state });
  }

  /** Runs `fn` with no other call for the same origin running (check, persist, sign as one step). */
  serialize<T>(origin: string, fn: () => Promise<T> | T): Promise<T> {
    const prev = this.queues.get(origin) ?? Promise.resolve();
    const run = prev.then(fn, fn);
    const tail = run.catch(() => undefined);
    this.queues.set(origin, tail);
    void tail.then(() => {
      if (this.queues.get(origin) === tail) this.queues.delete(origin);
    });
    return run;
  }

  /** Keeps two log-signed checkpoints of one size with different roots (the log forked). */
  recordEvidence(origin: string, size: number, cosigned: string, conflicting: string): string {
    const dir = join(this.dir, "evidence");
    mkdirSync(dir, { recursive: true });
    const id = toHex(sha256(new TextEncoder().encode(`${cosigned}\n${conflicting}`))).slice(0, 16);
    const path = join(
      dir,
      `${toHex(sha256(new TextEncoder().encode(origin))).slice(0, 16)}-${size}-${id}.txt`,
    );
    if (!existsSync(path))
      writeFileSync(
        path,
        `origin ${origin}\nsize ${size}\n\n--- cosigned ---\n${cosigned}\n--- conflicting ---\n${conflicting}`,
      );
    return path;
  }

  /** Releases the directory lock. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    try {
      if (readFileSync(this.lockPath, "utf8").trim() === String(process.pid)) rmSync(this.lockPath);
    } catch {
      // already gone
    }
  }
}
