// Retention reaches the collector whatever the order of start, attach, crash and restart: the
// expiry is queued durably on the device (its signed `expired` anchor in anchors.log), a chain's
// remaining entries (its chain-closed included) go before its expiry, and the device deletes the
// chain's log only once the collector acknowledged the expiry. A fake collector (an injected
// fetch) records the order of what it receives and deletes expired chains as the real one does.
import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { audit } from "../src/audit/auditor.js";
import type { LockEntry } from "../src/entry.js";
import { Uplink } from "../src/uplink.js";
import { makeLock, VirtualClock } from "./helpers.js";

class FakeCollector {
  readonly chains = new Map<string, LockEntry[]>();
  /** What arrived, in order: entries as [chain, seq, event], expiries as [chain, "expire"]. */
  readonly ops: ([string, number, string] | [string, "expire"])[] = [];
  down = false;
  fetch = (async (url: string | URL, init?: RequestInit) => {
    if (this.down) throw new TypeError("fetch failed: connect ECONNREFUSED");
    const u = new URL(String(url));
    if (u.pathname === "/v1/chains") {
      const chain = u.searchParams.get("chain")!;
      const list = this.chains.get(chain) ?? [];
      return new Response(JSON.stringify(list.length ? [{ chain, seq: list.length - 1 }] : []));
    }
    if (u.pathname === "/v1/expire") {
      const chain = String(init!.body).split("\n")[0]!.slice("chronoseal-lock/".length);
      this.ops.push([chain, "expire"]);
      this.chains.delete(chain);
      return new Response(JSON.stringify({ chain }));
    }
    for (const e of JSON.parse(String(init!.body)) as LockEntry[]) {
      const list = this.chains.get(e.chain) ?? [];
      if (e.seq < list.length) continue;
      if (e.seq !== list.length) return new Response('{"code":"ERR_UNCHAINED"}', { status: 409 });
      list.push(e);
      this.chains.set(e.chain, list);
      this.ops.push([e.chain, e.seq, e.event]);
    }
    return new Response("{}");
  }) as typeof fetch;

  entries(): LockEntry[] {
    return [...this.chains.values()].flat();
  }
}

const OLD = "door-17/2025-01";

type Scenario = (s: {
  c: FakeCollector;
  /** Boots the device (again) with this pinned period; an earlier agent left running is a power cut. */
  lockAt: (period: string) => Promise<Awaited<ReturnType<typeof makeLock>>>;
  uplink: () => Uplink;
}) => Promise<Uplink>;

/** January's lock sends part of its log; how February's start, attach and crashes go varies. */
const scenarios: [string, Scenario][] = [
  [
    "uplink made before the start that expires, attached after it (the app's order)",
    async ({ lockAt, uplink }) => {
      const up = uplink();
      const feb = await lockAt("2025-02");
      up.attach(feb.agent);
      return up;
    },
  ],
  [
    "uplink made and attached only after that start",
    async ({ lockAt, uplink }) => {
      const feb = await lockAt("2025-02");
      const up = uplink();
      up.attach(feb.agent);
      return up;
    },
  ],
  [
    "the expiring start crashes before anything is sent; the next start delivers",
    async ({ c, lockAt, uplink }) => {
      c.down = true;
      const first = uplink();
      const feb = await lockAt("2025-02");
      first.attach(feb.agent);
      expect((await first.flush()).error).toMatch(/unreachable/);
      c.down = false;
      // power cut: no stop; the device boots again
      const up = uplink();
      const again = await lockAt("2025-02");
      up.attach(again.agent);
      return up;
    },
  ],
  [
    "rotation and expiry while running and attached, collector down; delivered after a restart",
    async ({ c, lockAt, uplink }) => {
      const up = uplink();
      const jan = await lockAt("2025-01");
      up.attach(jan.agent);
      c.down = true;
      await jan.badge("late");
      await jan.agent.rotate("2025-02");
      expect((await up.flush()).error).toMatch(/unreachable/);
      c.down = false;
      const next = uplink();
      const again = await lockAt("2025-02");
      next.attach(again.agent);
      return next;
    },
  ],
];

describe("retention reaches the collector", () => {
  for (const [name, run] of scenarios)
    it(name, async () => {
      const c = new FakeCollector();
      const jan = await makeLock({ retainPeriods: 1, anchorEvery: 4 });
      const { dir, clock } = jan;
      const uplink = () =>
        new Uplink({ dir, collector: "http://collector", now: clock.now, fetch: c.fetch, backoff: 1 });
      const up0 = uplink();
      up0.attach(jan.agent);
      for (let i = 0; i < 5; i++) await jan.badge(`j${i}`);
      expect(await up0.flush()).toEqual({ sent: 6 });
      await jan.badge("unsent-1");
      await jan.badge("unsent-2"); // written, not yet sent
      await jan.agent.stop();
      const lockAt = async (period: string) => {
        clock.advance(60_000);
        return makeLock({ retainPeriods: 1, anchorEvery: 4, period }, dir, clock);
      };
      const up = await run({ c, lockAt, uplink });
      clock.advance(10);
      const r = await up.flush();
      expect(r.error).toBeUndefined();
      expect(r.expired).toBe(1);
      expect(up.pending).toBe(0);
      // January's remaining entries, chain-closed last, came before its expiry; nothing is left
      const janOps = c.ops.filter(([chain]) => chain === OLD);
      expect(janOps.at(-1)).toEqual([OLD, "expire"]);
      const sent = janOps.slice(0, -1) as [string, number, string][];
      expect(sent.map(([, seq]) => seq)).toEqual(sent.map((_, i) => i));
      expect(sent.at(-1)![2]).toBe("chain-closed");
      expect(c.chains.has(OLD)).toBe(false);
      expect(existsSync(join(dir, "2025-01.log"))).toBe(false);
      const verdicts = await audit(c.entries(), jan.audit());
      expect(verdicts.find((v) => v.chain === OLD)).toMatchObject({ expired: true, verified: true });
      expect(verdicts.every((v) => v.verified)).toBe(true);
      expect(verdicts.flatMap((v) => v.findings.map((f) => f.kind))).not.toContain("dropped");
    });

  it("without an uplink the expired log goes at once; an uplink made later still sends the expiry", async () => {
    const clock = new VirtualClock();
    const jan = await makeLock({ retainPeriods: 1 }, undefined, clock);
    await jan.badge("x");
    await jan.agent.stop();
    clock.advance(60_000);
    const feb = await makeLock({ retainPeriods: 1, period: "2025-02" }, jan.dir, clock);
    expect(existsSync(join(jan.dir, "2025-01.log"))).toBe(false);
    const c = new FakeCollector();
    const up = new Uplink({ dir: jan.dir, collector: "http://c", now: clock.now, fetch: c.fetch });
    expect(await up.flush()).toMatchObject({ expired: 1 });
    expect(c.ops.filter(([chain]) => chain === OLD)).toEqual([[OLD, "expire"]]);
    await feb.agent.stop();
  });

  it("a power cut between the expired anchor and the manifest: no second expired anchor, the expiry still goes", async () => {
    const clock = new VirtualClock();
    const jan = await makeLock({ retainPeriods: 1 }, undefined, clock);
    const c = new FakeCollector();
    new Uplink({ dir: jan.dir, collector: "http://c", now: clock.now, fetch: c.fetch });
    await jan.badge("y");
    await jan.agent.stop();
    clock.advance(60_000);
    // Every version of the manifest written while February's start expires January.
    const manifests: string[] = [];
    const storageObserver = {
      wrote() {},
      synced() {},
      truncated() {},
      removed() {},
      replaced(path: string, bytes: Uint8Array) {
        if (path.endsWith("chains.json")) manifests.push(Buffer.from(bytes).toString("utf8"));
      },
    };
    const feb = await makeLock({ retainPeriods: 1, period: "2025-02", storageObserver }, jan.dir, clock);
    await feb.agent.stop();
    // The disk as a power cut right after the expired anchor leaves it: the manifest before
    // January was marked expired.
    const before = manifests.findLast((m) => {
      const chains = (JSON.parse(m) as { chains: { period: string; status: string }[] }).chains;
      return chains.find((x) => x.period === "2025-01")?.status === "closed";
    })!;
    writeFileSync(join(jan.dir, "chains.json"), before);
    clock.advance(60_000);
    const again = await makeLock({ retainPeriods: 1, period: "2025-02" }, jan.dir, clock);
    expect(again.agent.chains().map((x) => x.status)).toEqual(["expired", "open"]);
    const expired = jan.anchors.notes().filter((n) => n.includes("\nkind expired\n"));
    expect(expired).toHaveLength(1);
    const up = new Uplink({ dir: jan.dir, collector: "http://c", now: clock.now, fetch: c.fetch });
    up.attach(again.agent);
    expect(await up.flush()).toMatchObject({ expired: 1 });
    expect(c.ops.at(-1)).toEqual([OLD, "expire"]);
    const verdicts = await audit(c.entries(), jan.audit());
    expect(verdicts.every((v) => v.verified)).toBe(true);
    await again.agent.stop();
  });
});
