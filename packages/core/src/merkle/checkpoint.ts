// C2SP tlog checkpoints: "<origin>\n<tree size>\n<base64 root hash>\n[extension lines…]", carried
// as the text of a signed note, signed by the log and cosigned by witnesses.
import { fromBase64, toBase64 } from "../encoding.js";
import { abytes } from "../errors.js";
import { NoteError, type NoteSigner, type NoteVerifier, openNote, signNote } from "./note.js";

export interface Checkpoint {
  origin: string;
  size: number;
  root: Uint8Array;
  /** Extra lines after the root (opaque to verifiers that do not know them). */
  extensions?: string[];
}

export function formatCheckpoint(cp: Checkpoint): string {
  if (typeof cp.origin !== "string" || cp.origin.length === 0 || cp.origin.includes("\n"))
    throw new NoteError("checkpoint: bad origin");
  if (!Number.isSafeInteger(cp.size) || cp.size < 0) throw new NoteError(`checkpoint: bad size ${cp.size}`);
  abytes(cp.root, 32, "root");
  const ext = cp.extensions ?? [];
  for (const e of ext)
    if (e.length === 0 || e.includes("\n")) throw new NoteError("checkpoint: bad extension line");
  return `${[cp.origin, String(cp.size), toBase64(cp.root), ...ext].join("\n")}\n`;
}

export function parseCheckpoint(text: string): Checkpoint {
  const lines = text.split("\n");
  if (lines.length < 4 || lines.at(-1) !== "")
    throw new NoteError("checkpoint: expected origin, size and root lines");
  const [origin, size, root, ...rest] = lines.slice(0, -1) as [string, string, string, ...string[]];
  if (origin.length === 0) throw new NoteError("checkpoint: empty origin");
  if (!/^(0|[1-9][0-9]*)$/.test(size) || !Number.isSafeInteger(Number(size)))
    throw new NoteError(`checkpoint: bad size ${JSON.stringify(size)}`);
  let rootBytes: Uint8Array;
  try {
    rootBytes = fromBase64(root, "checkpoint root", 32);
  } catch (e) {
    throw new NoteError((e as Error).message);
  }
  const cp: Checkpoint = { origin, size: Number(size), root: rootBytes };
  if (rest.length) cp.extensions = rest;
  return cp;
}

export function signCheckpoint(cp: Checkpoint, signers: readonly NoteSigner[]): string {
  return signNote(formatCheckpoint(cp), signers);
}

/** Opens a signed checkpoint note: the checkpoint and the names of the verified signers. */
export function verifyCheckpoint(
  note: string,
  verifiers: readonly NoteVerifier[],
): { checkpoint: Checkpoint; signers: string[] } {
  const opened = openNote(note, verifiers);
  return { checkpoint: parseCheckpoint(opened.text), signers: opened.verified };
}
