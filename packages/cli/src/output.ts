// Where a verb's output goes: the one way every `chronoseal` verb writes a file. `--out -` means
// standard output; a file is written whole to a temporary file beside it, fsynced, then put in
// place — with link(2) when it must not exist (so even a file created meanwhile is never
// replaced) or rename(2) with --force — and the directory is fsynced. An existing file is never
// replaced without --force: the verb is refused with OutputExistsError naming the file, before
// it has generated or signed anything (checkOutputs).
import { randomBytes } from "node:crypto";
import { constants, createWriteStream, type WriteStream } from "node:fs";
import { access, link, mkdir, open, rename, rm, stat, unlink } from "node:fs/promises";
import { basename, dirname, join, resolve } from "node:path";
import { InputError, type Io } from "./command.js";

/** `--out FILE` names a file that exists, and --force was not given. */
export class OutputExistsError extends InputError {
  override name = "OutputExistsError";
  readonly code = "ERR_OUTPUT_EXISTS";
  constructor(readonly path: string) {
    super(`${path} exists; use --force to overwrite it`);
  }
}

/** True when an --out value means standard output. */
export const isStdout = (out: string | undefined): boolean => out === "-";

export interface OutputOptions {
  force: boolean;
  /** File mode of a new file (default 0o644; private keys 0o600). */
  mode?: number;
}

async function exists(path: string): Promise<boolean> {
  return access(path, constants.F_OK).then(
    () => true,
    (e: NodeJS.ErrnoException) => e.code !== "ENOENT",
  );
}

/**
 * Refuses (OutputExistsError) when any of `paths` exists and `force` is false. Call it before
 * doing the work whose result goes there. "-" (standard output) is skipped.
 */
export async function checkOutputs(paths: readonly string[], io: Io, force: boolean): Promise<void> {
  if (force) return;
  for (const p of paths) {
    if (isStdout(p)) continue;
    if (await exists(resolve(io.cwd, p))) throw new OutputExistsError(p);
  }
}

/**
 * mkdir -p for an output directory, one level at a time (Node's recursive mkdir never returns
 * on some file systems: under /proc it retries ENOENT forever). Errors are input errors.
 */
export async function makeOutputDir(dir: string, io: Io): Promise<void> {
  const missing: string[] = [];
  try {
    for (let d = resolve(io.cwd, dir); !(await stat(d).catch(() => undefined)); d = dirname(d))
      missing.unshift(d);
    for (const d of missing) await mkdir(d);
  } catch (e) {
    throw new InputError(`cannot create ${dir}: ${errno(e)}`);
  }
}

function errno(e: unknown): string {
  return (e as NodeJS.ErrnoException).code ?? (e as Error).message ?? String(e);
}

async function syncDir(dir: string): Promise<void> {
  const fh = await open(dir, "r").catch(() => undefined);
  if (!fh) return;
  try {
    await fh.sync().catch(() => undefined); // not every file system syncs directories
  } finally {
    await fh.close();
  }
}

/** Puts a complete, synced temporary file at `path`: link (never replaces) or rename (--force). */
async function commit(tmp: string, path: string, shown: string, force: boolean): Promise<void> {
  if (force) await rename(tmp, path);
  else {
    try {
      await link(tmp, path);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === "EEXIST") throw new OutputExistsError(shown);
      // File systems without hard links: check, then rename (a race window remains there only).
      if (code !== "EPERM" && code !== "ENOTSUP" && code !== "EXDEV") throw e;
      if (await exists(path)) throw new OutputExistsError(shown);
      await rename(tmp, path);
      await syncDir(dirname(path));
      return;
    }
    await unlink(tmp);
  }
  await syncDir(dirname(path));
}

function tempBeside(path: string): string {
  return join(dirname(path), `.${basename(path)}.${randomBytes(6).toString("hex")}.tmp`);
}

/**
 * Writes `data` to `out` ("-": standard output) atomically and durably. Without `force` an
 * existing file is left untouched, byte for byte, and OutputExistsError is thrown.
 */
export async function writeOutput(
  out: string,
  data: string | Uint8Array,
  io: Io,
  options: OutputOptions,
): Promise<void> {
  if (isStdout(out)) {
    await writeStdout(io, data);
    return;
  }
  const path = resolve(io.cwd, out);
  const mode = options.mode ?? 0o644;
  const tmp = tempBeside(path);
  try {
    const fh = await open(tmp, "wx", mode);
    try {
      await fh.writeFile(data);
      await fh.chmod(mode);
      await fh.sync();
    } finally {
      await fh.close();
    }
    await commit(tmp, path, out, options.force);
  } catch (e) {
    await rm(tmp, { force: true });
    if (e instanceof InputError) throw e;
    throw new InputError(`cannot write ${out}: ${errno(e)}`);
  }
}

/** Writes to standard output, waiting for a slow reader. */
function writeStdout(io: Io, data: string | Uint8Array): Promise<void> {
  return new Promise((done) => {
    if (io.stdout.write(data)) done();
    else io.stdout.once("drain", () => done());
  });
}

/** A streamed output: write lines, then commit (put the file in place) or abort (remove it). */
export interface OutputStream {
  write(text: string): Promise<void>;
  commit(): Promise<void>;
  abort(): Promise<void>;
}

/**
 * Opens `out` for streaming ("-": standard output). The file is written to a temporary file and
 * only put in place by commit(), with the same rules as writeOutput.
 */
export async function openOutput(out: string, io: Io, options: OutputOptions): Promise<OutputStream> {
  if (isStdout(out))
    return { write: (t) => writeStdout(io, t), commit: async () => {}, abort: async () => {} };
  const path = resolve(io.cwd, out);
  const tmp = tempBeside(path);
  const fh = await open(tmp, "wx", options.mode ?? 0o644).catch((e: unknown) => {
    throw new InputError(`cannot write ${out}: ${errno(e)}`);
  });
  const stream: WriteStream = createWriteStream("", { fd: fh.fd, autoClose: false });
  let failure: Error | undefined;
  stream.on("error", (e) => {
    failure = new InputError(`cannot write ${out}: ${errno(e)}`);
  });
  const failed = new Promise<never>((_, reject) =>
    stream.once("error", (e) => reject(new InputError(`cannot write ${out}: ${errno(e)}`))),
  );
  failed.catch(() => {});
  const abort = async () => {
    stream.destroy();
    await fh.close().catch(() => {});
    await rm(tmp, { force: true });
  };
  return {
    async write(text) {
      if (failure) throw failure;
      if (!stream.write(text))
        await Promise.race([new Promise<void>((r) => stream.once("drain", () => r())), failed]);
    },
    async commit() {
      try {
        await Promise.race([new Promise<void>((r) => stream.end(() => r())), failed]);
        await fh.sync();
        await fh.close();
        await commit(tmp, path, out, options.force);
      } catch (e) {
        await abort();
        if (e instanceof InputError) throw e;
        throw new InputError(`cannot write ${out}: ${errno(e)}`);
      }
    },
    abort,
  };
}
