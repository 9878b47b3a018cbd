// data.json schema validation and atomic persistence with corrupt-file quarantine.
import {
  appendFileSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { appendJournal, journalPath, loadState, saveState } from "../src/persist.js";
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
    expect(() => checkDataJson(JSON.parse(JSON.stringify(s.toJSON())))).not.toThrow();
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
    // keys and ids in one spelling only (core's BASE64_32_PATTERN): a second spelling of a key —
    // trailing bits set, padding dropped, base64url — would be a ban or an attestor that matches
    // no writer
    const k = w.admin.key;
    const respelled = [
      `${k.slice(0, 42)}${String.fromCharCode(k.charCodeAt(42) ^ 1)}=`,
      k.replace(/=$/, ""),
      Buffer.from(k, "base64").toString("base64url"),
    ];
    const settings = JSON.parse(JSON.stringify(w.settings())) as Record<string, unknown>;
    expect(checkDataJson({ version: 1, network: k, entries: [settings], attestations: {} })).toBeTruthy();
    for (const r of respelled) {
      expect(() =>
        checkDataJson({ version: 1, network: k, entries: [{ ...settings, banned: [r] }], attestations: {} }),
      ).toThrow(SchemaError);
      expect(() =>
        checkDataJson({
          version: 1,
          network: k,
          entries: [{ ...settings, attestors: [r] }],
          attestations: {},
        }),
      ).toThrow(SchemaError);
      expect(() => checkDataJson({ version: 1, network: r, entries: [], attestations: {} })).toThrow(
        SchemaError,
      );
    }
    expect(() =>
      checkDataJson({
        version: 1,
        network: k,
        entries: [{ ...settings, last_updated: "2025-02-18T17:00:00Z" }],
        attestations: {},
      }),
    ).toThrow(SchemaError);
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

  it("journals each change; replay over the snapshot gives the same state; a snapshot empties the journal", async () => {
    const w = await world(4);
    const dir = mkdtempSync(join(tmpdir(), "mesh-journal-"));
    const s = new NetworkState(w.admin.key);
    s.ingest([w.settings()]);
    saveState(dir, s);
    const steps = [
      () => s.ingest([w.host(w.nodes[0]!, "fdcc::1")]),
      () => s.ingest([w.claim(w.nodes[1]!, "mors"), w.host(w.nodes[1]!, "fdcc::2")]),
      () => attestAll(s, { publicKey: w.attestor.key, secretKey: w.attestor.kp.secretKey }, T0),
      () => s.ingest([w.claim(w.nodes[2]!, "ceres")]),
    ];
    for (const step of steps) {
      step();
      const change = s.takeChanges();
      expect(change).toBeDefined();
      appendJournal(dir, change!);
    }
    expect(s.takeChanges()).toBeUndefined();
    const r = loadState(dir, w.admin.key);
    expect(r.replayed).toBe(4);
    expect(digest(r.state).root).toBe(digest(s).root);
    saveState(dir, s);
    expect(statSync(journalPath(dir, w.admin.key)).size).toBe(0);
    expect(digest(loadState(dir, w.admin.key).state).root).toBe(digest(s).root);
  });

  it("cuts a torn last journal line (never acknowledged) and moves a journal with a bad line aside", async () => {
    const w = await world(2);
    const dir = mkdtempSync(join(tmpdir(), "mesh-torn-"));
    const s = new NetworkState(w.admin.key);
    s.ingest([w.settings(), w.host(w.nodes[0]!, "fdcc::1")]);
    appendJournal(dir, s.takeChanges()!);
    const good = statSync(journalPath(dir, w.admin.key)).size;
    s.ingest([w.claim(w.nodes[0]!, "mors")]);
    const line = JSON.stringify(s.takeChanges());
    for (const cut of [1, Math.floor(line.length / 2), line.length]) {
      writeFileSync(
        journalPath(dir, w.admin.key),
        readFileSync(journalPath(dir, w.admin.key)).subarray(0, good),
      );
      appendFileSync(journalPath(dir, w.admin.key), line.slice(0, cut)); // no newline: torn
      const r = loadState(dir, w.admin.key);
      expect(r.tornBytes).toBe(cut);
      expect(r.replayed).toBe(1);
      expect(r.state.entries.size).toBe(2);
      expect(statSync(journalPath(dir, w.admin.key)).size).toBe(good);
    }
    appendFileSync(journalPath(dir, w.admin.key), '{"version":1,"network":"nope"}\n');
    const bad = loadState(dir, w.admin.key, 77);
    expect(bad.quarantined).toBe(`${journalPath(dir, w.admin.key)}.corrupt-77`);
    expect(bad.error).toMatch(/journal line 2/);
    expect(bad.state.entries.size).toBe(2); // the lines before it were kept
  });
});
