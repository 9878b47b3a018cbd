// The lock agent: turns badge reads and door-sensor changes into signed, hash-chained entries,
// written durably (fsync) before they count, and anchors the chain with signed checkpoints.
// Event rules: an accepted badge → `opened`; the door still open 60 s later → `held-open` (once
// per opening); the door closing → `closed`; a boot after an unclean stop → `recovered` (with
// the gap: bytes cut from a torn tail, last durable sequence number); commissioning →
// `chain-opened` + genesis anchor; decommissioning → `chain-closed` + final anchor.
// Time comes from the driver's clock, so a simulator can run it in virtual time.
import { existsSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Frontier, fromBase64, type KeyPair, leafHash } from "@chronoseal/core";
import { type Anchor, type AnchorKind, type AnchorSink, anchorHash, signAnchor } from "./anchors.js";
import { entryHash, type LockEntry, type LockEvent, pseudonym, signEntry } from "./entry.js";
import { AppendLog } from "./storage.js";

/** What a lock's hardware (or the simulator) provides. */
export interface LockDriver {
  /** Device clock (epoch ms); may drift or jump. */
  now(): number;
}

export interface AgentOptions {
  dir: string;
  door: string;
  /** Retention period label; the chain id is `<door>/<period>`. */
  period: string;
  keyPair: KeyPair;
  /** HMAC key of the retention period, for user pseudonyms. */
  periodKey: Uint8Array;
  driver: LockDriver;
  anchors: AnchorSink;
  /** Anchor after this many entries (default 100). */
  anchorEvery?: number;
  /** Anchor (a heartbeat if nothing happened) after this much time (default 1 h). */
  anchorInterval?: number;
  /** Hash of the previous chain's final anchor (links retention periods). */
  previousChainAnchor?: string;
  /** Called with each durable entry (the uplink queue). */
  onEntry?: (entry: LockEntry) => void;
}

export const HELD_OPEN_MS = 60_000;

export class LockAgent {
  readonly chain: string;
  private log: AppendLog<LockEntry>;
  private last: LockEntry | undefined;
  private lastHash = "";
  private readonly frontier = new Frontier();
  private sinceAnchor = 0;
  private lastAnchorAt = 0;
  private lastAnchorHash: string;
  private doorOpenSince: number | undefined;
  private heldReported = false;
  private closed = false;

  private constructor(
    private readonly o: AgentOptions,
    log: AppendLog<LockEntry>,
  ) {
    this.chain = `${o.door}/${o.period}`;
    this.log = log;
    this.lastAnchorHash = o.previousChainAnchor ?? "";
  }

  /** Opens the device storage, recovers it, and commissions the chain on first start. */
  static async start(o: AgentOptions): Promise<LockAgent> {
    mkdirSync(o.dir, { recursive: true });
    const file = join(o.dir, `${o.period}.log`);
    const marker = join(o.dir, `${o.period}.running`);
    const unclean = existsSync(marker);
    const { log, records, truncatedBytes } = AppendLog.open<LockEntry>(file);
    const agent = new LockAgent(o, log);
    for (const e of records) agent.replay(e);
    writeFileSync(marker, "");
    if (records.length === 0) {
      await agent.append(
        "chain-opened",
        undefined,
        o.previousChainAnchor ? { previousChainAnchor: o.previousChainAnchor } : undefined,
      );
      await agent.anchor("genesis");
    } else if (unclean || truncatedBytes > 0) {
      await agent.append("recovered", undefined, {
        truncatedBytes,
        lastDurableSeq: agent.last!.seq,
        lastDurableTime: agent.last!.time,
      });
    }
    if (agent.last?.event === "chain-closed") agent.closed = true;
    return agent;
  }

  private replay(e: LockEntry): void {
    this.last = e;
    this.lastHash = entryHash(e);
    this.frontier.append(leafHash(fromBase64(this.lastHash, "entry hash", 32)));
    this.sinceAnchor++;
  }

  get entries(): number {
    return this.frontier.size;
  }

  get lastEntry(): LockEntry | undefined {
    return this.last;
  }

  private async append(
    event: LockEvent,
    user?: string,
    detail?: Record<string, string | number>,
  ): Promise<LockEntry> {
    if (this.closed) throw new Error(`chain ${this.chain} is closed`);
    const now = this.o.driver.now();
    const body: LockEntry = {
      v: 1,
      chain: this.chain,
      seq: this.last ? this.last.seq + 1 : 0,
      prev: this.lastHash,
      door: this.o.door,
      time: new Date(now).toISOString(),
      event,
      ...(user !== undefined ? { user } : {}),
      ...(detail !== undefined ? { detail } : {}),
    };
    const entry = signEntry(body, this.o.keyPair.secretKey, now);
    this.log.append(entry); // fsync: the entry counts from here on
    this.replay(entry);
    this.o.onEntry?.(entry);
    if (this.sinceAnchor >= (this.o.anchorEvery ?? 100)) await this.anchor("intermediate");
    return entry;
  }

  private async anchor(kind: AnchorKind): Promise<void> {
    const now = this.o.driver.now();
    const a: Anchor = {
      chain: this.chain,
      kind,
      size: this.frontier.size,
      root: Buffer.from(this.frontier.root()).toString("base64"),
      lastSeq: this.last?.seq ?? -1,
      prevAnchor: this.lastAnchorHash,
      time: new Date(now).toISOString(),
    };
    const note = signAnchor(a, this.o.door, this.o.keyPair.secretKey);
    await this.o.anchors.publish(note);
    this.lastAnchorHash = anchorHash(note);
    this.sinceAnchor = 0;
    this.lastAnchorAt = now;
  }

  /** An accepted badge read: the door unlocks and an `opened` entry records the pseudonym. */
  async badge(badgeId: string): Promise<LockEntry> {
    const entry = await this.append("opened", pseudonym(this.o.periodKey, badgeId));
    this.doorOpenSince = this.o.driver.now();
    this.heldReported = false;
    return entry;
  }

  /** The door sensor changed. */
  async door(open: boolean): Promise<void> {
    if (open) {
      if (this.doorOpenSince === undefined) {
        this.doorOpenSince = this.o.driver.now();
        this.heldReported = false;
      }
      return;
    }
    if (this.doorOpenSince !== undefined) {
      this.doorOpenSince = undefined;
      await this.append("closed");
    }
  }

  /** Called periodically by the driver: the 60-second rule and time-based anchors. */
  async tick(): Promise<void> {
    const now = this.o.driver.now();
    if (this.doorOpenSince !== undefined && !this.heldReported && now - this.doorOpenSince >= HELD_OPEN_MS) {
      this.heldReported = true;
      await this.append("held-open", undefined, { openSinceMs: now - this.doorOpenSince });
    }
    if (now - this.lastAnchorAt >= (this.o.anchorInterval ?? 3_600_000)) {
      await this.anchor(this.sinceAnchor > 0 ? "intermediate" : "heartbeat");
    }
  }

  /** Closes the chain: a `chain-closed` entry and the final anchor. Returns its hash. */
  async decommission(): Promise<string> {
    await this.append("chain-closed");
    await this.anchor("final");
    this.closed = true;
    return this.lastAnchorHash;
  }

  /** Clean stop (the next start records no `recovered` entry). */
  stop(): void {
    this.log.close();
    rmSync(join(this.o.dir, `${this.o.period}.running`), { force: true });
  }

  /** Deletes an expired period's log (its pseudonym key should be destroyed by the caller). */
  static deletePeriod(dir: string, period: string): void {
    rmSync(join(dir, `${period}.log`), { force: true });
    rmSync(join(dir, `${period}.running`), { force: true });
  }
}
