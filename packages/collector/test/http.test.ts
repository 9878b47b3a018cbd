// The collector over real HTTP on loopback with a real SQLite file: ingest, idempotency, export
// that the auditor verifies, expiry, and bad input answered with 4xx while the store stays as it was.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { formatTimestamp, toBase64 } from "@chronoseal/core";
import { listenOn } from "@chronoseal/http";
import { audit, entryHash, type LockEntry, signAnchor } from "@chronoseal/lock";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createCollectorServer, MAX_BODY } from "../src/server.js";
import { SqliteStore } from "../src/sqlite.js";
import { chain, type Device, device } from "./fixtures.js";

let base = "";
let store: SqliteStore;
let close: () => Promise<void>;
let d: Device;
const logs: string[] = [];

beforeAll(async () => {
  d = await device("door-7", 7);
  store = new SqliteStore(join(mkdtempSync(join(tmpdir(), "collector-http-")), "c.db"));
  const server = createCollectorServer({
    store,
    devices: new Map([[d.door, d.publicKey]]),
    logger: pino({ level: "info" }, { write: (line: string) => void logs.push(line) }),
  });
  base = await listenOn(server, "127.0.0.1", 0);
  close = () => server.close();
});
afterAll(async () => {
  await close();
  await store.close();
});

// An anchor note is text; entries are JSON (the content type is checked: 415 otherwise).
const post = (body: string, path = "/v1/entries") =>
  fetch(`${base}${path}`, {
    method: "POST",
    body,
    headers: { "content-type": path === "/v1/expire" ? "text/plain" : "application/json" },
  });

async function exported(query = ""): Promise<LockEntry[]> {
  const text = await (await fetch(`${base}/v1/entries${query}`)).text();
  return text
    .split("\n")
    .filter((l) => l)
    .map((l) => JSON.parse(l) as LockEntry);
}

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
    const all = await exported("?door=door-7");
    expect(all).toEqual(entries);
    expect((await exported("?chain=door-7/2025-01&from=10&to=12")).map((e) => e.seq)).toEqual([10, 11, 12]);
    const [v] = await audit(all, { deviceKeys: new Map([[d.door, d.publicKey]]), anchors: [] });
    expect(v).toMatchObject({ received: 50, findings: [{ kind: "unanchored" }] });
    expect(await (await fetch(`${base}/v1/chains?door=door-7`)).json()).toEqual([
      { chain: "door-7/2025-01", door: "door-7", seq: 49, hash: entryHash(entries[49]!) },
    ]);
    expect(logs.map((l) => JSON.parse(l) as { msg: string; level: number })).toContainEqual(
      expect.objectContaining({ msg: "ingest", level: 30, accepted: 30, reqId: expect.any(String) }),
    );
  });

  it("answers bad input with 4xx and a JSON error, keeps the store as it was, and keeps serving", async () => {
    const before = await exported();
    const entries = chain(d, 52);
    const bad: [string, string, number, string][] = [
      ["broken JSON", "{", 400, "ERR_JSON"],
      ["duplicate keys", '{"a":1,"a":2}', 400, "ERR_JSON"],
      ["not entries", "[1,2]", 400, "ERR_MALFORMED"],
      ["forged", JSON.stringify([{ ...entries[50]!, user: entries[50]!.prev }]), 422, "ERR_SIGNATURE"],
      ["unchained", JSON.stringify([entries[51]]), 409, "ERR_UNCHAINED"],
      ["duplicate", JSON.stringify([entries[50], entries[50]]), 400, "ERR_DUPLICATE"],
      ["oversized", `[${" ".repeat(MAX_BODY)}]`, 413, "ERR_TOO_LARGE"],
    ];
    for (const [what, body, status, code] of bad) {
      const r = await post(body);
      expect(r.status, what).toBe(status);
      expect((await r.json()).code, what).toBe(code);
    }
    const invalidUtf8 = await fetch(`${base}/v1/entries`, {
      method: "POST",
      body: new Uint8Array([0x5b, 0xff, 0x5d]),
    });
    expect(invalidUtf8.status).toBe(400);
    const refusals: [string, RequestInit, number, string][] = [
      ["/v1/entries?from=x", {}, 400, "ERR_QUERY"],
      ["/v1/entries?bogus=1", {}, 400, "ERR_QUERY"],
      ["/v1/entries?door=door-7&door=door-8", {}, 400, "ERR_QUERY"],
      ["/v1/entries?door=%zz", {}, 400, "ERR_URL"],
      ["/v1/chains?chain=%E0%A4%A", {}, 400, "ERR_URL"],
      ["/v1/chains?from=1", {}, 400, "ERR_QUERY"],
      ["/v1/entries", { method: "DELETE" }, 405, "ERR_METHOD"],
      ["/healthz", { method: "POST", body: "{}" }, 405, "ERR_METHOD"],
      ["/nope", {}, 404, "ERR_NOT_FOUND"],
      [
        "/v1/entries",
        { method: "POST", body: "[]", headers: { "content-type": "multipart/form-data" } },
        415,
        "ERR_CONTENT_TYPE",
      ],
    ];
    for (const [path, init, status, code] of refusals) {
      const r = await fetch(`${base}${path}`, init);
      expect({ path, status: r.status, body: await r.json() }).toEqual({
        path,
        status,
        body: { error: expect.any(String), code },
      });
    }
    expect(await exported()).toEqual(before);
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
  });

  it("deletes a chain only on the device's signed expired anchor", async () => {
    const other = chain(d, 3, "2024-12");
    await post(JSON.stringify(other));
    const anchor = (kind: "final" | "expired") =>
      signAnchor(
        {
          chain: "door-7/2024-12",
          kind,
          size: 3,
          root: toBase64(new Uint8Array(32)),
          lastSeq: 2,
          prevAnchor: "",
          time: formatTimestamp(Date.UTC(2025, 0, 1)),
        },
        "door-7",
        d.keyPair.secretKey,
      );
    const asJson = await fetch(`${base}/v1/expire`, {
      method: "POST",
      body: anchor("expired"),
      headers: { "content-type": "application/json" },
    });
    expect(asJson.status).toBe(415);
    expect(((await asJson.json()) as { code: string }).code).toBe("ERR_CONTENT_TYPE");
    const final = await post(anchor("final"), "/v1/expire");
    expect(final.status).toBe(422);
    const stranger = await device("door-7", 99);
    const forged = signAnchor(
      {
        chain: "door-7/2024-12",
        kind: "expired",
        size: 3,
        root: toBase64(new Uint8Array(32)),
        lastSeq: 2,
        prevAnchor: "",
        time: "2025-01-01T00:00:00.000Z",
      },
      "door-7",
      stranger.keyPair.secretKey,
    );
    expect((await post(forged, "/v1/expire")).status).toBe(422);
    expect((await exported("?chain=door-7/2024-12")).length).toBe(3);
    const ok = await post(anchor("expired"), "/v1/expire");
    expect(await ok.json()).toEqual({ chain: "door-7/2024-12", deleted: 3 });
    expect(await exported("?chain=door-7/2024-12")).toEqual([]);
    expect((await post("chronoseal-lock/door-9/x\n1\n", "/v1/expire")).status).toBe(403);
  });
});
