// The adversarial collector: a real HTTP server on loopback in front of the real collector. Locks
// send through it and auditors read through it. Ingest (POST /v1/entries, /v1/expire) and chain
// heads are forwarded untouched — the collector verifies every entry on arrival, so tampering
// there would only be rejected and retried. The attack is on what the auditor reads: on the
// export (GET /v1/entries) the proxy drops, reorders, alters, replays or forks entries according
// to its plan, chooses its targets once (seeded) and applies the same changes to every later
// export, and records every action it takes.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { LockEntry } from "@chronoseal/lock";
import { Rng } from "./prng.js";
import type { AdversaryAction, AdversaryMode } from "./truth.js";

export interface AdversaryPlanItem {
  mode: AdversaryMode;
  /** How many entries (reorder: pairs) to attack. */
  count: number;
  /** Only these doors (default: any door with a long enough chain). */
  doors?: string[];
}

export interface AdversaryOptions {
  /** The real collector's base URL. */
  upstream: string;
  plan: readonly AdversaryPlanItem[];
  seed: number;
}

const key = (chain: string, seq: number) => `${chain}#${seq}`;

export class AdversaryProxy {
  /** Every action taken, in order. */
  readonly actions: AdversaryAction[] = [];
  private server: Server | undefined;
  private chosen = false;
  private readonly rng: Rng;

  constructor(private readonly o: AdversaryOptions) {
    this.rng = new Rng(o.seed).fork("adversary");
  }

  /** Starts listening on 127.0.0.1 (ephemeral port); returns the proxy's base URL. */
  async listen(): Promise<string> {
    const server = createServer((req, res) => {
      this.handle(req, res).catch((e: unknown) => {
        if (!res.headersSent) res.writeHead(502, { "content-type": "application/json" });
        res.end(JSON.stringify({ error: `proxy: ${(e as Error).message}`, code: "ERR_PROXY" }));
      });
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    this.server = server;
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  async close(): Promise<void> {
    const s = this.server;
    this.server = undefined;
    if (s) await new Promise((r) => s.close(r));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const method = req.method ?? "GET";
    const upstream = await fetch(`${this.o.upstream}${req.url ?? "/"}`, {
      method,
      headers: { "content-type": req.headers["content-type"] ?? "application/octet-stream" },
      ...(method === "GET" || method === "HEAD" ? {} : { body: Buffer.concat(chunks) }),
    });
    let text = await upstream.text();
    const path = new URL(req.url ?? "/", "http://proxy").pathname;
    if (method === "GET" && path === "/v1/entries" && upstream.status === 200) {
      const entries = text
        .split("\n")
        .filter((l) => l.length > 0)
        .map((l) => JSON.parse(l) as LockEntry);
      text = this.tamper(entries)
        .map((e) => `${JSON.stringify(e)}\n`)
        .join("");
    }
    res.writeHead(upstream.status, {
      "content-type": upstream.headers.get("content-type") ?? "application/octet-stream",
    });
    res.end(text);
  }

  /** Chooses targets (first export only): one action per target, spread out within chains. */
  private choose(entries: readonly LockEntry[]): void {
    this.chosen = true;
    const chains = new Map<string, { door: string; last: number }>();
    for (const e of entries)
      chains.set(e.chain, { door: e.door, last: Math.max(e.seq, chains.get(e.chain)?.last ?? -1) });
    const taken = new Map<string, number[]>();
    const free = (chain: string, seqs: number[]) =>
      !(taken.get(chain) ?? []).some((t) => seqs.some((s) => Math.abs(s - t) < 4));
    for (const item of this.o.plan) {
      const pool = [...chains].filter(([, c]) => c.last >= 8 && (!item.doors || item.doors.includes(c.door)));
      for (let i = 0; i < item.count && pool.length > 0; i++) {
        for (let attempt = 0; attempt < 50; attempt++) {
          const [chain, c] = this.rng.pick(pool);
          const s = this.rng.between(1, c.last - 3);
          const seqs = item.mode === "reorder" ? [s, s + 1] : [s];
          if (!free(chain, seqs)) continue;
          taken.set(chain, [...(taken.get(chain) ?? []), ...seqs]);
          this.actions.push({
            id: this.actions.length,
            mode: item.mode,
            door: c.door,
            chain,
            seqs,
            detail: "",
          });
          break;
        }
      }
    }
  }

  /** A changed copy of an entry: another user's pseudonym when it names one, else a later time. */
  private change(e: LockEntry, all: readonly LockEntry[]): { entry: LockEntry; detail: string } {
    if (e.user !== undefined) {
      const other = all.find((x) => x.chain === e.chain && x.user !== undefined && x.user !== e.user);
      if (other) return { entry: { ...e, user: other.user! }, detail: "user replaced by another pseudonym" };
    }
    const t = new Date(Date.parse(e.time) + 37_000).toISOString();
    return { entry: { ...e, time: t }, detail: "time moved 37 s later" };
  }

  /** Applies the actions to an export (entries ordered by chain, then seq). */
  tamper(entries: readonly LockEntry[]): LockEntry[] {
    if (!this.chosen) this.choose(entries);
    const byKey = new Map(entries.map((e) => [key(e.chain, e.seq), e]));
    const drop = new Set<string>();
    const replace = new Map<string, LockEntry>();
    const after = new Map<string, LockEntry[]>();
    const swap = new Set<string>();
    for (const a of this.actions) {
      const k = key(a.chain, a.seqs[0]!);
      const e = byKey.get(k);
      if (!e) continue;
      switch (a.mode) {
        case "drop":
          drop.add(k);
          a.detail = `entry ${a.seqs[0]} (${e.event}) left out of the export`;
          break;
        case "alter": {
          const c = this.change(e, entries);
          replace.set(k, c.entry);
          a.detail = `entry ${a.seqs[0]} (${e.event}): ${c.detail}`;
          break;
        }
        case "fork": {
          const c = this.change(e, entries);
          after.set(k, [...(after.get(k) ?? []), c.entry]);
          a.detail = `a second entry ${a.seqs[0]} (${e.event}) next to the genuine one: ${c.detail}`;
          break;
        }
        case "replay": {
          const at = key(a.chain, a.seqs[0]! + 2);
          after.set(at, [...(after.get(at) ?? []), e]);
          a.detail = `entry ${a.seqs[0]} (${e.event}) delivered again after entry ${a.seqs[0]! + 2}`;
          break;
        }
        case "reorder":
          swap.add(k);
          a.detail = `entries ${a.seqs[0]} and ${a.seqs[1]} delivered in swapped order`;
          break;
      }
    }
    const out: LockEntry[] = [];
    let held: LockEntry | undefined;
    for (const e of entries) {
      const k = key(e.chain, e.seq);
      if (drop.has(k)) continue;
      const cur = replace.get(k) ?? e;
      if (swap.has(k)) {
        held = cur;
        continue;
      }
      out.push(cur);
      if (held) {
        out.push(held);
        held = undefined;
      }
      out.push(...(after.get(k) ?? []));
    }
    if (held) out.push(held);
    return out;
  }
}
