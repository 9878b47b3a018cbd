// The lock agent: turns badge reads and door-sensor changes into signed, hash-chained entries
// that are durable (fsynced) before they count, anchors its chains, rotates them per retention
// period and deletes what has expired. Event rules:
//   accepted badge                       → `opened` with the badge's pseudonym (the strike opens)
//   door opens within unlockMs of it      → nothing more (that opening is the badge's)
//   door opens otherwise                  → `opened` with detail.cause "no-badge" (exit button, key, force)
//   door still open 60 s after it opened  → one `held-open`, at the 60 s mark
//   door closes                           → `closed` with detail.openMs
//   first start of a chain               → `chain-opened` (detail.previousChainAnchor links the
//                                           previous chain's final anchor) + genesis anchor
//   boot after an unclean stop or a torn tail → `recovered` with the gap (truncatedBytes,
//                                           lastSeq, lastTime)
//   period ends / decommission()          → `chain-closed` + final anchor (then the next chain)
//   every anchorEvery entries             → intermediate anchor; anchorInterval without one →
//                                           intermediate, or a heartbeat when nothing happened
//   entries unanchored, headInterval since the last head → a signed head (sink.publishHead)
//   clean stop with entries unanchored    → intermediate anchor
// Time comes only from driver.now(); timers run in tick(), due at nextWakeup().
// Longer than ~400 lines: the event rules above, the chain's durable append and the anchor
// schedule share one write path that must stay in one place (fsync before an entry counts);
// storage, anchors, rotation and retention are their own modules.
import { existsSync, mkdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { formatTimestamp, toBase64 } from "@chronoseal/core";
import { type AgentListener, type AgentOptions, DecommissionedError, HELD_OPEN_MS } from "./agent-options.js";
import { type AnchorRecord, DeviceAnchors } from "./anchor-log.js";
import { type Anchor, type AnchorKind, anchorHash, signAnchor } from "./anchors.js";
import { ChainLog } from "./chain.js";
import type { LockInputs } from "./driver.js";
import { chainId, type Detail, EntryError, type LockEntry, type LockEvent } from "./entry.js";
import { atomicWrite } from "./files.js";
import { Heads } from "./heads.js";
import { type Manifest, readManifest, writeManifest } from "./manifest.js";
import { monthly, type RetentionPeriods } from "./periods.js";
import { PeriodKeys, pseudonym } from "./pseudonym.js";
import { expireChains } from "./retention.js";

export {
  type AgentListener,
  type AgentOptions,
  DecommissionedError,
  HELD_OPEN_MS,
} from "./agent-options.js";

export class LockAgent implements LockInputs {
  private current!: ChainLog;
  private readonly anchorsLog: DeviceAnchors;
  private readonly keys: PeriodKeys;
  private readonly listeners = new Set<AgentListener>();
  private manifest: Manifest;
  private sinceAnchor = 0;
  private lastAnchorAt = 0;
  private readonly heads: Heads;
  private doorOpenSince: number | undefined;
  private heldReported = false;
  private unlockedUntil: number | undefined;
  private barrier: Promise<void> | undefined;
  private inflight = new Set<Promise<unknown>>();
  private stopped = false;

  private constructor(private readonly o: AgentOptions) {
    chainId(o.door, "x"); // validates the door serial
    mkdirSync(o.dir, { recursive: true });
    this.keys = new PeriodKeys(o.dir);
    this.anchorsLog = new DeviceAnchors(o.dir, o.anchors, o.storageObserver);
    this.heads = new Heads(o.anchors, o.headInterval);
    const m = readManifest(o.dir);
    if (m && m.door !== o.door) throw new EntryError(`${o.dir} belongs to door ${m.door}, not ${o.door}`);
    this.manifest = m ?? {
      v: 1,
      door: o.door,
      decommissioned: false,
      chains: [],
      ...(o.previousChainAnchor ? { previousChainAnchor: o.previousChainAnchor } : {}),
    };
    if (o.onEntry || o.onAnchor || o.onExpired)
      this.listeners.add({ entry: o.onEntry, anchor: o.onAnchor, expired: o.onExpired });
  }

  /** Opens the device storage, recovers it, commissions or rotates chains, attaches the driver. */
  static async start(o: AgentOptions): Promise<LockAgent> {
    const a = new LockAgent(o);
    try {
      await a.boot();
    } catch (e) {
      await a.release(e instanceof DecommissionedError);
      throw e;
    }
    o.driver.attach?.(a);
    return a;
  }

  /** After a failed boot: closes the files; a clean refusal also removes the running marker. */
  private async release(clean: boolean): Promise<void> {
    this.stopped = true;
    await Promise.allSettled([...this.inflight]);
    await this.current?.log.close().catch(() => {});
    await this.anchorsLog.close().catch(() => {});
    if (clean) rmSync(this.running, { force: true });
  }

  private get now(): number {
    return this.o.driver.now();
  }

  private get running(): string {
    return join(this.o.dir, "running");
  }

  private async boot(): Promise<void> {
    const unclean = existsSync(this.running);
    atomicWrite(this.running, "", { observer: this.o.storageObserver });
    await this.anchorsLog.publish();
    const open = this.manifest.chains.findLast((c) => c.status !== "expired");
    if (open && open.status === "open") {
      const { chain, truncatedBytes } = ChainLog.open(
        this.o.dir,
        this.o.door,
        open.period,
        this.o.storageObserver,
      );
      this.current = chain;
      this.restoreAnchorState();
      if (this.manifest.decommissioned && !chain.closed) {
        // A power cut in the middle of decommissioning: finish it.
        if (chain.size === 0) await this.commission(chain);
        await this.closeCurrent({ decommissioned: 1 });
        throw new DecommissionedError(this.o.door, this.previousFinal());
      }
      if (chain.size === 0) await this.commission(chain);
      else if (chain.closed) await this.finishClosing();
      else {
        // A power cut after chain-opened was durable but before its genesis anchor was: make it now.
        if (!this.anchorsLog.latest.has(chain.chain)) {
          await this.o.anchors.register?.(this.o.door, toBase64(this.o.keyPair.publicKey));
          await this.anchor("genesis", this.previousFinal() ?? "");
        }
        if (unclean || truncatedBytes > 0) {
          const last = chain.last!;
          await this.record("recovered", {
            detail: { truncatedBytes, lastSeq: last.seq, lastTime: last.time },
          });
        }
      }
    } else if (!this.manifest.decommissioned) {
      await this.openChain(this.o.period ?? this.periods.of(this.now));
    } else {
      throw new DecommissionedError(this.o.door, this.previousFinal());
    }
    if (this.manifest.decommissioned) throw new DecommissionedError(this.o.door, this.previousFinal());
    if (!this.manifest.decommissioned) {
      const want = this.o.period ?? this.periods.of(this.now);
      if (want !== this.current.period && this.o.period !== undefined) await this.rotate(want);
      else if (this.o.period === undefined && want > this.current.period) await this.rotate(want);
    }
    await this.expire();
  }

  private get periods(): RetentionPeriods {
    return this.o.periods ?? monthly;
  }

  private restoreAnchorState(): void {
    const latest = this.anchorsLog.latest.get(this.current.chain);
    this.sinceAnchor = this.current.size - (latest?.anchor.size ?? 0);
    this.lastAnchorAt = latest ? Date.parse(latest.anchor.time) : this.now;
    this.heads.restore(this.sinceAnchor > 0, this.now);
  }

  // ---- chains ----------------------------------------------------------------------------

  private async openChain(period: string): Promise<void> {
    if (this.manifest.chains.some((c) => c.period === period))
      throw new EntryError(`period ${period} was already used on this device; configure the next period`);
    this.manifest.chains.push({ period, status: "open" });
    writeManifest(this.o.dir, this.manifest, this.o.storageObserver);
    const { chain } = ChainLog.open(this.o.dir, this.o.door, period, this.o.storageObserver);
    this.current = chain;
    this.sinceAnchor = 0;
    await this.commission(chain);
  }

  private previousFinal(): string | undefined {
    const closed = this.manifest.chains.filter((c) => c.final);
    return closed.at(-1)?.final ?? this.manifest.previousChainAnchor;
  }

  private async commission(chain: ChainLog): Promise<void> {
    const prev = this.previousFinal();
    await this.o.anchors.register?.(this.o.door, toBase64(this.o.keyPair.publicKey));
    const { entry, durable } = chain.append("chain-opened", this.now, this.o.keyPair.secretKey, {
      ...(prev ? { detail: { previousChainAnchor: prev } } : {}),
    });
    const anchored = this.anchor("genesis", prev ?? "");
    await durable;
    this.emit(entry);
    await anchored;
  }

  /** The open chain ends with chain-closed: make sure it has its final anchor, then record it. */
  private async finishClosing(): Promise<void> {
    const latest = this.anchorsLog.latest.get(this.current.chain);
    const final =
      latest?.anchor.kind === "final" && latest.anchor.size === this.current.size
        ? latest.hash
        : await this.anchorAndWait("final");
    const rec = this.manifest.chains.findLast((c) => c.period === this.current.period)!;
    rec.status = "closed";
    rec.final = final;
    writeManifest(this.o.dir, this.manifest, this.o.storageObserver);
    if (!this.manifest.decommissioned) await this.openChain(this.nextPeriodAfter(this.current));
  }

  /** The period to open after a closed chain: the one rotate() named, else the configured one. */
  private nextPeriodAfter(closed: ChainLog): string {
    const named = closed.last?.detail?.nextPeriod;
    return typeof named === "string" ? named : (this.o.period ?? this.periods.of(this.now));
  }

  private async closeCurrent(detail?: Detail): Promise<string> {
    await this.record("chain-closed", detail ? { detail } : {});
    const final = await this.anchorAndWait("final");
    const rec = this.manifest.chains.findLast((c) => c.period === this.current.period)!;
    rec.status = "closed";
    rec.final = final;
    writeManifest(this.o.dir, this.manifest, this.o.storageObserver);
    await this.current.log.close();
    return final;
  }

  /** Closes the open chain and opens the next one, linked to its final anchor. */
  rotate(period: string): Promise<void> {
    return this.exclusive(async () => {
      if (period === this.current.period) return;
      chainId(this.o.door, period);
      if (this.manifest.chains.some((c) => c.period === period))
        throw new EntryError(`period ${period} was already used on this device`);
      await this.closeCurrent({ nextPeriod: period });
      await this.openChain(period);
      await this.expire();
    });
  }

  /** Closes the chain for good (chain-closed + final anchor); returns the final anchor's hash. */
  decommission(): Promise<string> {
    return this.exclusive(async () => {
      this.manifest.decommissioned = true;
      writeManifest(this.o.dir, this.manifest, this.o.storageObserver);
      return this.closeCurrent({ decommissioned: 1 });
    });
  }

  /** Ends chains past retention (see retention.ts). */
  private expire(): Promise<void> {
    return expireChains({
      ...this.o,
      manifest: this.manifest,
      anchorsLog: this.anchorsLog,
      keys: this.keys,
      now: this.now,
      listeners: this.listeners,
    });
  }

  // ---- entries and anchors ----------------------------------------------------------------

  /** Runs `f` alone: entries wait until it finishes (rotation, decommissioning). */
  private async exclusive<T>(f: () => Promise<T>): Promise<T> {
    while (this.barrier) await this.barrier;
    let done!: () => void;
    this.barrier = new Promise<void>((r) => {
      done = r;
    });
    try {
      return await f();
    } finally {
      this.barrier = undefined;
      done();
    }
  }

  private emit(entry: LockEntry): void {
    for (const l of this.listeners) l.entry?.(entry);
  }

  private async record(
    event: LockEvent,
    fields: { user?: string; detail?: Detail } = {},
  ): Promise<LockEntry> {
    if (this.stopped) throw new EntryError(`lock ${this.o.door} is stopped`);
    const { entry, durable } = this.current.append(event, this.now, this.o.keyPair.secretKey, fields);
    this.sinceAnchor++;
    this.heads.entry(this.now);
    const tasks: Promise<unknown>[] = [durable];
    if (this.sinceAnchor >= (this.o.anchorEvery ?? 100)) tasks.push(this.anchor("intermediate"));
    const all = Promise.all(tasks);
    // When the write fails, `await durable` throws first and `all` is never awaited here: mark
    // its rejection handled so a disk error is reported to the caller, not as an unhandled
    // rejection that would end the process.
    all.catch(() => undefined);
    this.inflight.add(all);
    try {
      await durable;
      this.emit(entry);
      await all;
    } finally {
      this.inflight.delete(all);
    }
    return entry;
  }

  /** Snapshots the open chain into a signed anchor now; resolves once it is written and offered. */
  private anchor(kind: AnchorKind, prevOverride?: string): Promise<void> {
    const chain = this.current;
    const latest = this.anchorsLog.latest.get(chain.chain);
    const a: Anchor = {
      chain: chain.chain,
      kind,
      size: chain.size,
      root: chain.root(),
      lastSeq: chain.size - 1,
      prevAnchor: prevOverride ?? latest?.hash ?? "",
      time: formatTimestamp(this.now),
    };
    const note = signAnchor(a, this.o.door, this.o.keyPair.secretKey);
    const rec: AnchorRecord = { chain: chain.chain, anchor: a, hash: anchorHash(note), note };
    this.sinceAnchor = 0;
    this.lastAnchorAt = this.now;
    this.heads.anchored();
    const done = this.anchorsLog.add(rec, chain.log.durable()).then(() => {
      for (const l of this.listeners) l.anchor?.(note, a);
    });
    this.inflight.add(done);
    void done.finally(() => this.inflight.delete(done)).catch(() => {});
    return done;
  }

  private async anchorAndWait(kind: AnchorKind): Promise<string> {
    const p = this.anchor(kind);
    const hash = this.anchorsLog.latest.get(this.current.chain)!.hash;
    await p;
    return hash;
  }

  private async gate(): Promise<void> {
    while (this.barrier) await this.barrier;
    if (this.manifest.decommissioned) throw new DecommissionedError(this.o.door, this.previousFinal());
  }

  // ---- driver inputs ------------------------------------------------------------------------

  /** A badge was read: if accepted, an `opened` entry with its pseudonym. */
  async badge(badgeId: string): Promise<{ accepted: boolean; entry?: LockEntry }> {
    if (typeof badgeId !== "string" || badgeId.length === 0 || badgeId.length > 256)
      throw new TypeError("badgeId: expected a non-empty string of at most 256 characters");
    await this.gate();
    if (this.o.authorize && (await this.o.authorize(badgeId)) !== true) return { accepted: false };
    await this.gate(); // a rotation or decommissioning may have started meanwhile
    const key = this.o.periodKey ?? this.keys.get(this.current.period);
    const unlockMs = this.o.unlockMs ?? 10_000;
    this.unlockedUntil = this.now + unlockMs;
    const entry = await this.record("opened", { user: pseudonym(key, badgeId) });
    this.o.driver.unlock?.(unlockMs); // only once the opening is on record
    return { accepted: true, entry };
  }

  /** The door sensor changed. */
  async door(open: boolean): Promise<void> {
    if (typeof open !== "boolean") throw new TypeError("open: expected boolean");
    await this.gate();
    const now = this.now;
    if (open) {
      if (this.doorOpenSince !== undefined) return;
      this.doorOpenSince = now;
      this.heldReported = false;
      const byBadge = this.unlockedUntil !== undefined && now <= this.unlockedUntil;
      this.unlockedUntil = undefined;
      if (!byBadge) await this.record("opened", { detail: { cause: "no-badge" } });
      return;
    }
    if (this.doorOpenSince === undefined) return;
    const openMs = now - this.doorOpenSince;
    this.doorOpenSince = undefined;
    await this.record("closed", { detail: { openMs } });
  }

  /** Timers: the 60-second rule, time-based anchors, rotation, retention, anchor publication. */
  async tick(): Promise<void> {
    if (this.stopped || this.manifest.decommissioned) return;
    await this.gate();
    const now = this.now;
    if (this.unlockedUntil !== undefined && now > this.unlockedUntil) this.unlockedUntil = undefined;
    if (this.doorOpenSince !== undefined && !this.heldReported && now - this.doorOpenSince >= HELD_OPEN_MS) {
      this.heldReported = true;
      await this.record("held-open", { detail: { openMs: now - this.doorOpenSince } });
    }
    if (this.o.period === undefined && this.periods.of(now) > this.current.period) {
      await this.rotate(this.periods.of(now));
    } else if (now - this.lastAnchorAt >= (this.o.anchorInterval ?? 3_600_000)) {
      await this.anchor(this.sinceAnchor > 0 ? "intermediate" : "heartbeat");
    }
    if (this.anchorsLog.pending > 0) await this.anchorsLog.publish();
    // Heads only once the anchors before them are out, so a head's prev-anchor is published.
    const due = this.headDueAt();
    if (due !== undefined && now >= due && this.anchorsLog.pending === 0) await this.publishHead();
  }

  private headDueAt(): number | undefined {
    return this.manifest.decommissioned ? undefined : this.heads.dueAt();
  }

  /** Signs a head of the open chain and publishes it (see heads.ts). */
  private async publishHead(): Promise<void> {
    const chain = this.current;
    const { note, anchor, error } = await this.heads.publish(chain, {
      prevAnchor: this.anchorsLog.latest.get(chain.chain)?.hash ?? "",
      now: this.now,
      door: this.o.door,
      secretKey: this.o.keyPair.secretKey,
      uncovered: () => this.current === chain && this.sinceAnchor > 0,
    });
    for (const l of this.listeners) l.head?.(note, anchor, error);
  }

  /** When tick() next has something to do (epoch ms of the device clock). */
  nextWakeup(): number {
    const times = [this.lastAnchorAt + (this.o.anchorInterval ?? 3_600_000)];
    if (this.doorOpenSince !== undefined && !this.heldReported) times.push(this.doorOpenSince + HELD_OPEN_MS);
    if (this.o.period === undefined && this.current) times.push(this.periods.next(this.now));
    const head = this.current ? this.headDueAt() : undefined;
    if (head !== undefined) times.push(head);
    return Math.min(...times);
  }

  // ---- state and lifecycle ----------------------------------------------------------------

  subscribe(listener: AgentListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  get chain(): string {
    return this.current.chain;
  }

  get period(): string {
    return this.current.period;
  }

  /** Entries in the open chain. */
  get entries(): number {
    return this.current.size;
  }

  get lastEntry(): LockEntry | undefined {
    return this.current.last;
  }

  get decommissioned(): boolean {
    return this.manifest.decommissioned;
  }

  /** Anchors not yet accepted by the sink, and the last publication error (of an anchor or a head). */
  get anchorBacklog(): { pending: number; error?: string } {
    const error = this.anchorsLog.publishError?.message ?? this.heads.error?.message;
    return { pending: this.anchorsLog.pending, ...(error ? { error } : {}) };
  }

  /** The manifest's view of the device's chains. */
  chains(): readonly { period: string; status: string; final?: string }[] {
    return this.manifest.chains.map((c) => ({ ...c }));
  }

  /** Resolves when every entry and anchor made so far is durable. */
  async idle(): Promise<void> {
    while (this.barrier) await this.barrier;
    await Promise.allSettled([...this.inflight]);
    await this.current.log.durable();
    await this.anchorsLog.written();
  }

  /**
   * Clean stop: waits for pending writes, anchors the entries no anchor covers yet (so a clean
   * stop leaves no unanchored tail), closes the files, and removes the `running` marker so the
   * next start records no `recovered` entry. `{ anchor: false }` skips the anchor (a simulator
   * releasing a lock whose power it cut). Synchronous when there is nothing to do.
   */
  stop(o: { anchor?: boolean } = {}): Promise<void> {
    if (this.stopped) return Promise.resolve();
    this.stopped = true;
    this.o.driver.detach?.();
    const finish = () => {
      rmSync(this.running, { force: true });
      this.o.storageObserver?.removed(this.running);
    };
    const anchor = o.anchor !== false && !this.manifest.decommissioned;
    if (
      this.inflight.size === 0 &&
      !this.barrier &&
      !this.current.log.busy &&
      !this.anchorsLog.busy &&
      (!anchor || this.sinceAnchor === 0)
    ) {
      void this.current.log.close();
      void this.anchorsLog.close();
      finish();
      return Promise.resolve();
    }
    return (async () => {
      await this.idle().catch(() => {});
      if (anchor && this.sinceAnchor > 0) await this.anchor("intermediate").catch(() => {});
      await this.current.log.close();
      await this.anchorsLog.close();
      finish();
    })();
  }
}
