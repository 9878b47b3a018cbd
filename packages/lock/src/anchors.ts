// Anchors: signed C2SP checkpoints (signed notes by the device key, key name = door) over the
// RFC 9162 tree whose leaves are the chain's entry hashes. Body:
//   chronoseal-lock/<chain>\n<size>\n<base64 root>\n
//   kind <genesis|intermediate|heartbeat|final|expired|head>\nlast-seq <n>\nprev-anchor <hash|->\ntime <t>\n
// Hashes and counts only — never a badge id or a pseudonym. `prev-anchor` links each anchor to
// the previous one of the chain (a genesis anchor to the previous chain's final anchor), so the
// anchors of a door form one hash chain across retention periods. An `expired` anchor (same size
// and root as the final one) is the device's statement that the chain's entries were deleted
// when its retention period ended. A `head` is the same signed checkpoint of a chain's unanchored
// tail, published every few minutes where only the newest per chain is kept (the mesh's
// latest-per-writer `lock-heads` section): it is not part of the anchors' hash chain (nothing links
// to it; its prev-anchor names the newest anchor it follows), it only proves how long the chain
// was at its time, so a collector can hide no more than the entries written since.
// Witnesses (C2SP tlog-witness) add cosignature lines to a note; an anchor's identity
// (anchorHash, what `prev-anchor` links to) is the note as the device signed it — its text and
// the device's signature line — so cosigned copies are the same anchor.
import { appendFileSync, closeSync, existsSync, openSync, readFileSync } from "node:fs";
import {
  ChronosealError,
  checkNote,
  fromBase64,
  isCanonicalTime,
  isHash,
  type NoteVerifier,
  parseCheckpoint,
  sha256,
  signCheckpoint,
  toBase64,
} from "@chronoseal/core";
import { observedFsyncSync } from "@chronoseal/core/fsync";

export type AnchorKind = "genesis" | "intermediate" | "heartbeat" | "final" | "expired" | "head";
export const ANCHOR_KINDS: readonly AnchorKind[] = [
  "genesis",
  "intermediate",
  "heartbeat",
  "final",
  "expired",
  "head",
];

export interface Anchor {
  chain: string;
  kind: AnchorKind;
  /** Tree size: entries covered (seq 0 … size − 1). */
  size: number;
  /** base64 RFC 9162 root over the entry hashes. */
  root: string;
  /** Sequence number of the newest covered entry (size − 1; −1 for an empty tree). */
  lastSeq: number;
  /** Hash of the previous anchor note ("" for the first anchor of a door's first chain). */
  prevAnchor: string;
  /** Device time, RFC 3339 UTC with milliseconds. */
  time: string;
}

export interface OpenedAnchor extends Anchor {
  /** Hash of the note (what the next anchor links to). */
  hash: string;
  note: string;
}

export class AnchorError extends ChronosealError {
  constructor(message: string) {
    super("ERR_LOCK_ANCHOR", message);
    this.name = "AnchorError";
  }
}

export const ANCHOR_ORIGIN_PREFIX = "chronoseal-lock/";

export function anchorOrigin(chain: string): string {
  return `${ANCHOR_ORIGIN_PREFIX}${chain}`;
}

/** Signs an anchor as a checkpoint note by the device key (key name: the door). */
export function signAnchor(a: Anchor, door: string, secretKey: Uint8Array): string {
  return signCheckpoint(
    {
      origin: anchorOrigin(a.chain),
      size: a.size,
      root: fromBase64(a.root, "root", 32),
      extensions: [
        `kind ${a.kind}`,
        `last-seq ${a.lastSeq}`,
        `prev-anchor ${a.prevAnchor || "-"}`,
        `time ${a.time}`,
      ],
    },
    [{ name: door, secretKey }],
  );
}

/**
 * base64 SHA-256 of an anchor note as the device signed it: the text, the blank line and the
 * device's signature line (`line`; by default the first signature line named after the chain's
 * door). Cosignature lines added by witnesses do not change it. A note that does not split into
 * text and signatures is hashed whole.
 */
export function anchorHash(note: string, line?: string): string {
  const split = note.lastIndexOf("\n\n");
  let bare = note;
  if (split >= 0) {
    const text = note.slice(0, split + 1);
    const chain = text.startsWith(ANCHOR_ORIGIN_PREFIX)
      ? text.slice(ANCHOR_ORIGIN_PREFIX.length, text.indexOf("\n"))
      : "";
    const door = chain.slice(0, chain.indexOf("/"));
    const own =
      line ??
      note
        .slice(split + 2)
        .split("\n")
        .find((l) => door !== "" && l.startsWith(`— ${door} `));
    if (own !== undefined) bare = `${text}\n${own.endsWith("\n") ? own : `${own}\n`}`;
  }
  return toBase64(sha256(new TextEncoder().encode(bare)));
}

/** Verifies an anchor note with the door's verifier and reads its fields; throws AnchorError. */
export function openAnchor(note: string, verifier: NoteVerifier): OpenedAnchor {
  let checkpoint: ReturnType<typeof parseCheckpoint>;
  let opened: ReturnType<typeof checkNote>;
  try {
    opened = checkNote(note, [verifier]);
    checkpoint = parseCheckpoint(opened.text);
  } catch (e) {
    throw new AnchorError(`anchor: ${(e as Error).message}`);
  }
  if (opened.signatures.length === 0) throw new AnchorError(`anchor: not signed by ${verifier.name}`);
  // A line under the device's name and key that does not verify: the note was tampered with.
  if (opened.invalid.length > 0)
    throw new AnchorError(`anchor: a signature by ${verifier.name} does not verify`);
  if (!checkpoint.origin.startsWith(ANCHOR_ORIGIN_PREFIX))
    throw new AnchorError(`anchor: origin ${checkpoint.origin} is not a lock chain`);
  const chain = checkpoint.origin.slice(ANCHOR_ORIGIN_PREFIX.length);
  if (!chain.startsWith(`${verifier.name}/`))
    throw new AnchorError(`anchor: chain ${chain} does not belong to door ${verifier.name}`);
  const ext = new Map<string, string>();
  for (const line of checkpoint.extensions ?? []) {
    const sp = line.indexOf(" ");
    if (sp > 0) ext.set(line.slice(0, sp), line.slice(sp + 1));
  }
  const kind = ext.get("kind") as AnchorKind;
  if (!ANCHOR_KINDS.includes(kind)) throw new AnchorError(`anchor: unknown kind ${String(kind)}`);
  const lastSeq = Number(ext.get("last-seq"));
  if (!Number.isSafeInteger(lastSeq) || lastSeq !== checkpoint.size - 1)
    throw new AnchorError("anchor: last-seq must be size − 1");
  const prev = ext.get("prev-anchor");
  if (prev === undefined || (prev !== "-" && !isHash(prev))) throw new AnchorError("anchor: bad prev-anchor");
  const time = ext.get("time") ?? "";
  if (!isCanonicalTime(time)) throw new AnchorError("anchor: bad time");
  return {
    chain,
    kind,
    size: checkpoint.size,
    root: toBase64(checkpoint.root),
    lastSeq,
    prevAnchor: prev === "-" ? "" : prev,
    time,
    hash: anchorHash(note, deviceLine(note, opened.signatures[0]!.keyId, verifier.name)),
    note,
  };
}

/** The signature line of `name` with key id `keyIdHex` (the device's, once verified). */
function deviceLine(note: string, keyIdHex: string, name: string): string {
  const prefix = `— ${name} `;
  const lines = note.slice(note.lastIndexOf("\n\n") + 2).split("\n");
  return lines.find(
    (l) =>
      l.startsWith(prefix) &&
      Buffer.from(l.slice(prefix.length), "base64").subarray(0, 4).toString("hex") === keyIdHex,
  )!;
}

/** Where a lock publishes its anchors (a file, or the mesh's append-only section). */
export interface AnchorSink {
  publish(note: string): void | Promise<void>;
  /**
   * Publishes a head (a `head` checkpoint of the unanchored tail), where only the newest per chain
   * needs to be kept. Optional: without it the agent publishes no heads.
   */
  publishHead?(note: string): void | Promise<void>;
  /** Records a device's public key (base64) next to its anchors, when the sink keeps a registry. */
  register?(door: string, publicKey: string): void | Promise<void>;
}

/** Where an auditor reads anchors (and, optionally, the device keys registered with them). */
export interface AnchorSource {
  notes(): string[] | Promise<string[]>;
  devices?(): Map<string, string> | Promise<Map<string, string>>;
}

/**
 * File-backed anchors: NDJSON, one JSON-encoded note per line, plus `{"device","key"}` lines
 * registering device keys; appended and fsynced on publish. Several locks may share one file.
 * Heads are appended like anchors (the auditor uses the newest per chain), so in a file they
 * accumulate — about one line per lock every headInterval while it is busy; the mesh keeps only
 * the newest.
 * A registration read from a file is trust on first use: whoever can write the file can add keys,
 * just as they could add anchors. The first registration of a door wins.
 */
export class FileAnchors implements AnchorSink, AnchorSource {
  constructor(readonly path: string) {}

  private append(line: string): void {
    appendFileSync(this.path, `${line}\n`);
    const fd = openSync(this.path, "r");
    try {
      observedFsyncSync(fd, "lock-anchors");
    } finally {
      closeSync(fd);
    }
  }

  publish(note: string): void {
    this.append(JSON.stringify(note));
  }

  publishHead(note: string): void {
    this.append(JSON.stringify(note));
  }

  register(door: string, publicKey: string): void {
    if (this.devices().get(door) === publicKey) return;
    this.append(JSON.stringify({ device: door, key: publicKey }));
  }

  private lines(): unknown[] {
    if (!existsSync(this.path)) return [];
    const out: unknown[] = [];
    readFileSync(this.path, "utf8")
      .split("\n")
      .forEach((l, i) => {
        if (l.trim() === "") return;
        try {
          out.push(JSON.parse(l));
        } catch {
          throw new AnchorError(`${this.path}:${i + 1}: not JSON`);
        }
      });
    return out;
  }

  notes(): string[] {
    return this.lines().filter((l): l is string => typeof l === "string");
  }

  devices(): Map<string, string> {
    const out = new Map<string, string>();
    for (const l of this.lines()) {
      if (l && typeof l === "object" && !Array.isArray(l)) {
        const { device, key } = l as { device?: unknown; key?: unknown };
        if (typeof device === "string" && typeof key === "string" && !out.has(device)) out.set(device, key);
      }
    }
    return out;
  }
}
