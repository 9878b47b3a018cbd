// Membership on virtual time with a scripted transport: every transition of the failure
// detector asserted (alive → suspect → dead, indirect-probe rescue, backoff growth and cap,
// rejoin on the first good probe), and members keyed by node key (an impostor's record for
// another node's address never harms the real node).
import { describe, expect, it } from "vitest";
import { type Member, Membership, type MembershipTransport, type PingAnswer } from "../src/membership.js";

const INTERVAL = 1000;

/** A network of URLs whose behaviour the test sets: who answers pings, as which key, via whom. */
class World implements MembershipTransport {
  up = new Map<string, string>(); // url → the key of the node answering there
  /** Links that fail directly but work through helpers: target url → helper urls that reach it. */
  via = new Map<string, Set<string>>();
  calls: string[] = [];
  async ping(url: string): Promise<PingAnswer> {
    this.calls.push(`ping ${url}`);
    const node = this.up.get(url);
    if (node === undefined) throw new Error("unreachable");
    return { node, networks: [], ...(node.startsWith("attestor") ? { attestor: node } : {}) };
  }
  async pingVia(helper: string, target: string): Promise<boolean> {
    this.calls.push(`via ${helper} ${target}`);
    return this.via.get(target)?.has(helper) === true;
  }
  async challenge(url: string, key: string): Promise<boolean> {
    this.calls.push(`challenge ${url} ${key}`);
    return this.up.get(url) === key;
  }
}

function setup(o: { suspicionMs?: number; maxBackoffMs?: number } = {}) {
  const world = new World();
  let t = 1_000_000;
  let seed = 7;
  const m = new Membership({
    self: "http://self:1",
    selfKey: "self-key",
    intervalMs: INTERVAL,
    ...o,
    now: () => t,
    random: () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    },
    transport: world,
  });
  return {
    world,
    m,
    advance: (ms: number) => {
      t += ms;
    },
    now: () => t,
  };
}

const snapshot = (x: Member) => ({ health: x.health, failures: x.failures });

describe("failure detection", () => {
  it("alive → suspect on the first failed round → dead once suspect for suspicionMs", async () => {
    const { world, m, advance, now } = setup();
    m.configure("http://a:1");
    const a = m.get("url:http://a:1")!;
    expect(snapshot(a)).toEqual({ health: "alive", failures: 0 });
    expect(await m.contact(a)).toBe(false);
    expect(snapshot(a)).toEqual({ health: "suspect", failures: 1 });
    expect(a.suspectSince).toBe(now());
    advance(INTERVAL);
    await m.contact(a);
    expect(snapshot(a)).toEqual({ health: "suspect", failures: 2 });
    advance(INTERVAL);
    await m.contact(a);
    expect(a.health).toBe("suspect"); // 2 intervals < 3
    advance(INTERVAL);
    await m.contact(a);
    expect(snapshot(a)).toEqual({ health: "dead", failures: 4 });
    expect(world.calls.filter((c) => c.startsWith("ping")).length).toBe(4);
  });

  it("an indirect probe through another member rescues a peer whose direct link fails", async () => {
    const { world, m } = setup();
    m.configure("http://a:1");
    m.configure("http://b:1");
    world.up.set("http://b:1", "b-key");
    world.via.set("http://a:1", new Set(["http://b:1"]));
    const a = m.get("url:http://a:1")!;
    expect(await m.contact(a)).toBe("indirect");
    expect(snapshot(a)).toEqual({ health: "alive", failures: 0 });
    expect(world.calls).toContain("via http://b:1 http://a:1");
    // a suspect peer is brought back the same way
    world.via.clear();
    await m.contact(a);
    expect(a.health).toBe("suspect");
    world.via.set("http://a:1", new Set(["http://b:1"]));
    expect(await m.contact(a)).toBe("indirect");
    expect(a.health).toBe("alive");
    // helpers are only alive members: a dead b is not asked
    const b = m.get("url:http://b:1")!;
    b.health = "dead";
    world.calls.length = 0;
    expect(await m.contact(a)).toBe(false);
    expect(world.calls.some((c) => c.startsWith("via"))).toBe(false);
  });

  it("backoff doubles with each failure up to the cap; a dead member is not picked before it", async () => {
    const { m, advance, now } = setup({ suspicionMs: 0, maxBackoffMs: 20_000 });
    m.configure("http://a:1");
    const a = m.get("url:http://a:1")!;
    const waits: number[] = [];
    for (let i = 0; i < 7; i++) {
      await m.contact(a);
      waits.push(a.retryAt - now());
      expect(m.pick(3)).toEqual(a.health === "dead" ? [] : [a]);
      advance(a.retryAt - now());
      expect(m.pick(3)).toEqual([a]);
    }
    expect(waits).toEqual([2000, 4000, 8000, 16_000, 20_000, 20_000, 20_000]);
    expect(a.health).toBe("dead");
  });

  it("one good probe brings a dead member back (rejoin)", async () => {
    const { world, m, advance, now } = setup({ suspicionMs: 0 });
    m.configure("http://a:1");
    const a = m.get("url:http://a:1")!;
    await m.contact(a);
    await m.contact(a);
    expect(a.health).toBe("dead");
    advance(a.retryAt - now());
    world.up.set("http://a:1", "attestor-a");
    expect(await m.contact(a)).toBe("direct");
    expect(a).toMatchObject({
      health: "alive",
      failures: 0,
      retryAt: 0,
      node: "attestor-a",
      lastSeen: now(),
    });
    expect([...m.attestors()]).toEqual(["attestor-a"]);
  });

  it("picks at most fanout members, never itself", () => {
    const { m } = setup();
    for (let i = 0; i < 10; i++) m.configure(`http://p${i}:1`);
    m.configure("http://self:1");
    m.fromRecord("self-key", ["http://self:1"]);
    const round = m.pick(3);
    expect(round.length).toBe(3);
    expect(new Set(round.map((x) => x.id)).size).toBe(3);
    expect(m.list().some((x) => x.url === "http://self:1")).toBe(false);
  });
});

describe("members keyed by node key", () => {
  it("a record's member must answer the challenge at its address before it is trusted", async () => {
    const { world, m } = setup();
    m.fromRecord("k1", ["http://n1:1"]);
    world.up.set("http://n1:1", "k1");
    const n1 = m.get("k1")!;
    expect(m.trusted(n1)).toBe(false);
    expect(await m.contact(n1)).toBe("direct");
    expect(n1.verified).toBe(true);
    expect(m.trusted(n1)).toBe(true);
    expect(world.calls).toContain("challenge http://n1:1 k1");
    // proven once per address: no second challenge
    world.calls.length = 0;
    await m.contact(n1);
    expect(world.calls.some((c) => c.startsWith("challenge"))).toBe(false);
  });

  it("an impostor's record for another node's address: the impostor is dead, the real node alive", async () => {
    const { world, m, advance } = setup();
    world.up.set("http://n1:1", "k1");
    m.fromRecord("k1", ["http://n1:1"]);
    m.fromRecord("impostor", ["http://n1:1"]);
    expect(
      m
        .byUrl("http://n1:1")
        .map((x) => x.id)
        .sort(),
    ).toEqual(["impostor", "k1"]);
    for (let round = 0; round < 5; round++) {
      for (const x of m.list()) await m.contact(x);
      advance(60_000);
    }
    expect(m.get("k1")).toMatchObject({ health: "alive", verified: true, failures: 0 });
    expect(m.get("impostor")).toMatchObject({ health: "dead", verified: false, challengeFailures: 5 });
    expect(m.trusted(m.get("impostor")!)).toBe(false);
  });

  it("a configured peer stays trusted by URL until a keyed member proves its key at that address", async () => {
    const { world, m } = setup();
    world.up.set("http://boot:1", "attestor-b");
    m.configure("http://boot:1");
    const boot = m.get("url:http://boot:1")!;
    expect(await m.contact(boot)).toBe("direct");
    expect(m.trusted(boot)).toBe(true);
    // an impostor's record for the address changes nothing for the configured peer
    m.fromRecord("impostor", ["http://boot:1"]);
    expect(await m.contact(m.get("impostor")!)).toBe(false);
    expect(m.get("url:http://boot:1")).toMatchObject({ health: "alive", attestor: "attestor-b" });
    expect([...m.attestors()]).toEqual(["attestor-b"]);
    expect(m.impostors()).toEqual([
      { key: "impostor", url: "http://boot:1", failures: 1, answeredBy: "attestor-b" },
    ]);
    // the real key proves itself there: its member replaces the configured one
    m.fromRecord("attestor-b", ["http://boot:1"]);
    const keyed = m.get("attestor-b")!;
    expect(keyed.verified).toBe(false);
    expect(await m.contact(keyed)).toBe("direct");
    expect(keyed.verified).toBe(true);
    expect(m.get("url:http://boot:1")).toBeUndefined();
    // configuring the address again does not add a second member for it
    m.configure("http://boot:1");
    expect(m.get("url:http://boot:1")).toBeUndefined();
    expect(
      m
        .list()
        .map((x) => x.id)
        .sort(),
    ).toEqual(["attestor-b", "impostor"]);
    // ... unless the node goes back to its bootstrap peers (resurrection)
    m.configure("http://boot:1", true);
    expect(m.get("url:http://boot:1")).toMatchObject({ retryAt: 0 });
  });

  it("isolated() while no member is alive", async () => {
    const { world, m, advance } = setup({ suspicionMs: 0 });
    expect(m.isolated()).toBe(true);
    m.configure("http://a:1");
    world.up.set("http://a:1", "k-a");
    expect(m.isolated()).toBe(false); // a new member is presumed alive
    world.up.delete("http://a:1");
    await m.contact(m.get("url:http://a:1")!);
    expect(m.isolated()).toBe(true);
    advance(10_000);
    world.up.set("http://a:1", "k-a");
    await m.contact(m.get("url:http://a:1")!);
    expect(m.isolated()).toBe(false);
  });

  it("a proven address that changes hands is challenged again", async () => {
    const { world, m } = setup();
    world.up.set("http://n1:1", "k1");
    m.fromRecord("k1", ["http://n1:1"]);
    const n1 = m.get("k1")!;
    await m.contact(n1);
    expect(n1.verified).toBe(true);
    world.up.set("http://n1:1", "someone-else");
    expect(await m.contact(n1)).toBe(false);
    expect(n1).toMatchObject({ verified: false, health: "dead" });
  });

  it("a member with several addresses tries the next one after a failure", async () => {
    const { world, m } = setup();
    world.up.set("http://[::1]:1", "k1");
    m.fromRecord("k1", ["http://n1:1", "http://[::1]:1"]);
    const n1 = m.get("k1")!;
    expect(n1.url).toBe("http://n1:1");
    expect(await m.contact(n1)).toBe(false);
    expect(n1.url).toBe("http://[::1]:1");
    expect(await m.contact(n1)).toBe("direct");
    expect(n1).toMatchObject({ health: "alive", verified: true });
  });
});
