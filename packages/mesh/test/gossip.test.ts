// An in-process network of 100 nodes with message loss and a partition converges.
import { describe, expect, it } from "vitest";
import { simulate } from "../src/sim.js";
import { NetworkState } from "../src/state.js";
import { digest } from "../src/sync.js";
import { dnsLines } from "../src/views.js";
import { T0, world } from "./fixtures.js";

describe("gossip convergence", () => {
  // 120 s, not the default 30 s: 100 in-process nodes gossip round by round, each merge verifying
  // signatures in WASM; tens of seconds on a loaded 2-core machine.
  it("100 nodes, 10% loss, a 5-round partition: all digests equal after healing", async () => {
    const w = await world(100);
    const settings = w.settings();
    const nodes = w.nodes.map((n, i) => {
      const s = new NetworkState(w.admin.key);
      s.ingest([settings, w.host(n, `fdcc::${(i + 1).toString(16)}`), w.claim(n, `host-${i}`)]);
      return s;
    });
    const r = simulate(nodes, {
      fanout: 3,
      loss: 0.1,
      seed: 42,
      partitionRounds: 5,
      attestors: [{ index: 0, publicKey: w.attestor.key, secretKey: w.attestor.kp.secretKey }],
      now: T0 + 1000,
    });
    console.log(
      `[gossip] 100 nodes converged ${r.rounds} rounds after the partition healed (${r.messages} messages)`,
    );
    expect(r.rounds).toBeGreaterThan(0);
    const root = digest(nodes[0]!).root;
    expect(nodes.every((s) => digest(s).root === root)).toBe(true);
    expect(dnsLines(nodes[57]!, T0 + 2000).length).toBe(100);
  }, 120_000);
});
