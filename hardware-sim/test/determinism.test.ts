// Same seed → the same ground truth and the same verdicts; another seed → another truth.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type FleetOptions, runFleet } from "../src/index.js";
import { type Collector, startCollector } from "./helpers.js";

const options = (seed: number, collector: string): FleetOptions => ({
  seed,
  locks: 4,
  days: 2,
  collector,
  faults: { powerCuts: 2, clockJumps: 1, partitions: 1 },
  adversary: [
    { mode: "drop", count: 1 },
    { mode: "alter", count: 1 },
  ],
});

describe("determinism", () => {
  const collectors: Collector[] = [];
  beforeAll(async () => {
    for (const seed of [7, 7, 8]) collectors.push(await startCollector(seed, 4));
  });
  afterAll(async () => {
    for (const c of collectors) await c.close();
  });

  it("same seed: identical truth and verdicts; another seed: another truth", async () => {
    const a = await runFleet(options(7, collectors[0]!.url));
    const b = await runFleet(options(7, collectors[1]!.url));
    expect(a.truth.events.length).toBeGreaterThan(50);
    expect(a.truth.faults.length).toBe(4);
    expect(b.truth).toEqual(a.truth);
    expect(b.verdicts).toEqual(a.verdicts);
    expect(b.exported).toEqual(a.exported);
    const c = await runFleet(options(8, collectors[2]!.url));
    expect(c.truth.events).not.toEqual(a.truth.events);
  });
});
