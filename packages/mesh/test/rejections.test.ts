// Refusals are reported, not silent, and cannot flood the log: counts by reason and by sender,
// one log line per sender per interval (virtual time) carrying the counts since the last one,
// and a bounded sender table.
import { describe, expect, it } from "vitest";
import { Rejections } from "../src/rejections.js";

function setup(o: { maxSenders?: number } = {}) {
  let t = 1_000_000;
  const lines: Record<string, unknown>[] = [];
  const r = new Rejections({ log: (fields) => lines.push(fields), now: () => t, logEveryMs: 10_000, ...o });
  return { r, lines, advance: (ms: number) => (t += ms) };
}
const report = (rejected: Record<string, number>, att: Record<string, number> = {}) => ({
  added: 0,
  attestationsAdded: 0,
  rejected,
  rejectedAttestations: att,
});

describe("rejections", () => {
  it("counts by sender and reason, and logs each sender at most once per interval", () => {
    const { r, lines, advance } = setup();
    for (let i = 0; i < 1000; i++) r.ingest("http 10.0.0.9", "net", report({ "invalid-signature": 38 }));
    r.ingest("peer k1", "net", report({}, { untrusted: 2 }));
    r.refused("http 10.0.0.9", 413, "ERR_TOO_MANY_ENTRIES");
    expect(lines).toEqual([
      { sender: "http 10.0.0.9", network: "net", entries: { "invalid-signature": 38 } },
      { sender: "peer k1", network: "net", attestations: { untrusted: 2 } },
    ]);
    expect(r.bySender()["http 10.0.0.9"]).toMatchObject({
      entries: { "invalid-signature": 38_000 },
      requests: { "413 ERR_TOO_MANY_ENTRIES": 1 },
    });
    expect(r.requests).toEqual({ "413 ERR_TOO_MANY_ENTRIES": 1 });
    // after the interval, the counts held back are logged (on the next event or the round's flush)
    advance(10_000);
    r.flushAll();
    expect(lines[2]).toEqual({
      sender: "http 10.0.0.9",
      entries: { "invalid-signature": 38 * 999 },
      requests: { "413 ERR_TOO_MANY_ENTRIES": 1 },
    });
    expect(lines).toHaveLength(3);
    // nothing rejected: nothing counted
    r.ingest("http 10.0.0.1", "net", report({}));
    expect(r.bySender()["http 10.0.0.1"]).toBeUndefined();
  });

  it("keeps the most recently seen senders only", () => {
    const { r } = setup({ maxSenders: 3 });
    for (const who of ["a", "b", "c", "a", "d"]) r.refused(who, 400, "ERR_JSON");
    expect(Object.keys(r.bySender())).toEqual(["d", "a", "c"]);
  });
});
