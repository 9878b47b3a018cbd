// The bench's CPU clock: the calling thread's own time (Linux schedstat), so the work of other
// threads of the process (V8's concurrent GC, a worker) does not count against the measured code.
import { readFileSync } from "node:fs";
import { Worker } from "node:worker_threads";
import { describe, expect, it } from "vitest";
import { cpuClock, threadCpuMicros } from "../src/harness.js";

function schedstatWorks(): boolean {
  try {
    return Number(readFileSync("/proc/thread-self/schedstat", "latin1").split(" ")[0]) > 0;
  } catch {
    return false;
  }
}

describe("threadCpuMicros", () => {
  it("advances with the thread's own work and never goes back", () => {
    const c0 = threadCpuMicros();
    let x = 0;
    for (let i = 0; i < 20_000_000; i++) x = (x * 31 + i) | 0;
    const c1 = threadCpuMicros();
    expect(x).not.toBe(1); // the loop is not optimised away
    expect(c1).toBeGreaterThan(c0);
    expect(threadCpuMicros()).toBeGreaterThanOrEqual(c1);
  });

  it.runIf(process.platform === "linux" && schedstatWorks())(
    "does not count another thread's work (a worker spinning 150 ms of its own CPU time)",
    async () => {
      expect(cpuClock()).toBe("CPU time of the main thread");
      const p0 = process.cpuUsage();
      const c0 = threadCpuMicros();
      // The worker spins until its own schedstat shows 150 ms, whatever the machine's load.
      const worker = new Worker(
        `const { readFileSync } = require("node:fs");
         const { parentPort } = require("node:worker_threads");
         const t = () => Number(readFileSync("/proc/thread-self/schedstat", "latin1").split(" ")[0]);
         const start = t();
         while (t() - start < 150e6) {}
         parentPort.postMessage("done");`,
        { eval: true },
      );
      await new Promise((resolve, reject) => {
        worker.once("message", resolve);
        worker.once("error", reject);
      });
      await worker.terminate();
      const main = threadCpuMicros() - c0;
      const p = process.cpuUsage(p0);
      expect(p.user + p.system).toBeGreaterThanOrEqual(150_000);
      // The main thread only started the worker and waited for its message.
      expect(main).toBeLessThan(100_000);
    },
  );
});
