// Anchors cosigned by C2SP witnesses (tlog-witness, cosignature/v1) before they are published: an
// AnchorSink that wraps the lock's real sink (the mesh, a file). For each anchor note it asks
// every configured witness for a cosignature — with the consistency proof from the size that
// witness last cosigned for the chain, made from the device's own log (chain-proofs.ts), and
// again from the witness's size after a 409 — waits up to `waitMs`, then publishes the note with
// the cosignature lines it got. A witness that failed is retried by retry() with back-off (the
// lock agent daemon calls it every tick); when a late cosignature arrives the note is published
// again with it (the auditor merges the copies: a cosigned copy is the same anchor, anchorHash).
// Only the newest anchor of each chain is retried: a cosignature on it covers the older ones,
// whose trees are its prefixes.
//
// Cosignatures are stored with the anchors, durably, in `<dir>/witness.log` (an AppendLog):
//   { k: "a", hash, note }                            an anchor to witness
//   { k: "c", hash, origin, size, witness, lines }    a witness's verified cosignature line(s)
//   { k: "p", hash, witnesses }                       published with these witnesses' lines
// so a restart resumes: what was cosigned is published, what is missing is asked again.
// A refusal that retrying cannot change (403, 404, 422, a witness ahead of the anchor, a proof the
// device cannot make) is not retried for that anchor; the next anchor is offered as usual.
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { parseCheckpoint, parseNote } from "@chronoseal/core";
import { WitnessClient, WitnessClientError, type WitnessTarget } from "@chronoseal/witness";
import { ANCHOR_ORIGIN_PREFIX, type AnchorSink, anchorHash } from "./anchors.js";
import { ChainProofs } from "./chain-proofs.js";
import { AppendLog } from "./storage.js";

type WitnessRecord =
  | { k: "a"; hash: string; note: string }
  | { k: "c"; hash: string; origin: string; size: number; witness: string; lines: string }
  | { k: "p"; hash: string; witnesses: string[] };

export interface WitnessedAnchorsOptions {
  /** The device directory (its chain logs make the proofs; witness.log goes here). */
  dir: string;
  /** Where the (cosigned) notes go. */
  sink: AnchorSink;
  /** The witnesses: { url, name, verifier } (parseWitnessTargets reads a config list). */
  witnesses: readonly WitnessTarget[];
  /** How long publish() waits for the witnesses before publishing what it has (default 5 s). */
  waitMs?: number;
  /** First retry delay after a failure, doubling up to maxBackoffMs (default 5 s, 5 min). */
  backoffMs?: number;
  maxBackoffMs?: number;
  /** Clock, ms (default Date.now); also the verifier's clock for cosignature timestamps. */
  now?: () => number;
  /** Reports cosignatures and failures (default: nowhere). */
  log?: (level: "info" | "warn", message: string, fields: Record<string, unknown>) => void;
}

interface Pending {
  hash: string;
  note: string;
  chain: string;
  origin: string;
  size: number;
  root: string;
  /** Verified cosignature lines by witness name. */
  lines: Map<string, string>;
  /** Witnesses that refused this anchor for good. */
  refused: Set<string>;
  /** Witnesses whose lines the last publication carried (undefined: not published yet). */
  published: Set<string> | undefined;
}

interface WitnessState {
  target: WitnessTarget;
  client: WitnessClient;
  /** Size it last cosigned, per origin. */
  sizes: Map<string, number>;
  nextAttempt: number;
  delay: number;
  lastError: string | undefined;
}

export interface WitnessStatus {
  name: string;
  url: string;
  /** Anchors (the newest of each chain) still without its cosignature. */
  missing: number;
  lastError?: string;
}

export class WitnessedAnchors implements AnchorSink {
  /** Forwarded to the wrapped sink when it publishes heads (the heads are not witnessed). */
  readonly publishHead?: (note: string) => void | Promise<void>;
  private readonly log: AppendLog<WitnessRecord>;
  private readonly proofs: ChainProofs;
  private readonly witnesses: WitnessState[];
  /** The newest anchor of each origin (chain). */
  private readonly latest = new Map<string, Pending>();
  private queue: Promise<unknown> = Promise.resolve();
  private readonly now: () => number;
  private readonly waitMs: number;
  private readonly backoff: number;
  private readonly maxBackoff: number;
  private readonly report: NonNullable<WitnessedAnchorsOptions["log"]>;

  constructor(private readonly o: WitnessedAnchorsOptions) {
    this.now = o.now ?? Date.now;
    this.waitMs = o.waitMs ?? 5000;
    this.backoff = o.backoffMs ?? 5000;
    this.maxBackoff = o.maxBackoffMs ?? 300_000;
    this.report = o.log ?? (() => {});
    this.proofs = new ChainProofs(o.dir);
    this.witnesses = o.witnesses.map((target) => ({
      target,
      client: new WitnessClient({ url: target.url, key: target.verifier, timeoutMs: this.waitMs }),
      sizes: new Map(),
      nextAttempt: 0,
      delay: this.backoff,
      lastError: undefined,
    }));
    const head = (o.sink as { publishHead?: (note: string) => void | Promise<void> }).publishHead;
    if (head) this.publishHead = (note) => head.call(o.sink, note);
    const records: WitnessRecord[] = [];
    mkdirSync(o.dir, { recursive: true });
    this.log = AppendLog.open<WitnessRecord>(join(o.dir, "witness.log"), {
      onRecord: (r) => records.push(r),
    }).log;
    for (const r of records) this.replay(r);
  }

  private replay(r: WitnessRecord): void {
    if (r.k === "a") this.track(r.note);
    else if (r.k === "c") {
      const w = this.witnesses.find((x) => x.target.name === r.witness);
      const size = w?.sizes.get(r.origin) ?? -1;
      if (w && r.size >= size) w.sizes.set(r.origin, r.size);
      const p = [...this.latest.values()].find((x) => x.hash === r.hash);
      if (p && w) p.lines.set(r.witness, r.lines);
    } else {
      const p = [...this.latest.values()].find((x) => x.hash === r.hash);
      if (p) p.published = new Set(r.witnesses);
    }
  }

  /** The anchor's record, made the newest of its chain (returns undefined for a note that is not an anchor). */
  private track(note: string): Pending | undefined {
    let cp: ReturnType<typeof parseCheckpoint>;
    try {
      cp = parseCheckpoint(parseNote(note).text);
    } catch {
      return undefined;
    }
    if (!cp.origin.startsWith(ANCHOR_ORIGIN_PREFIX)) return undefined;
    const hash = anchorHash(note);
    const cur = this.latest.get(cp.origin);
    if (cur?.hash === hash) return cur;
    if (cur && cur.size > cp.size) return undefined; // an older anchor offered again: not witnessed
    const p: Pending = {
      hash,
      note: bare(note),
      chain: cp.origin.slice(ANCHOR_ORIGIN_PREFIX.length),
      origin: cp.origin,
      size: cp.size,
      root: Buffer.from(cp.root).toString("base64"),
      lines: new Map(),
      refused: new Set(),
      published: undefined,
    };
    this.latest.set(cp.origin, p);
    return p;
  }

  /** Runs one operation at a time (a witness must see one request per origin at a time). */
  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.queue.then(fn, fn);
    this.queue = run.catch(() => undefined);
    return run;
  }

  async register(door: string, publicKey: string): Promise<void> {
    await this.o.sink.register?.(door, publicKey);
  }

  /** Cosigns (waiting up to waitMs), stores the cosignatures, then publishes the cosigned note. */
  publish(note: string): Promise<void> {
    return this.serial(async () => {
      const known = [...this.latest.values()].find((x) => x.hash === anchorHash(note));
      let p = known;
      if (!p) {
        p = this.track(note);
        if (!p) return void (await this.o.sink.publish(note)); // not a fresh anchor: as it is
        await this.log.append({ k: "a", hash: p.hash, note: p.note });
      }
      await this.cosign(p, true);
      await this.publishCosigned(p);
    });
  }

  /**
   * Asks the witnesses that are due again for the newest anchor of each chain, and publishes
   * again what gained cosignatures (also after a restart). Call it periodically.
   */
  retry(): Promise<void> {
    return this.serial(async () => {
      for (const p of this.latest.values()) {
        if (p.published === undefined) continue; // publish() has not run for it yet
        await this.cosign(p, false);
        const published = p.published;
        if ([...p.lines.keys()].some((w) => !published.has(w))) await this.publishCosigned(p);
      }
    });
  }

  private async publishCosigned(p: Pending): Promise<void> {
    const names = this.witnesses.map((w) => w.target.name).filter((n) => p.lines.has(n));
    await this.o.sink.publish(p.note + names.map((n) => p.lines.get(n)!).join(""));
    await this.log.append({ k: "p", hash: p.hash, witnesses: names });
    p.published = new Set(names);
  }

  private async cosign(p: Pending, fresh: boolean): Promise<void> {
    const due = this.witnesses.filter(
      (w) =>
        !p.lines.has(w.target.name) &&
        !p.refused.has(w.target.name) &&
        (fresh || w.nextAttempt <= this.now()),
    );
    await Promise.all(due.map((w) => this.ask(w, p)));
  }

  private async ask(w: WitnessState, p: Pending): Promise<void> {
    const name = w.target.name;
    try {
      const r = await w.client.cosign(p.note, {
        oldSize: w.sizes.get(p.origin) ?? 0,
        proof: (from) => this.proofs.proof(p.chain, from, p.size, p.root),
        now: this.now(),
      });
      await this.log.append({
        k: "c",
        hash: p.hash,
        origin: p.origin,
        size: p.size,
        witness: name,
        lines: r.lines,
      });
      p.lines.set(name, r.lines);
      w.sizes.set(p.origin, p.size);
      w.delay = this.backoff;
      w.nextAttempt = 0;
      w.lastError = undefined;
      this.report("info", "anchor cosigned", {
        witness: name,
        chain: p.chain,
        size: p.size,
        timestamp: r.timestamp,
      });
    } catch (e) {
      const message = (e as Error).message;
      w.lastError = message;
      const retryable =
        e instanceof WitnessClientError &&
        (e.code === "ERR_WITNESS_UNAVAILABLE" || e.code === "ERR_WITNESS_ANSWER");
      if (retryable) {
        w.nextAttempt = this.now() + w.delay;
        w.delay = Math.min(w.delay * 2, this.maxBackoff);
      } else p.refused.add(name);
      this.report("warn", retryable ? "witness unavailable" : "witness refused the anchor", {
        witness: name,
        chain: p.chain,
        size: p.size,
        error: message,
      });
    }
  }

  /** Per witness: how many chains' newest anchors lack its cosignature, and its last error. */
  status(): WitnessStatus[] {
    return this.witnesses.map((w) => {
      let missing = 0;
      for (const p of this.latest.values()) if (!p.lines.has(w.target.name)) missing++;
      return {
        name: w.target.name,
        url: w.target.url,
        missing,
        ...(w.lastError ? { lastError: w.lastError } : {}),
      };
    });
  }

  /** Waits for the running operation, then closes witness.log. */
  async close(): Promise<void> {
    await this.queue;
    await this.log.close();
  }
}

/** The note without signature lines other than its first (the device's own). */
function bare(note: string): string {
  const split = note.lastIndexOf("\n\n");
  const first = note.slice(split + 2).split("\n")[0]!;
  return `${note.slice(0, split + 1)}\n${first}\n`;
}
