// The shape every `chronoseal` verb implements, and the errors that map to exit codes.
//
// Exit codes (documented in the README): 0 ok, 1 invalid input (or a negative verdict),
// 2 usage error, 141 standard output closed early (EPIPE). Anything else escaping a command is a
// bug and exits 70.
import type { Readable, Writable } from "node:stream";

export interface Io {
  stdin: Readable;
  stdout: Writable;
  stderr: Writable;
  /** True when stdout/stderr are terminals (progress bars and colour only then). */
  isTTY: boolean;
  cwd: string;
  env: NodeJS.ProcessEnv;
}

export interface Command {
  /** The verb path, e.g. ["hash"] or ["mesh", "claim"]. */
  name: readonly string[];
  summary: string;
  usage: string;
  run(argv: string[], io: Io): Promise<number>;
}

export const EXIT_OK = 0;
export const EXIT_INVALID = 1;
export const EXIT_USAGE = 2;
export const EXIT_BUG = 70;
/** Standard output's reader went away (EPIPE): 128 + SIGPIPE, quietly (see bin.ts). */
export const EXIT_PIPE = 141;

/** Wrong flags or arguments: exit 2 with the command's usage. */
export class UsageError extends Error {
  override name = "UsageError";
}

/** The input was read but is not acceptable (bad JSON, bad key, ...): exit 1. */
export class InputError extends Error {
  override name = "InputError";
}
