// Who may write, from the current settings: admission `listed` refuses host records and claims of
// unlisted keys (counted) and removes those already stored, in any order; bans can be lifted;
// rejected attestations are counted by reason; overrides to fixed addresses; the ingest
// preparation (parse, cap, verification) refuses what ingest would and passes the rest on
// without a second verification.
import { describe, expect, it } from "vitest";
import { attestEntry } from "../src/entries.js";
import { prepareIngest } from "../src/ingest-prepare.js";
import { NetworkState } from "../src/state.js";
import { attestAll, digest } from "../src/sync.js";
import { dnsLines, groupDns, hostnames } from "../src/views.js";
import { T0, world } from "./fixtures.js";

const w = await world(4);
const [a, b] = [w.nodes[0]!, w.nodes[1]!];
const attestor = { publicKey: w.attestor.key, secretKey: w.attestor.kp.secretKey };
const utf8 = new TextEncoder();

describe("admission", () => {
  it("listed: entries of unlisted keys are refused and counted; stored ones removed, in any order", () => {
    const open = w.settings();
    const listed = w.settings({ admission: "listed", nodes: [a.key] }, T0 + 5000);
    const entries = [w.host(a, "fdcc::1"), w.claim(a, "mors"), w.host(b, "fdcc::2"), w.claim(b, "rogue")];
    const x = new NetworkState(w.admin.key);
    x.ingest([open, ...entries]);
    expect(x.entries.size).toBe(5);
    x.ingest([listed]);
    const y = new NetworkState(w.admin.key);
    const r = y.ingest([open, listed, ...entries]);
    expect(r.rejected).toEqual({ unlisted: 2 });
    expect(y.rejected.unlisted).toBe(2);
    expect(digest(x).root).toBe(digest(y).root);
    expect([...x.entries.values()].filter((e) => e.writer === b.key)).toEqual([]);
    // listing b (a newer settings version) lets its entries in again
    const more = w.settings({ admission: "listed", nodes: [a.key, b.key] }, T0 + 9000);
    expect(y.ingest([more, ...entries]).added).toBe(3);
    attestAll(y, attestor, T0 + 10_000);
    expect(hostnames(y, T0 + 11_000).active.map((n) => n.hostname)).toEqual(["mors", "rogue"]);
  });

  it("open: any key that is not banned; a ban can be lifted by a later settings version", () => {
    const s = new NetworkState(w.admin.key);
    s.ingest([w.settings(), w.claim(b, "rogue")]);
    s.ingest([w.settings({ banned: [b.key] }, T0 + 1000)]);
    expect([...s.entries.values()].some((e) => e.writer === b.key)).toBe(false);
    expect(s.ingest([w.claim(b, "rogue")]).rejected).toEqual({ banned: 1 });
    s.ingest([w.settings({ banned: [] }, T0 + 2000)]);
    expect(s.ingest([w.claim(b, "rogue")]).added).toBe(1);
  });
});

describe("reported, not silent", () => {
  it("attestations by untrusted keys and with bad signatures are counted by reason", () => {
    const s = new NetworkState(w.admin.key);
    s.ingest([w.settings(), w.claim(a, "mors"), w.claim(b, "www")]);
    const [idA, idB] = [...s.entries.keys()].filter((id) => s.entries.get(id)!.kind === "claim");
    const [ka, ea] = attestEntry(idA!, a.kp.secretKey, T0); // a is not an attestor
    const [kt, et] = attestEntry(idA!, w.attestor.kp.secretKey, T0); // signs idA, offered for idB
    const r = s.ingest([], { [idA!]: { [ka]: ea }, [idB!]: { [kt]: et } });
    expect(r.rejectedAttestations).toEqual({ untrusted: 1, "invalid-signature": 1 });
    expect(s.rejectedAttestations).toEqual({ untrusted: 1, "invalid-signature": 1 });
    expect(s.timeOf(idA!)).toBeUndefined();
    expect(s.timeOf(idB!)).toBeUndefined();
  });
});

describe("overrides", () => {
  it("a name can be overridden to a node key or to fixed addresses; dns.json groups by name", () => {
    const s = new NetworkState(w.admin.key);
    s.ingest([
      w.settings({ overrides: { printer: ["192.0.2.7", "2001:db8::7"], mors: b.key } }),
      w.host(a, "fdcc::1"),
      w.host(b, "fdcc::2"),
      w.claim(a, "mors"),
    ]);
    attestAll(s, attestor, T0);
    const lines = dnsLines(s, T0);
    expect(lines).toEqual([
      { hostname: "mors.nether", ip: "fdcc::2" },
      { hostname: "printer.nether", ip: "192.0.2.7" },
      { hostname: "printer.nether", ip: "2001:db8::7" },
    ]);
    expect(groupDns(lines)).toEqual([
      { hostname: "mors.nether", ips: ["fdcc::2"] },
      { hostname: "printer.nether", ips: ["192.0.2.7", "2001:db8::7"] },
    ]);
  });
});

describe("ingest preparation", () => {
  const body = (x: unknown) => utf8.encode(JSON.stringify(x));
  const settings = w.settings();

  it("refuses bad JSON, the wrong shape and more entries than the cap", async () => {
    const req = { network: w.admin.key, shape: "entries" as const, maxEntries: 2, settings };
    expect(await prepareIngest({ ...req, body: utf8.encode("{") })).toMatchObject({
      status: 400,
      code: "ERR_JSON",
    });
    expect(await prepareIngest({ ...req, body: body({}) })).toMatchObject({
      status: 400,
      code: "ERR_MALFORMED",
    });
    expect(await prepareIngest({ ...req, body: new Uint8Array([0xff]) })).toMatchObject({
      code: "ERR_ENCODING",
    });
    const three = [w.claim(a, "x"), w.claim(a, "y"), w.claim(a, "z")];
    expect(await prepareIngest({ ...req, body: body(three) })).toMatchObject({
      status: 413,
      code: "ERR_TOO_MANY_ENTRIES",
    });
  });

  it("passes only what verifies, in chunks a state takes without verifying again", async () => {
    const good = Array.from({ length: 5 }, (_, i) => w.claim(a, `n${i}`));
    const forged = good.map((e, i) => ({ ...e, hostname: `f${i}` }));
    const r = await prepareIngest({
      network: w.admin.key,
      body: body([...good, ...forged]),
      shape: "entries",
      maxEntries: 100,
      settings,
      sliceSize: 3,
    });
    if (!r.ok) throw new Error(r.error);
    expect(r.report.rejected).toEqual({ "invalid-signature": 5 });
    expect(r.chunks.flatMap((c) => c.entries)).toHaveLength(5);
    const s = new NetworkState(w.admin.key);
    s.ingest([settings]);
    for (const c of r.chunks) {
      // every signature comes with its verdict: a state with a broken verifier cache would refuse
      expect(c.verified.length).toBe(c.entries.length);
      const rep = s.ingest(c.entries, c.attestations, { ids: c.ids, verified: new Map(c.verified) });
      expect(rep.rejected).toEqual({});
    }
    expect(s.entries.size).toBe(6);
  });
});
