// The collector over real HTTP on loopback with a real SQLite file; the export feeds the auditor.

import { mkdtempSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { audit } from "@chronoseal/lock";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createCollectorServer, MAX_BODY } from "../src/server.js";
import { SqliteStore } from "../src/sqlite.js";
import { chain, type Device, device } from "./fixtures.js";

let base = "";
let store: SqliteStore;
let close: () => Promise<void>;
let d: Device;

beforeAll(async () => {
  d = await device("door-7", 7);
  store = new SqliteStore(join(mkdtempSync(join(tmpdir(), "collector-http-")), "c.db"));
  const server = createCollectorServer({ store, devices: new Map([[d.door, d.publicKey]]) });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  close = () => new Promise((r) => server.close(() => r()));
});
afterAll(async () => {
  await close();
  await store.close();
});

const post = (body: string) =>
  fetch(`${base}/v1/entries`, { method: "POST", body, headers: { "content-type": "application/json" } });

describe("collector HTTP API", () => {
  it("ingests batches, is idempotent, and exports NDJSON that the auditor verifies", async () => {
    const entries = chain(d, 50);
    expect(await (await post(JSON.stringify(entries.slice(0, 30)))).json()).toEqual({
      accepted: 30,
      duplicates: 0,
    });
    expect(await (await post(JSON.stringify(entries.slice(20)))).json()).toEqual({
      accepted: 20,
      duplicates: 10,
    });
    const text = await (await fetch(`${base}/v1/entries?door=door-7`)).text();
    const exported = text
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(exported.map((e) => e.seq)).toEqual(entries.map((e) => e.seq));
    const [v] = await audit(exported, { deviceKeys: new Map([[d.door, d.publicKey]]), anchors: [] });
    expect(v).toMatchObject({ received: 50, findings: [{ kind: "unanchored" }] });
    expect(await (await fetch(`${base}/v1/chains`)).json()).toEqual([
      { chain: "door-7/2025-01", door: "door-7", seq: 49, hash: expect.any(String) },
    ]);
  });

  it("answers bad input with 4xx and a JSON error, and keeps serving", async () => {
    const before = await store.count();
    const entries = chain(d, 52);
    const bad: [string, number, string][] = [
      ["{", 400, "ERR_JSON"],
      ['{"a":1,"a":2}', 400, "ERR_JSON"],
      ["[1,2]", 400, "ERR_MALFORMED"],
      [JSON.stringify([{ ...entries[50]!, user: "forged" }]), 422, "ERR_SIGNATURE"],
      [JSON.stringify([entries[51]]), 409, "ERR_UNCHAINED"],
      [`[${" ".repeat(MAX_BODY)}]`, 413, "ERR_TOO_LARGE"],
    ];
    for (const [body, status, code] of bad) {
      const r = await post(body);
      expect(r.status, code).toBe(status);
      expect((await r.json()).code).toBe(code);
    }
    expect((await fetch(`${base}/v1/entries?from=x`)).status).toBe(400);
    expect((await fetch(`${base}/nope`)).status).toBe(404);
    expect(await store.count()).toBe(before);
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
  });
});
