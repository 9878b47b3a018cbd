// Test helpers: a real collector (SQLite file, HTTP on 127.0.0.1, ephemeral port) for a run, in
// this process (the scenarios and the 100-lock week use a collector process instead).
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createCollectorServer, SqliteStore } from "@chronoseal/collector";
import { initKeys, toBase64 } from "@chronoseal/core";
import { deviceKeyPair, doorId } from "../src/index.js";

export interface Collector {
  url: string;
  store: SqliteStore;
  close(): Promise<void>;
}

/** A real collector that knows the device keys of `locks` doors of run `seed`. */

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
  const server = createCollectorServer({ store, devices });
  const url = await server.listen({ port: 0, host: "127.0.0.1" });
  return {
    url,
    store,
    async close() {
      await server.close();
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
