// The wire formats of C2SP tlog-witness add-checkpoint (c2sp.org/tlog-witness), strictly:
//   request   "old <size>\n" (decimal, no leading zeros, "0" for zero)
//             zero to 63 lines of one base64 hash each (the RFC 6962 §2.1.2 consistency proof)
//             "\n"
//             the checkpoint: a signed note (c2sp.org/tlog-checkpoint), possibly with several
//             signatures
//   200       one or more note signature lines ("— <name> <base64>\n"): the cosignatures
//   409       the witness's size for the origin in decimal and "\n", content type
//             text/x.tlog.size
// Parsing here checks the shape only (the note's signatures and the proof are checked by the
// witness); anything malformed is a WitnessError ERR_WITNESS_MALFORMED (400).
import { fromBase64, parseNote, toBase64 } from "@chronoseal/core";
import { WitnessError } from "./errors.js";

/** Consistency proof lines a request may carry (the spec's limit). */
export const MAX_PROOF_LINES = 63;
/** Content type of the 409 answer. */
export const SIZE_CONTENT_TYPE = "text/x.tlog.size";

export interface AddCheckpointRequest {
  /** Size of the previous checkpoint the client believes the witness holds (0: none). */
  oldSize: number;
  /** Consistency proof from oldSize to the checkpoint's size (32-byte hashes). */
  proof: Uint8Array[];
  /** The signed checkpoint note. */
  note: string;
}

const malformed = (message: string) => new WitnessError("ERR_WITNESS_MALFORMED", message);
const SIZE_RE = /^(0|[1-9][0-9]*)$/;

/** Parses a decimal tree size ("0" or no leading zeros, at most 2^53 − 1); undefined when invalid. */
export function parseSize(text: string): number | undefined {
  if (!SIZE_RE.test(text)) return undefined;
  const n = Number(text);
  return Number.isSafeInteger(n) ? n : undefined;
}

function checkSize(size: unknown, what: string): number {
  if (typeof size !== "number") throw new TypeError(`${what}: expected number, got ${typeof size}`);
  if (!Number.isSafeInteger(size) || size < 0)
    throw new RangeError(`${what}: expected an integer in [0, 2^53 − 1], got ${size}`);
  return size;
}

/** The request body of add-checkpoint. */
export function formatAddCheckpoint(r: AddCheckpointRequest): string {
  checkSize(r.oldSize, "oldSize");
  if (!Array.isArray(r.proof)) throw new TypeError("proof: expected an array of hashes");
  if (r.proof.length > MAX_PROOF_LINES)
    throw new RangeError(`proof: at most ${MAX_PROOF_LINES} hashes, got ${r.proof.length}`);
  r.proof.forEach((h, i) => {
    if (!(h instanceof Uint8Array) || h.length !== 32)
      throw new RangeError(`proof[${i}]: expected a 32-byte hash`);
  });
  parseNote(r.note); // a signed note, or a typed NoteError
  return `old ${r.oldSize}\n${r.proof.map((h) => `${toBase64(h)}\n`).join("")}\n${r.note}`;
}

/** Parses an add-checkpoint body (shape only). */
export function parseAddCheckpoint(body: string): AddCheckpointRequest {
  if (typeof body !== "string") throw new TypeError(`body: expected string, got ${typeof body}`);
  const blank = body.indexOf("\n\n");
  if (blank < 0)
    throw malformed("body: expected an old size line, proof lines, an empty line and a checkpoint");
  const head = body.slice(0, blank).split("\n");
  const old = head[0]!;
  if (!old.startsWith("old ")) throw malformed(`body: the first line must be "old <size>"`);
  const oldSize = parseSize(old.slice(4));
  if (oldSize === undefined)
    throw malformed(
      `old size ${JSON.stringify(old.slice(4, 40))}: expected a decimal integer without leading zeros`,
    );
  const lines = head.slice(1);
  if (lines.length > MAX_PROOF_LINES)
    throw malformed(`consistency proof: ${lines.length} lines, at most ${MAX_PROOF_LINES} allowed`);
  const proof = lines.map((l, i) => {
    try {
      return fromBase64(l, `consistency proof line ${i + 1}`, 32);
    } catch (e) {
      throw malformed((e as Error).message);
    }
  });
  const note = body.slice(blank + 2);
  if (note === "") throw malformed("body: no checkpoint after the empty line");
  return { oldSize, proof, note };
}

/** Parses a 200 answer: one or more signature lines (not verified here). */
export function parseCosignatureLines(body: string): string[] {
  if (body === "" || !body.endsWith("\n"))
    throw malformed("answer: expected signature lines ending in a newline");
  const lines = body.slice(0, -1).split("\n");
  for (const [i, l] of lines.entries())
    if (!l.startsWith("— ")) throw malformed(`answer line ${i + 1}: not a note signature line`);
  return lines.map((l) => `${l}\n`);
}

/** Parses a 409 answer body: "<size>\n". */
export function parseSizeAnswer(body: string): number {
  const size = body.endsWith("\n") ? parseSize(body.slice(0, -1)) : undefined;
  if (size === undefined)
    throw malformed(`409 answer: expected "<size>\\n", got ${JSON.stringify(body.slice(0, 40))}`);
  return size;
}
