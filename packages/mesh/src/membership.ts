// Membership and failure detection (SWIM-like), with the clock, randomness and transport
// injected so every transition can be tested on virtual time:
//   - a round contacts up to `fanout` members at random among the alive and suspect ones and the
//     dead ones whose backoff has passed;
//   - a direct probe (ping), else an indirect probe through up to two other alive members (a
//     failing link is not a dead peer: the member stays alive, but is not synced with directly);
//   - a failed round makes an alive member suspect; suspect for `suspicionMs` makes it dead;
//     every failure pushes its next try back by intervalMs·2^failures, capped at maxBackoffMs;
//   - one good probe brings a suspect or dead member back (rejoin).
// Members are keyed by node key when the node is known by key (from a host record): an address
// claimed by several keys gives one member per key, each proven by the reachability challenge
// at that address, so an impostor's record never makes the real node suspect or dead. A
// configured bootstrap peer is known by URL only (`url:<url>`) and trusted without a challenge
// (the operator named it) until a keyed member proves its key at that address; then the keyed
// member replaces it. A record that claims the address but cannot prove it (an impostor's)
// changes nothing for the configured peer, and is reported (impostors()).
// Isolation: a node with no live member goes back to its configured peers (resurrect(): they
// are tried again at once, even where a keyed member had replaced them); the node calls it with
// backoff until a member answers again.

export type Health = "alive" | "suspect" | "dead";

export interface PingAnswer {
  node: string;
  attestor?: string;
  networks: string[];
}

export interface MembershipTransport {
  /** Direct probe: the peer's ping answer; rejects when it cannot be reached. */
  ping(url: string): Promise<PingAnswer>;
  /** Indirect probe: asks `helper` to probe `target`; true when the helper reached it. */
  pingVia(helper: string, target: string): Promise<boolean>;
  /** Reachability challenge: true when the peer at `url` proves that it holds `key`. */
  challenge(url: string, key: string): Promise<boolean>;
}

type LogFn = (level: "info" | "warn", msg: string, fields: Record<string, unknown>) => void;

export interface MembershipOptions {
  /** This node's own URL and key (never members). */
  self: string;
  selfKey: string;
  /** The gossip interval: the unit of backoff. */
  intervalMs: number;
  /** How long a member stays suspect before it is declared dead (default 3 intervals). */
  suspicionMs?: number;
  /** Backoff cap (default 60 s). */
  maxBackoffMs?: number;
  /** Helpers asked for an indirect probe (default 2). */
  indirectProbes?: number;
  now: () => number;
  /** Uniform in [0, 1). */
  random: () => number;
  transport: MembershipTransport;
  log?: LogFn;
}

export interface Member {
  /** The node key, or `url:<url>` for a configured peer not known by key. */
  readonly id: string;
  /** The node key a host record names (a configured peer has none: it is trusted by URL). */
  readonly key: string | undefined;
  /** The address in use, and all the addresses of the member's host record. */
  url: string;
  urls: string[];
  health: Health;
  failures: number;
  /** A dead member is tried again from this time on (epoch ms). */
  retryAt: number;
  suspectSince: number;
  /** A keyed member answered the reachability challenge at `url`. */
  verified: boolean;
  /** Challenges failed at the current address (an impostor, or a moved node). */
  challengeFailures: number;
  /** From the last direct probe: the key the peer says it has, and its attestor key. */
  node?: string;
  attestor?: string;
  lastSeen?: number;
}

/** The outcome of contacting a member: reached directly, only through a helper, or not usable. */
export type Contact = "direct" | "indirect" | false;

export class Membership {
  private readonly members = new Map<string, Member>();

  constructor(private readonly o: MembershipOptions) {}

  private get suspicionMs(): number {
    return this.o.suspicionMs ?? 3 * this.o.intervalMs;
  }

  private log(level: "info" | "warn", msg: string, fields: Record<string, unknown>): void {
    this.o.log?.(level, msg, fields);
  }

  private fresh(id: string, key: string | undefined, urls: string[]): Member {
    return {
      id,
      key,
      url: urls[0]!,
      urls,
      health: "alive",
      failures: 0,
      retryAt: 0,
      suspectSince: 0,
      verified: false,
      challengeFailures: 0,
    };
  }

  /**
   * A configured bootstrap peer (ignored when it is this node or a keyed member has proven its
   * key at that address). `again`: tried at once, even where a keyed member replaced it (a node
   * with no live member going back to its bootstrap peers).
   */
  configure(url: string, again = false): void {
    const u = normalize(url);
    if (u === this.o.self) return;
    if (!again && this.byUrl(u).some((m) => m.key !== undefined && m.verified)) return;
    const id = `url:${u}`;
    const m = this.members.get(id);
    if (!m) this.members.set(id, this.fresh(id, undefined, [u]));
    else if (again) m.retryAt = 0;
  }

  /** No member is alive (every one is suspect or dead, or there is none). */
  isolated(): boolean {
    for (const m of this.members.values()) if (m.health === "alive") return false;
    return true;
  }

  /**
   * Keyed members whose challenge failed at an address: someone else answers there (an
   * impostor's record, or a node that moved). `answeredBy`: the key the peer there gave.
   */
  impostors(): { key: string; url: string; failures: number; answeredBy?: string }[] {
    const out: { key: string; url: string; failures: number; answeredBy?: string }[] = [];
    for (const m of this.members.values())
      if (m.key !== undefined && m.challengeFailures > 0 && !m.verified)
        out.push({
          key: m.key,
          url: m.url,
          failures: m.challengeFailures,
          ...(m.node !== undefined && m.node !== m.key ? { answeredBy: m.node } : {}),
        });
    return out;
  }

  /** The addresses a host record of `key` publishes (the union over its networks). */
  fromRecord(key: string, addresses: readonly string[]): void {
    if (key === this.o.selfKey) return;
    const urls = [...new Set(addresses.map(normalize))].filter((u) => u !== this.o.self);
    if (urls.length === 0) return;
    // A configured peer at these addresses stays until this member proves the key there.
    const m = this.members.get(key);
    if (!m) {
      this.members.set(key, this.fresh(key, key, urls));
      return;
    }
    m.urls = urls;
    if (!urls.includes(m.url)) {
      m.url = urls[0]!;
      m.verified = false;
      m.challengeFailures = 0;
    }
  }

  get(id: string): Member | undefined {
    return this.members.get(id);
  }

  /** Members with `url` among their addresses. */
  byUrl(url: string): Member[] {
    const u = normalize(url);
    return [...this.members.values()].filter((m) => m.urls.includes(u));
  }

  list(): Member[] {
    return [...this.members.values()];
  }

  /** Up to `fanout` members for this round, at random: not dead, or dead with backoff passed. */
  pick(fanout: number): Member[] {
    const now = this.o.now();
    const candidates = this.list().filter((m) => m.health !== "dead" || m.retryAt <= now);
    this.shuffle(candidates);
    return candidates.slice(0, fanout);
  }

  /** A member may be synced with: configured, or proven to hold its key at its address. */
  trusted(m: Member): boolean {
    return m.key === undefined || m.verified;
  }

  /**
   * Probes a member (directly, then through helpers) and, for a keyed member not yet proven at
   * its address, challenges it. Updates its health; says how it was reached.
   */
  async contact(m: Member): Promise<Contact> {
    let answer: PingAnswer | undefined;
    try {
      answer = await this.o.transport.ping(m.url);
    } catch {
      answer = undefined;
    }
    if (!answer) {
      if (await this.indirect(m)) {
        this.alive(m);
        return "indirect";
      }
      this.failed(m, "probe failed");
      return false;
    }
    this.alive(m, answer);
    // The peer at a keyed address says it is another node: the address changed hands.
    if (m.key !== undefined && m.verified && answer.node !== m.key) m.verified = false;
    if (m.key !== undefined && !m.verified) {
      const proven = await this.o.transport.challenge(m.url, m.key).catch(() => false);
      if (!proven) {
        this.refused(m);
        return false;
      }
      m.verified = true;
      m.challengeFailures = 0;
      this.log("info", "peer verified", { peer: m.url, node: m.key });
      // The address is proven to be this key's: a configured peer there is this member now.
      this.members.delete(`url:${m.url}`);
    }
    return "direct";
  }

  /** Asks up to `indirectProbes` other alive members to probe `m`. */
  private async indirect(m: Member): Promise<boolean> {
    const helpers = this.list().filter(
      (h) => h !== m && h.health === "alive" && this.trusted(h) && h.url !== m.url,
    );
    this.shuffle(helpers);
    for (const h of helpers.slice(0, this.o.indirectProbes ?? 2)) {
      if (await this.o.transport.pingVia(h.url, m.url).catch(() => false)) return true;
    }
    return false;
  }

  private alive(m: Member, answer?: PingAnswer): void {
    if (m.health !== "alive") this.log("info", "peer alive", { peer: m.url, was: m.health });
    m.health = "alive";
    m.failures = 0;
    m.retryAt = 0;
    m.lastSeen = this.o.now();
    if (answer) {
      m.node = answer.node;
      m.attestor = typeof answer.attestor === "string" ? answer.attestor : undefined;
    }
  }

  private backoff(m: Member): number {
    return Math.min(this.o.maxBackoffMs ?? 60_000, this.o.intervalMs * 2 ** Math.min(m.failures, 16));
  }

  /** The challenge failed: whoever answers at this address does not hold the member's key. */
  private refused(m: Member): void {
    m.failures++;
    m.challengeFailures++;
    m.health = "dead";
    m.retryAt = this.o.now() + this.backoff(m);
    this.log("warn", "reachability challenge failed", { peer: m.url, claimedBy: m.key });
    this.rotate(m);
  }

  /** A failed probe or sync: suspect on the first, dead once suspect for suspicionMs; backoff. */
  failed(m: Member, error: string): void {
    const now = this.o.now();
    m.failures++;
    if (m.health === "alive") {
      m.health = "suspect";
      m.suspectSince = now;
    } else if (m.health === "suspect" && now - m.suspectSince >= this.suspicionMs) m.health = "dead";
    m.retryAt = now + this.backoff(m);
    this.log("warn", "peer unreachable", { peer: m.url, health: m.health, failures: m.failures, error });
    this.rotate(m);
  }

  /** A member with several addresses tries the next one after a failure. */
  private rotate(m: Member): void {
    if (m.urls.length < 2) return;
    m.url = m.urls[(m.urls.indexOf(m.url) + 1) % m.urls.length]!;
    m.verified = false;
  }

  /**
   * Attestor keys named in the ping answers of members not declared dead and trusted (a
   * configured peer, or a keyed member proven at its address): an impostor's record never
   * counts, whatever the peer at its address answers.
   */
  attestors(): Set<string> {
    const out = new Set<string>();
    for (const m of this.members.values())
      if (m.health !== "dead" && this.trusted(m) && m.attestor !== undefined) out.add(m.attestor);
    return out;
  }

  private shuffle<T>(a: T[]): void {
    for (let i = a.length - 1; i > 0; i--) {
      const j = Math.floor(this.o.random() * (i + 1));
      [a[i], a[j]] = [a[j]!, a[i]!];
    }
  }
}

/** A peer base URL without a trailing slash. */
function normalize(url: string): string {
  return url.replace(/\/+$/, "");
}
