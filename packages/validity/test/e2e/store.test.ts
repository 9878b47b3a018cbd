// The evidence store on SQLite: evidence survives a reopen and gives the same verdicts; escrow
// lists exactly what waits and empties as evidence arrives; revoked credentials stay; status
// is its own question; bad input is refused item by item with a reason; the retired private
// format is refused, never reinterpreted.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as core from "@chronoseal/core";
import { init } from "@chronoseal/core";
import Database from "better-sqlite3";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { EvidenceError, EvidenceStore, StoreError } from "../../src/index.js";
import { buildChain, concat, DAY, day } from "../fixture.js";

vi.mock("@chronoseal/core", async (importOriginal) => {
  const mod = await importOriginal<typeof core>();
  return { ...mod, verifyBatch: vi.fn(mod.verifyBatch) };
});

beforeAll(async () => {
  await init();
});

const tmp = () => join(mkdtempSync(join(tmpdir(), "validity-store-")), "evidence.db");

describe("SQLite evidence store", () => {
  it("keeps everything across a reopen and answers identically", () => {
    const c = buildChain();
    const rev = c.le.revoke(c.ecrCred, day(4));
    const path = tmp();
    const a = new EvidenceStore(path);
    a.import(c.schemas);
    a.import(concat([...c.messages, ...rev.messages]));
    const opts = { validOn: day(6), resolution: DAY, trustedRoots: [c.root.prefix] };
    const before = a.validate(c.ecrCred, opts);
    expect(before.status).toBe("revoked");
    const size = a.size;
    a.close();
    const b = new EvidenceStore(path);
    expect(b.size).toBe(size);
    expect(b.validate(c.ecrCred, opts)).toEqual(before);
    // Revoked credentials are kept, and still valid as of a T before their revocation.
    expect(b.validate(c.ecrCred, { ...opts, validOn: day(3, 20) }).valid).toBe(true);
    expect(b.status(c.ecrCred)).toMatchObject({ state: "revoked", received: true });
    b.close();
  });

  it("refuses a store in the retired private format", () => {
    const path = tmp();
    const db = new Database(path);
    db.exec("CREATE TABLE evidence (said TEXT PRIMARY KEY, kind TEXT, body TEXT, added INTEGER)");
    db.close();
    expect(() => new EvidenceStore(path)).toThrow(StoreError);
  });
});

describe("escrow", () => {
  it("names what waits, re-evaluates on arrival, and drops nothing", () => {
    const c = buildChain();
    // Withhold the LE's log: its registry, the ECR's issuance, and the ECR wait for it.
    const leLog = c.messages.filter(
      (m) =>
        Buffer.from(m).toString("latin1").includes(`"i":"${c.le.prefix}"`) &&
        Buffer.from(m).toString("latin1").includes('"t":"i'),
    );
    expect(leLog.length).toBeGreaterThan(0);
    const store = new EvidenceStore();
    store.import(c.schemas);
    store.import(concat(c.messages.filter((m) => !leLog.includes(m))));
    const v = store.validate(c.ecrCred, { validOn: day(5), resolution: DAY, trustedRoots: [c.root.prefix] });
    expect(v.status).toBe("pending");
    expect(v.missing).toEqual([expect.objectContaining({ kind: "kel", id: c.le.prefix })]);
    const waiting = store.escrow();
    expect(waiting.map((e) => e.what)).toContain("acdc");
    expect(waiting.find((e) => e.said === c.ecrCred && e.what === "acdc")?.missing).toEqual(v.missing);
    store.import(concat(leLog));
    expect(
      store.validate(c.ecrCred, { validOn: day(5), resolution: DAY, trustedRoots: [c.root.prefix] }).valid,
    ).toBe(true);
    expect(store.escrow()).toEqual([]);
  });
});

describe("import", () => {
  it("refuses unreadable input with a typed error, and bad items one by one with a reason", () => {
    const store = new EvidenceStore();
    expect(() => store.import("not evidence")).toThrow(EvidenceError);
    expect(() => store.import(new Uint8Array([0x7b, 0x22, 0x76]))).toThrow(EvidenceError);
    const c = buildChain();
    const body = Buffer.from(c.messages[0] as Uint8Array).toString("latin1");
    const tampered = body.replace('"s":"0"', '"s":"1"');
    const r = store.import([
      { hello: "world" },
      JSON.parse(tampered.slice(0, tampered.indexOf("}-") + 1)),
      { $id: "Ebad", type: "object" },
    ]);
    expect(r.items.map((i) => i.status)).toEqual(["rejected", "rejected", "rejected"]);
    expect(r.items[0]?.reason).toMatch(/not KERI\/ACDC evidence/);
    expect(r.items[1]?.reason).toMatch(/SAID does not verify/);
    expect(r.items[2]?.reason).toMatch(/\$\.\$id/);
    expect(store.size).toBe(0);
  });

  it("imports a Buffer as its own copy: later writes to the caller's buffer change nothing", () => {
    const c = buildChain();
    const store = new EvidenceStore();
    store.import(c.schemas);
    const input = Buffer.from(concat(c.messages));
    expect(store.import(input).rejected).toBe(0);
    input.fill(0x20);
    const v = store.validate(c.ecrCred, { validOn: day(5), resolution: DAY, trustedRoots: [c.root.prefix] });
    expect(v.valid).toBe(true);
  });

  it("keeps each distinct copy once, and verifies each signature once", () => {
    const c = buildChain();
    const store = new EvidenceStore();
    store.import(c.schemas);
    const first = store.import(concat(c.messages));
    expect(first.stored).toBe(c.messages.length);
    expect(store.import(concat(c.messages))).toMatchObject({ stored: 0, duplicates: c.messages.length });
    const spy = vi.mocked(core.verifyBatch);
    store.validate(c.ecrCred, { validOn: day(5), resolution: DAY });
    spy.mockClear();
    // New evidence elsewhere forces a new replay: every known verdict comes from the cache.
    const rot = c.person.rotate();
    store.import(rot);
    expect(store.validate(c.ecrCred, { validOn: day(5), resolution: DAY }).valid).toBe(true);
    expect(spy).toHaveBeenCalledTimes(1);
    expect(spy.mock.calls[0]?.[0]).toHaveLength(1); // only the rotation's signature
  });
});

describe("validate: typed errors for bad options", () => {
  it("names the bad option", () => {
    const store = new EvidenceStore();
    expect(() => store.validate("E", { validOn: "yesterday", resolution: "1d" })).toThrow(/validOn/);
    expect(() => store.validate("E", { validOn: day(1), resolution: "1 day" })).toThrow(/resolution/);
    expect(() => store.validate("E", { validOn: day(1), resolution: 0 })).toThrow(/resolution/);
    expect(() => store.validate("E", { validOn: 1.5, resolution: DAY })).toThrow(/validOn/);
    expect(() =>
      store.validate("E", { validOn: day(1), resolution: DAY, trustedRoots: "E" as never }),
    ).toThrow(TypeError);
    expect(() => store.validate(42 as never, { validOn: day(1), resolution: DAY })).toThrow(TypeError);
    expect(store.validate("Eunknown", { validOn: day(1), resolution: DAY })).toMatchObject({
      status: "pending",
      missing: [{ kind: "credential", id: "Eunknown" }],
    });
  });
});
