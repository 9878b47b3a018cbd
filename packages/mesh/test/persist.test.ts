// data.json schema validation and atomic persistence with corrupt-file quarantine.
import { existsSync, mkdtempSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadState, saveState } from "../src/persist.js";
import { checkDataJson, SchemaError } from "../src/schema.js";
import { NetworkState } from "../src/state.js";
import { attestAll, digest } from "../src/sync.js";
import { T0, world } from "./fixtures.js";

describe("data.json and persistence", () => {
  it("round-trips a state through an atomic file and validates it", async () => {
    const w = await world(3);
    const s = new NetworkState(w.admin.key);
    s.ingest([w.settings(), ...w.nodes.map((n, i) => w.host(n, `fdcc::${i}`)), w.claim(w.nodes[0]!, "mors")]);
    attestAll(s, { publicKey: w.attestor.key, secretKey: w.attestor.kp.secretKey }, T0);
    expect(checkDataJson(JSON.parse(JSON.stringify(s.toJSON())))).toBeTruthy();
    const dir = mkdtempSync(join(tmpdir(), "mesh-state-"));
    saveState(dir, s);
    const { state, quarantined } = loadState(dir, w.admin.key);
    expect(quarantined).toBeUndefined();
    expect(digest(state).root).toBe(digest(s).root);
    expect(readdirSync(dir).some((f) => f.endsWith(".tmp"))).toBe(false);
  });

  it("rejects malformed states with a SchemaError and moves a corrupt file aside", async () => {
    const w = await world(1);
    const bad: unknown[] = [
      { version: 2, network: w.admin.key, entries: [], attestations: {} },
      { version: 1, network: "x", entries: [], attestations: {} },
      { version: 1, network: w.admin.key, entries: [{ kind: "claim", hostname: "UPPER" }], attestations: {} },
      { version: 1, network: w.admin.key, entries: [], attestations: {}, extra: 1 },
    ];
    for (const b of bad) expect(() => checkDataJson(b)).toThrow(SchemaError);
    const dir = mkdtempSync(join(tmpdir(), "mesh-corrupt-"));
    const s = new NetworkState(w.admin.key);
    s.ingest([w.settings()]);
    const path = saveState(dir, s);
    writeFileSync(path, '{"version":1, "network": tru');
    const r = loadState(dir, w.admin.key, 1234);
    expect(r.quarantined).toBe(`${path}.corrupt-1234`);
    expect(existsSync(`${path}.corrupt-1234`)).toBe(true);
    expect(r.state.entries.size).toBe(0);
    expect(r.error).toMatch(/invalid JSON/);
  });
});
