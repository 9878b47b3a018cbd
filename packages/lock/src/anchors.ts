// Anchors: signed C2SP checkpoints over the RFC 9162 tree of a chain's entry hashes (size,
// root, last sequence number, previous anchor hash, kind, device time) — hashes only, never
// personal data. An AnchorSink publishes them (a file here; the mesh's append-only section once
// it exists) and an AnchorSource reads them back for auditors.
import { appendFileSync, closeSync, existsSync, fsyncSync, openSync, readFileSync } from "node:fs";
import {
  type Checkpoint,
  fromBase64,
  type NoteVerifier,
  sha256,
  signCheckpoint,
  toBase64,
  verifyCheckpoint,
} from "@chronoseal/core";

export type AnchorKind = "genesis" | "intermediate" | "heartbeat" | "final";

export interface Anchor {
  chain: string;
  kind: AnchorKind;
  size: number;
  root: string;
  lastSeq: number;
  prevAnchor: string;
  time: string;
}

export function anchorOrigin(chain: string): string {
  return `chronoseal-lock/${chain}`;
}

/** Signs an anchor as a checkpoint note by the device key. */
export function signAnchor(a: Anchor, name: string, secretKey: Uint8Array): string {
  const cp: Checkpoint = {
    origin: anchorOrigin(a.chain),
    size: a.size,
    root: fromBase64(a.root, "root", 32),
    extensions: [
      `kind ${a.kind}`,
      `last-seq ${a.lastSeq}`,
      `prev-anchor ${a.prevAnchor || "-"}`,
      `time ${a.time}`,
    ],
  };
  return signCheckpoint(cp, [{ name, secretKey }]);
}

/** base64 SHA-256 of an anchor note (what the next anchor links to). */
export function anchorHash(note: string): string {
  return toBase64(sha256(new TextEncoder().encode(note)));
}

/** Verifies an anchor note by the device's verifier key and reads its fields. */
export function openAnchor(note: string, verifier: NoteVerifier): Anchor {
  const { checkpoint } = verifyCheckpoint(note, [verifier]);
  const ext = new Map(
    (checkpoint.extensions ?? []).map((l) => [l.slice(0, l.indexOf(" ")), l.slice(l.indexOf(" ") + 1)]),
  );
  const prefix = "chronoseal-lock/";
  if (!checkpoint.origin.startsWith(prefix))
    throw new Error(`anchor: origin ${checkpoint.origin} is not a lock chain`);
  return {
    chain: checkpoint.origin.slice(prefix.length),
    kind: ext.get("kind") as AnchorKind,
    size: checkpoint.size,
    root: toBase64(checkpoint.root),
    lastSeq: Number(ext.get("last-seq")),
    prevAnchor: ext.get("prev-anchor") === "-" ? "" : (ext.get("prev-anchor") ?? ""),
    time: ext.get("time") ?? "",
  };
}

export interface AnchorSink {
  publish(note: string): void | Promise<void>;
}

export interface AnchorSource {
  notes(): string[] | Promise<string[]>;
}

/** File-backed anchors: one JSON-encoded note per line, fsynced on publish. */
export class FileAnchors implements AnchorSink, AnchorSource {
  constructor(readonly path: string) {}

  publish(note: string): void {
    appendFileSync(this.path, `${JSON.stringify(note)}\n`);
    const fd = openSync(this.path, "r");
    fsyncSync(fd);
    closeSync(fd);
  }

  notes(): string[] {
    if (!existsSync(this.path)) return [];
    return readFileSync(this.path, "utf8")
      .split("\n")
      .filter((l) => l.trim() !== "")
      .map((l) => JSON.parse(l) as string);
  }
}
