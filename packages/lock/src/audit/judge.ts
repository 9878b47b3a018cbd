// The auditor's judgement of accepted entries, in sequence order per chain: device signatures
// (one verifyBatch call per device key, so each call holds one door's entries), signature
// compaction (one signature per segment where the links are intact, entry by entry where they
// are not), and the findings an entry's genuineness leads to — altered, backdated, unproven,
// clock-skew, and the culprit of a broken link.
import type { Genuineness, Item } from "./chain-state.js";
import { verifyDeviceSignatures } from "./signatures.js";

export class Judge {
  constructor(private readonly o: { compaction?: boolean }) {}

  /**
   * Device-signature verdicts of items, undefined where nothing can be checked: one verifyBatch
   * call per device key, so each call holds one door's entries (same-key batches are cheaper).
   */
  private check(items: readonly Item[]): (boolean | undefined)[] {
    const out = new Array<boolean | undefined>(items.length).fill(undefined);
    const groups = new Map<string, number[]>();
    items.forEach((i, k) => {
      const key = i.s.deviceKey;
      if (i.bad || !key) return;
      const g = groups.get(key);
      if (g) g.push(k);
      else groups.set(key, [k]);
    });
    for (const [key, ks] of groups) {
      const verdicts = verifyDeviceSignatures(
        ks.map((k) => ({ entry: items[k]!.entry, hash: items[k]!.hash, key })),
      );
      ks.forEach((k, j) => {
        out[k] = verdicts[j];
      });
    }
    return out;
  }

  private genuine(item: Item, verdict: boolean | undefined): Genuineness {
    if (item.bad) return "invalid";
    if (!item.s.deviceKey || verdict === undefined) return "unknown";
    if (this.o.compaction && item.entry.signatures === undefined) return "unsigned";
    return verdict ? "valid" : "invalid";
  }

  verify(accepted: Item[], closed: Item[][]): void {
    if (!this.o.compaction) {
      const reports = this.check(accepted);
      accepted.forEach((item, k) => {
        this.finalize(item, this.genuine(item, reports[k]));
      });
      return;
    }
    // Signature compaction: one signature per segment (its newest entry) and the hash links.
    const heads = closed.map((seg) => seg.at(-1)!);
    const reports = this.check(heads);
    const full: Item[] = [];
    const good = closed.map((seg, k) => {
      // `broken` covers every broken link in the segment (accept() sets it).
      const ok =
        !(seg as Item[] & { broken?: boolean }).broken && this.genuine(heads[k]!, reports[k]) === "valid";
      if (!ok) full.push(...seg);
      return ok;
    });
    const fullReports = this.check(full);
    const verdicts = new Map<Item, Genuineness>();
    full.forEach((item, k) => {
      verdicts.set(item, this.genuine(item, fullReports[k]));
    });
    closed.forEach((seg, k) => {
      if (good[k]) {
        for (const item of seg) this.finalize(item, "proven");
        return;
      }
      // Entry by entry; an entry without a signature (a compacted archive) is proven when an
      // unbroken run of links leads from it to a valid signature later in the segment.
      const g = seg.map((item) => verdicts.get(item) ?? "unknown");
      let proven = false;
      for (let i = seg.length - 1; i >= 0; i--) {
        const item = seg[i]!;
        if (g[i] === "valid") proven = true;
        else if (g[i] === "invalid") proven = false;
        else if (g[i] === "unsigned") g[i] = proven ? "proven" : "unproven";
        if (item.linkBroken || item.bad) proven = false;
      }
      seg.forEach((item, i) => {
        this.finalize(item, g[i]!);
      });
    });
  }

  /** Judges one accepted entry, in sequence order per chain, once its genuineness is known. */
  private finalize(item: Item, g: Genuineness): void {
    const { s, entry: e } = item;
    if (item.bad) {
      if (!s.forks.has(e.seq)) s.findings.add("altered", e.seq, e.seq, item.bad);
    } else if (g === "invalid") {
      if (!s.forks.has(e.seq)) {
        const signedAt = s.deviceKey ? e.signatures?.[s.deviceKey]?.signed_at : undefined;
        const before = s.anchorTimeBefore(e.seq);
        let ref = before; // RFC 3339 strings of one format compare in time order
        if (s.lastGoodTime > ref) ref = s.lastGoodTime;
        if ((typeof signedAt === "string" && e.time < signedAt) || (ref !== "" && e.time < ref))
          s.findings.add("backdated", e.seq, e.seq, "its time was moved earlier than the device wrote it");
        else
          s.findings.add(
            "altered",
            e.seq,
            e.seq,
            e.signatures ? "the device signature does not verify" : "no device signature",
          );
      }
    } else if (g === "unproven") {
      s.findings.add(
        "unproven",
        e.seq,
        e.seq,
        "no signature, and no intact links to one (a compacted archive with a break)",
      );
    } else if (g === "valid" || g === "proven") {
      const before = s.anchorTimeBefore(e.seq);
      if ((s.lastGoodTime !== "" && e.time < s.lastGoodTime) || (before !== "" && e.time < before))
        s.findings.add("clock-skew", e.seq, e.seq, "the device clock went back");
      if (e.time > s.lastGoodTime) s.lastGoodTime = e.time;
    }
    if (item.linkBroken && e.seq > 0) {
      const prev = e.seq - 1;
      if (s.forks.get(prev)?.has(e.prev)) {
        // The accepted copy of prev was the fake side of a fork, already reported.
      } else if (g === "invalid" && s.prevGenuine !== "invalid") {
        // This entry's own link was edited; it is reported itself.
      } else if (s.prevGenuine === "invalid") {
        // prev is reported already.
      } else if (s.prevGenuine === "unproven") {
        s.findings.remove("unproven", prev);
        s.findings.add("altered", prev, prev, "its hash does not match the next entry's link");
      } else if (s.prevGenuine === "valid" && g === "valid") {
        s.findings.add(
          "forked",
          prev,
          prev,
          "the next entry links to a different entry with this sequence number",
        );
      } else {
        s.findings.add("altered", prev, prev, "its hash does not match the next entry's link");
      }
    }
    s.prevGenuine = g;
  }
}
