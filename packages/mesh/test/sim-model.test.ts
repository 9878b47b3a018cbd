// The scale model of the gossip simulation gives exactly what simulate() gives on the same
// items, seed, fanout and loss (rounds, messages, bytes), so its figures at N = 10,000 stand for
// the real exchange's.
import { describe, expect, it } from "vitest";
import { entryId } from "../src/entries.js";
import { simulate } from "../src/sim.js";
import { simulateModel } from "../src/sim-model.js";
import { bucketOf, NetworkState } from "../src/state.js";
import { world } from "./fixtures.js";

describe("simulateModel", () => {
  // 60 s: three full in-process simulations of 100 NetworkStates (about 20 s on the shared machine).
  it("matches simulate() exactly: 100 nodes, fanout 3, 5% loss, three seeds", async () => {
    const N = 100;
    const w = await world(N);
    const settings = w.settings();
    const hosts = w.nodes.map((n, i) => w.host(n, `fdcc::${(i + 1).toString(16)}`));
    const entries = [settings, ...hosts];
    const items = entries.map((e) => ({
      bucket: bucketOf(entryId(e)),
      bytes: Buffer.byteLength(JSON.stringify(e)),
    }));
    for (const seed of [1, 2, 3]) {
      const states = hosts.map((h) => {
        const s = new NetworkState(w.admin.key);
        s.ingest([settings, h]);
        return s;
      });
      const real = simulate(states, { fanout: 3, loss: 0.05, seed, maxRounds: 100 });
      const model = simulateModel(
        items,
        hosts.map((_, i) => [0, i + 1]),
        { fanout: 3, loss: 0.05, seed, maxRounds: 100, network: w.admin.key },
      );
      expect(real.rounds).toBeGreaterThan(0);
      expect(model).toEqual(real);
    }
  }, 60_000);
});
