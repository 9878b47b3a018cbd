// Leases on virtual time: a node that runs keeps its names across many TTLs (refresh.ts signs
// renewals at a third of the TTL, the attestor attests them, lease.ts forgets what is no longer
// needed, so the state stays small); a node that stops loses its names one TTL later; a
// conflict's winner keeps the name across renewals and loses it only by stopping; a renewal
// whose `since` is made up, or whose predecessor expired, is never attested.
import { describe, expect, it } from "vitest";
import { type MeshEntry, type Payload, signEntry } from "../src/entries.js";
import { prunable } from "../src/lease.js";
import { refreshDue } from "../src/refresh.js";
import { NetworkState } from "../src/state.js";
import { attestAll } from "../src/sync.js";
import { dnsLines, hostnames } from "../src/views.js";
import { iso, type Node, T0, world } from "./fixtures.js";

const TTL = 60_000;
const w = await world(4);
const attestor = { publicKey: w.attestor.key, secretKey: w.attestor.kp.secretKey };

/** One network state shared by nodes that refresh when `running`, an attestor, and a clock. */
function net() {
  const s = new NetworkState(w.admin.key);
  s.ingest([w.settings({ host_ttl: TTL })]);
  let now = T0;
  const running = new Map<Node, { ip: string; claims: string[] }>();
  const tick = () => {
    for (const [n, o] of running) {
      const due = refreshDue(s, { key: n.key, addresses: [o.ip], port: 7331, claims: o.claims, now });
      s.ingest(due.map((p: Payload) => signEntry(p, n.kp.secretKey, now)));
    }
    attestAll(s, attestor, now);
    s.forget(prunable(s, now));
  };
  return {
    s,
    running,
    tick,
    /** Advances the clock in steps of `step` (a gossip round), ticking each time. */
    run(ms: number, step = 5000) {
      for (let t = 0; t < ms; t += step) {
        now += step;
        tick();
      }
    },
    now: () => now,
  };
}

const owner = (s: NetworkState, now: number, name: string) =>
  hostnames(s, now).active.find((n) => n.hostname === name)?.owner;

describe("leases", () => {
  it("a running node keeps its names across 20 TTLs; the state stays small", () => {
    const n = net();
    const a = w.nodes[0]!;
    n.running.set(a, { ip: "fdcc::1", claims: ["mors", "www"] });
    n.tick();
    const sizes: number[] = [];
    for (let i = 0; i < 20; i++) {
      n.run(TTL);
      expect(dnsLines(n.s, n.now())).toEqual([
        { hostname: "mors.nether", ip: "fdcc::1" },
        { hostname: "www.nether", ip: "fdcc::1" },
      ]);
      sizes.push(n.s.entries.size);
    }
    // settings + at most two host records and two claims per name (a live one and its renewal)
    expect(Math.max(...sizes)).toBeLessThanOrEqual(7);
    // the names kept their first time as their priority
    const mors = hostnames(n.s, n.now()).active.find((x) => x.hostname === "mors")!;
    expect(mors.since).toBe(T0);
  });

  it("a node that stops loses its names one TTL after its last renewal, and they are forgotten", () => {
    const n = net();
    const a = w.nodes[0]!;
    n.running.set(a, { ip: "fdcc::1", claims: ["mors"] });
    n.tick();
    n.run(3 * TTL);
    expect(owner(n.s, n.now(), "mors")).toBe(a.key);
    n.running.delete(a);
    n.run(TTL / 2);
    expect(owner(n.s, n.now(), "mors")).toBe(a.key); // still within its lease
    n.run(TTL);
    expect(owner(n.s, n.now(), "mors")).toBeUndefined();
    expect(dnsLines(n.s, n.now())).toEqual([]);
    expect([...n.s.entries.values()].map((e) => e.kind)).toEqual(["settings"]);
    // a peer that still holds the old entries cannot bring them back
    const old = new NetworkState(w.admin.key);
    old.ingest([w.settings({ host_ttl: TTL }), w.host(a, "fdcc::1"), w.claim(a, "mors")]);
    attestAll(old, attestor, T0);
    n.s.merge(old);
    n.s.forget(prunable(n.s, n.now()));
    expect(owner(n.s, n.now(), "mors")).toBeUndefined();
  });

  it("a conflict's winner keeps the name across renewals; the other takes it only when the winner stops", () => {
    const n = net();
    const [a, b] = [w.nodes[0]!, w.nodes[1]!];
    n.running.set(a, { ip: "fdcc::1", claims: ["mors"] });
    n.tick();
    n.run(5000);
    n.running.set(b, { ip: "fdcc::2", claims: ["mors"] });
    n.tick();
    for (let i = 0; i < 10; i++) {
      n.run(TTL / 2);
      expect(owner(n.s, n.now(), "mors")).toBe(a.key);
    }
    n.running.delete(a);
    n.run(2 * TTL);
    expect(owner(n.s, n.now(), "mors")).toBe(b.key);
    // a comes back: its new claim is later than b's holding, so b keeps the name
    n.running.set(a, { ip: "fdcc::1", claims: ["mors"] });
    n.run(3 * TTL);
    expect(owner(n.s, n.now(), "mors")).toBe(b.key);
  });

  it("a renewal with a made-up since, or after its predecessor expired, is never attested", () => {
    const n = net();
    const [a, b] = [w.nodes[0]!, w.nodes[1]!];
    n.running.set(a, { ip: "fdcc::1", claims: ["mors"] });
    n.tick();
    n.run(10_000);
    const forged = (by: Node, since: number, t: number): MeshEntry =>
      signEntry(
        {
          kind: "claim",
          network: w.admin.key,
          writer: by.key,
          last_updated: iso(t),
          hostname: "mors",
          since: iso(since),
        },
        by.kp.secretKey,
        t,
      );
    // b claims to have held mors since long before a (no claim of b backs it)
    const steal = forged(b, T0 - 86_400_000, n.now());
    n.s.ingest([steal]);
    n.run(TTL / 2);
    expect(owner(n.s, n.now(), "mors")).toBe(a.key);
    expect(n.s.timeOf(`${[...n.s.entries.keys()].find((id) => n.s.entries.get(id) === steal) ?? ""}`)).toBe(
      undefined,
    );
    // a stops; after its lease ran out, a renewal of its old priority is refused too
    n.running.delete(a);
    n.run(2 * TTL);
    const late = forged(a, T0, n.now());
    n.s.ingest([late]);
    n.tick();
    expect(owner(n.s, n.now(), "mors")).toBeUndefined();
    expect(hostnames(n.s, n.now()).pending.map((p) => p.owner)).toContain(a.key);
    // never attested, it is forgotten one TTL after it was signed
    n.run(2 * TTL);
    expect(hostnames(n.s, n.now()).pending).toEqual([]);
  });

  it("a node re-signs its host record when its address changes, and at start only what is missing", () => {
    const n = net();
    const a = w.nodes[0]!;
    const first = refreshDue(n.s, {
      key: a.key,
      addresses: ["fdcc::1"],
      port: 7331,
      claims: ["mors"],
      now: T0,
    });
    expect(first.map((p) => p.kind).sort()).toEqual(["claim", "host"]);
    n.s.ingest(first.map((p) => signEntry(p, a.kp.secretKey, T0)));
    attestAll(n.s, attestor, T0);
    expect(
      refreshDue(n.s, { key: a.key, addresses: ["fdcc::1"], port: 7331, claims: ["mors"], now: T0 + 1 }),
    ).toEqual([]);
    const moved = refreshDue(n.s, {
      key: a.key,
      addresses: ["fdcc::9"],
      port: 7331,
      claims: ["mors"],
      now: T0 + 2,
    });
    expect(moved).toMatchObject([{ kind: "host", addresses: ["fdcc::9"] }]);
  });

  it("a name the admin deleted is not claimed again by its node; a later explicit claim is kept", () => {
    const n = net();
    const a = w.nodes[0]!;
    n.running.set(a, { ip: "fdcc::1", claims: ["mors"] });
    n.tick();
    n.run(10_000);
    const claimId = hostnames(n.s, n.now()).active[0]!.claim!;
    n.s.ingest([
      signEntry(
        {
          kind: "tombstone",
          network: w.admin.key,
          writer: w.admin.key,
          last_updated: iso(n.now()),
          target: claimId,
        },
        w.admin.kp.secretKey,
        n.now(),
      ),
    ]);
    n.run(3 * TTL);
    expect(owner(n.s, n.now(), "mors")).toBeUndefined();
    n.s.ingest([w.claim(a, "mors", n.now() + 1)]);
    n.run(3 * TTL);
    expect(owner(n.s, n.now(), "mors")).toBe(a.key);
  });
});
