// The uplink against a fake collector (an injected fetch): batches, backoff in virtual time, a
// backlog that survives restarts and power cuts (it is the device log), resending from the
// collector's head when it lost entries, and deletion of expired chains.
import { describe, expect, it } from "vitest";
import type { LockEntry } from "../src/entry.js";
import { everyMs } from "../src/periods.js";
import { Uplink } from "../src/uplink.js";
import { makeLock } from "./helpers.js";

class FakeCollector {
  chains = new Map<string, LockEntry[]>();
  down = false;
  requests = 0;
  expired: string[] = [];
  fetch = (async (url: string | URL, init?: RequestInit) => {
    this.requests++;
    if (this.down) throw new TypeError("fetch failed: connect ECONNREFUSED");
    const u = new URL(String(url));
    if (u.pathname === "/v1/chains") {
      const chain = u.searchParams.get("chain")!;
      const list = this.chains.get(chain) ?? [];
      return new Response(JSON.stringify(list.length ? [{ chain, seq: list.length - 1 }] : []));
    }
    if (u.pathname === "/v1/expire") {
      const note = String(init!.body);
      this.expired.push(note.split("\n")[0]!);
      return new Response("{}");
    }
    const batch = JSON.parse(String(init!.body)) as LockEntry[];
    for (const e of batch) {
      const list = this.chains.get(e.chain) ?? [];
      if (e.seq < list.length) continue; // idempotent
      if (e.seq !== list.length)
        return new Response(JSON.stringify({ code: "ERR_UNCHAINED" }), { status: 409 });
      list.push(e);
      this.chains.set(e.chain, list);
    }
    return new Response(JSON.stringify({ accepted: batch.length }));
  }) as typeof fetch;
}

describe("uplink", () => {
  it("backs off while the collector is down, keeps the backlog across a restart, and delivers in order", async () => {
    const c = new FakeCollector();
    const lock = await makeLock();
    const { agent, badge, clock, dir } = lock;
    let up = new Uplink({
      dir,
      collector: "http://collector",
      now: clock.now,
      fetch: c.fetch,
      backoff: 1000,
      batchSize: 3,
    });
    up.attach(agent);
    for (let i = 0; i < 7; i++) await badge(`u${i}`);
    c.down = true;
    expect(await up.flush()).toMatchObject({ sent: 0, error: expect.stringMatching(/unreachable/) });
    expect(up.retryAt).toBe(clock.now() + 1000);
    const before = c.requests;
    expect(await up.flush()).toEqual({ sent: 0 }); // backing off: no request
    expect(c.requests).toBe(before);
    clock.advance(1000);
    expect((await up.flush()).error).toBeDefined();
    expect(up.retryAt).toBe(clock.now() + 2000); // doubled
    // the device restarts (power cut: no clean stop) while the collector is still down
    const again = await makeLock({}, dir, clock);
    up = new Uplink({ dir, collector: "http://collector", now: clock.now, fetch: c.fetch, batchSize: 3 });
    up.attach(again.agent);
    expect(up.pending).toBe(9); // chain-opened, 7 opened, recovered
    c.down = false;
    expect(await up.flush()).toEqual({ sent: 9 });
    expect(c.chains.get("door-17/2025-01")!.map((e) => e.seq)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8]);
    await again.badge("after");
    expect(await up.flush()).toEqual({ sent: 1 });
    expect(new Uplink({ dir, collector: "x", fetch: c.fetch }).pending).toBe(0);
    await again.agent.stop();
  });

  it("resends from the collector's head when the collector lost entries", async () => {
    const c = new FakeCollector();
    const lock = await makeLock();
    const up = new Uplink({
      dir: lock.dir,
      collector: "http://collector",
      now: lock.clock.now,
      fetch: c.fetch,
    });
    up.attach(lock.agent);
    for (let i = 0; i < 5; i++) await lock.badge(`r${i}`);
    expect(await up.flush()).toEqual({ sent: 6 });
    c.chains.set("door-17/2025-01", c.chains.get("door-17/2025-01")!.slice(0, 2)); // restored from an old backup
    await lock.badge("r5");
    expect(await up.flush()).toMatchObject({ sent: 5 });
    expect(c.chains.get("door-17/2025-01")!.map((e) => e.seq)).toEqual([0, 1, 2, 3, 4, 5, 6]);
    await lock.agent.stop();
  });

  it("asks the collector to delete chains past retention", async () => {
    const c = new FakeCollector();
    const DAY = 86_400_000;
    const lock = await makeLock({ period: undefined, periods: everyMs(DAY), retainPeriods: 1 });
    const up = new Uplink({
      dir: lock.dir,
      collector: "http://collector",
      now: lock.clock.now,
      fetch: c.fetch,
    });
    up.attach(lock.agent);
    const first = lock.agent.chain;
    await lock.badge("e1");
    expect(await up.flush()).toEqual({ sent: 2 });
    lock.clock.set(everyMs(DAY).next(lock.clock.now()));
    await lock.agent.tick();
    expect(lock.agent.chains().map((x) => x.status)).toEqual(["expired", "open"]);
    await up.flush();
    expect(c.expired).toEqual([`chronoseal-lock/${first}`]);
    expect(up.pending).toBe(0);
    await lock.agent.stop();
  });
});
