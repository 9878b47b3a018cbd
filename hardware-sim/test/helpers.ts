// Test helpers: a real collector (SQLite file, HTTP on 127.0.0.1, ephemeral port) for a run, in
// this thread or in a worker thread (its SQLite commits and signature checks then do not block
// the simulator's event loop, as a separate collector process would not).
import { mkdtempSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { Worker } from "node:worker_threads";
import { createCollectorServer, SqliteStore } from "@chronoseal/collector";
import { initKeys, toBase64 } from "@chronoseal/core";
import { deviceKeyPair, doorId } from "../src/index.js";

export interface Collector {
  url: string;
  store: SqliteStore;
  close(): Promise<void>;
}

/** A real collector that knows the device keys of `locks` doors of run `seed`. */
const WORKER = `
const { parentPort, workerData } = require("node:worker_threads");
(async () => {
  const { createCollectorServer, SqliteStore } = await import(workerData.module);
  const store = new SqliteStore(workerData.db);
  const server = createCollectorServer({ store, devices: new Map(workerData.devices), log: () => {} });
  server.listen(0, "127.0.0.1", () => parentPort.postMessage(server.address().port));
  parentPort.once("message", () => server.close(async () => { await store.close(); parentPort.postMessage("closed"); }));
})();
`;

/** The same collector in a worker thread (uses the built @chronoseal/collector). */
export async function startCollectorWorker(seed: number, locks: number): Promise<Omit<Collector, "store">> {
  await initKeys();
  const dir = mkdtempSync(join(tmpdir(), "sim-collector-"));
  const devices = Array.from({ length: locks }, (_, i) => {
    const door = doorId(i);
    return [door, toBase64(deviceKeyPair(seed, door).publicKey)] as const;
  });
  const module = pathToFileURL(createRequire(import.meta.url).resolve("@chronoseal/collector")).href;
  const worker = new Worker(WORKER, {
    eval: true,
    workerData: { module, db: join(dir, "collector.db"), devices },
  });
  const port = await new Promise<number>((resolve, reject) => {
    worker.once("message", resolve);
    worker.once("error", reject);
  });
  return {
    url: `http://127.0.0.1:${port}`,
    async close() {
      worker.postMessage("close");
      await new Promise((r) => worker.once("message", r));
      await worker.terminate();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export async function startCollector(seed: number, locks: number): Promise<Collector> {
  await initKeys();
  const dir = mkdtempSync(join(tmpdir(), "sim-collector-"));
  const store = new SqliteStore(join(dir, "collector.db"));
  const devices = new Map(
    Array.from({ length: locks }, (_, i) => {
      const door = doorId(i);
      return [door, toBase64(deviceKeyPair(seed, door).publicKey)] as const;
    }),
  );
  const server = createCollectorServer({ store, devices, log: () => {} });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    store,
    async close() {
      await new Promise((r) => server.close(r));
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
