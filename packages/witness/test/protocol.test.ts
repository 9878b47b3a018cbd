// tlog-witness add-checkpoint over real HTTP on loopback: every status code the spec names (200,
// 400, 403, 404, 409 with its text/x.tlog.size body, 422), replayed, stale and rolled-back
// checkpoints, bad proofs of every shape, equal sizes with another root (kept as evidence), a
// log-signed checkpoint from a forged key, and two racing requests that must not roll the state back.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import {
  emptyRoot,
  type KeyPair,
  type MerkleTree,
  noteVerifier,
  parseVerifierKey,
  signCheckpoint,
  verifyCheckpoint,
} from "@chronoseal/core";
import { afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { body, checkpoint, keys, logOf, ORIGIN, type Served, serve, tempDir, tree } from "./helpers.js";

let k: Awaited<ReturnType<typeof keys>>;
let w: Served;
let dir: string;
let t: MerkleTree;
let clock = Date.UTC(2025, 0, 1);
beforeAll(async () => {
  k = await keys();
  t = tree(40);
});
beforeEach(async () => {
  dir = tempDir();
  w = await serve({
    signer: { name: "witness.example/w1", secretKey: k.witness.secretKey },
    logs: [logOf(k.log)],
    store: dir,
    now: () => clock,
  });
});
afterEach(() => w.close());

const cp = (size: number, kp: KeyPair = k.log, tr: MerkleTree = t) => checkpoint(tr, size, kp);
const add = (old: number, size: number, proof = t.consistencyProof(old, size), note = cp(size)) =>
  w.post(body(old, proof, note));

/** The cosigned note verifies with the log's key and the witness's cosignature/v1 key. */
function cosigned(note: string, lines: string, now = clock) {
  return verifyCheckpoint(note + lines, {
    keys: [noteVerifier(ORIGIN, k.log.publicKey)],
    witnesses: [parseVerifierKey(w.witness.vkey)],
    require: 1,
    now,
  });
}

async function refused(p: Promise<{ status: number; text: string }>) {
  const r = await p;
  return { status: r.status, code: r.status === 409 ? "" : (JSON.parse(r.text) as { code: string }).code };
}

describe("200: cosignature/v1 lines", () => {
  it("cosigns a first checkpoint (old 0, no proof) and its growth with a consistency proof", async () => {
    const r = await add(0, 5);
    expect(r.status).toBe(200);
    expect(r.type).toMatch(/^text\/plain/);
    expect(r.text).toMatch(/^— witness\.example\/w1 [A-Za-z0-9+/]+=*\n$/);
    const v = cosigned(cp(5), r.text);
    expect(v.witnesses).toEqual([
      expect.objectContaining({ name: "witness.example/w1", timestamp: clock / 1000 }),
    ]);
    clock += 60_000;
    const r2 = await add(5, 17);
    expect(r2.status).toBe(200);
    expect(cosigned(cp(17), r2.text).witnesses[0]!.timestamp).toBe(clock / 1000);
    // Every proof shape: from each size to a larger one.
    for (const [a, b] of [
      [17, 18],
      [18, 32],
      [32, 33],
      [33, 40],
    ] as const)
      expect((await add(a, b)).status, `${a}→${b}`).toBe(200);
  });

  it("a replayed current checkpoint (old = its size) is cosigned again, with a fresh timestamp", async () => {
    await add(0, 8);
    clock += 5000;
    const r = await add(8, 8, []);
    expect(r.status).toBe(200);
    expect(cosigned(cp(8), r.text).witnesses[0]!.timestamp).toBe(clock / 1000);
  });

  it("timestamps never go back for an origin, even when the clock does", async () => {
    const first = await add(0, 3);
    const t1 = cosigned(cp(3), first.text).witnesses[0]!.timestamp!;
    clock -= 3_600_000;
    const r = await add(3, 4);
    clock += 3_600_000;
    expect(cosigned(cp(4), r.text).witnesses[0]!.timestamp).toBe(t1);
  });

  it("a size-0 checkpoint with the empty tree's root is accepted, another root is a conflict", async () => {
    const empty = signCheckpoint({ origin: ORIGIN, size: 0, root: emptyRoot() }, [
      { name: ORIGIN, secretKey: k.log.secretKey },
    ]);
    expect((await w.post(body(0, [], empty))).status).toBe(200);
    const other = signCheckpoint({ origin: ORIGIN, size: 0, root: new Uint8Array(32) }, [
      { name: ORIGIN, secretKey: k.log.secretKey },
    ]);
    expect((await w.post(body(0, [], other))).status).toBe(409);
  });
});

describe("400: malformed", () => {
  it("refuses every malformed body with ERR_WITNESS_MALFORMED", async () => {
    const note = cp(5);
    const good = Buffer.from(t.consistencyProof(3, 5)[0]!).toString("base64");
    const cases: Record<string, string> = {
      "no blank line": `old 0\n${note.replace("\n\n", "\n")}`,
      "no old line": `\n${note}`,
      "Old, capital": `Old 0\n\n${note}`,
      "leading zero": `old 00\n\n${note}`,
      negative: `old -1\n\n${note}`,
      "two spaces": `old  0\n\n${note}`,
      "trailing space": `old 0 \n\n${note}`,
      "size beyond 2^53": `old 9007199254740993\n\n${note}`,
      "bad base64": `old 3\n${good.slice(1)}\n\n${note}`,
      "31-byte hash": `old 3\n${Buffer.alloc(31).toString("base64")}\n\n${note}`,
      "64 proof lines": `old 3\n${`${good}\n`.repeat(64)}\n${note}`,
      "no checkpoint": `old 0\n\n`,
      "not a note": `old 0\n\n${ORIGIN}\n5\n`,
      "not a checkpoint": `old 0\n\n${note.replace(/^[^\n]*\n5\n/, `${ORIGIN}\nfive\n`)}`,
      "old above size": body(6, [], note),
    };
    for (const [what, text] of Object.entries(cases))
      expect(await refused(w.post(text)), what).toEqual({ status: 400, code: "ERR_WITNESS_MALFORMED" });
    // Not UTF-8: the HTTP layer's 400.
    expect((await w.post(new Uint8Array([0x6f, 0x6c, 0x64, 0xff]))).status).toBe(400);
    // Nothing was recorded: a first checkpoint still needs old 0.
    expect((await add(0, 5)).status).toBe(200);
  });

  it("takes any content type (clients of other implementations send their own)", async () => {
    for (const [i, type] of ["application/octet-stream", "text/x.tlog.witness", "text/plain"].entries())
      expect((await w.post(body(i === 0 ? 0 : 2, [], cp(2)), type)).status, type).toBe(200);
  });
});

describe("403 and 404: the origin and its keys", () => {
  it("404 for an origin the witness does not witness", async () => {
    const note = checkpoint(t, 5, k.log, "example.org/unknown");
    expect(await refused(w.post(body(0, [], note)))).toEqual({
      status: 404,
      code: "ERR_WITNESS_UNKNOWN_ORIGIN",
    });
  });

  it("403 when no trusted key's signature verifies: another key, a bad signature, another name", async () => {
    const forged = cp(5, k.other);
    const good = cp(5);
    const badSig = good.replace(/ (\S+)\n$/, (_m, b64: string) => {
      const raw = Buffer.from(b64, "base64");
      raw[10]! ^= 1;
      return ` ${raw.toString("base64")}\n`;
    });
    const renamed = checkpoint(t, 5, k.log, ORIGIN, "someone.else");
    for (const note of [forged, badSig, renamed])
      expect(await refused(w.post(body(0, [], note)))).toEqual({
        status: 403,
        code: "ERR_WITNESS_FORBIDDEN",
      });
    // The witness learnt nothing from them.
    expect((await add(0, 5)).status).toBe(200);
  });

  it("ignores signatures by unknown keys beside a valid one", async () => {
    const both = signCheckpoint({ origin: ORIGIN, size: 5, root: t.rootAt(5) }, [
      { name: "someone.else", secretKey: k.other.secretKey },
      { name: ORIGIN, secretKey: k.log.secretKey },
    ]);
    expect((await w.post(body(0, [], both))).status).toBe(200);
  });
});

describe("409: the witness's size, as text/x.tlog.size", () => {
  it("a stale old size gets the witness's size; the client re-proves from it", async () => {
    await add(0, 10);
    const r = await add(0, 20, []);
    expect(r).toEqual({ status: 409, type: "text/x.tlog.size", text: "10\n" });
    expect((await add(7, 20)).text).toBe("10\n");
    expect((await add(10, 20)).status).toBe(200);
  });

  it("a stale checkpoint (smaller than the witness's) and a rollback are refused", async () => {
    await add(0, 12);
    await add(12, 30);
    // The old checkpoint 12, proven from its real predecessor: 409 with 30.
    expect(await add(0, 12)).toMatchObject({ status: 409, text: "30\n" });
    expect(await add(12, 12, [])).toMatchObject({ status: 409, text: "30\n" });
    // A rolled-back tree of another history, from size 0: 409.
    const other = tree(40, "other");
    expect(await w.post(body(0, [], checkpoint(other, 3, k.log)))).toMatchObject({
      status: 409,
      text: "30\n",
    });
    // Claiming the witness's size for a smaller tree: 400 (old above size), never a cosignature.
    expect((await w.post(body(30, [], cp(12)))).status).toBe(400);
  });

  it("equal sizes with another root: 409, and both log-signed notes are kept as evidence", async () => {
    await add(0, 9);
    const fork = checkpoint(tree(40, "fork"), 9, k.log);
    expect(await w.post(body(9, [], fork))).toMatchObject({ status: 409, text: "9\n" });
    const files = readdirSync(join(dir, "evidence"));
    expect(files).toHaveLength(1);
    const evidence = readFileSync(join(dir, "evidence", files[0]!), "utf8");
    expect(evidence).toContain(cp(9));
    expect(evidence).toContain(fork);
  });

  it("two racing requests from the same size: one is cosigned, the other gets 409", async () => {
    await add(0, 4);
    const results = await Promise.all([add(4, 20), add(4, 9), add(4, 31)]);
    const ok = results.filter((r) => r.status === 200);
    expect(ok).toHaveLength(1);
    expect(results.filter((r) => r.status === 409)).toHaveLength(2);
    // And the recorded size is the one that was cosigned: proving from it works.
    const winner = [20, 9, 31][results.indexOf(ok[0]!)]!;
    expect(results.filter((r) => r.status === 409).every((r) => r.text === `${winner}\n`)).toBe(true);
    expect((await add(winner, 40)).status).toBe(200);
  });
});

describe("422: bad consistency proofs", () => {
  it("refuses a flipped node, a missing or extra node, another tree's proof, and proofs where none belong", async () => {
    await add(0, 13);
    const proof = t.consistencyProof(13, 29);
    const flipped = proof.map((h, i) => (i === 1 ? h.map((b, j) => (j === 0 ? b ^ 1 : b)) : h));
    const other = tree(40, "other");
    const cases: Record<string, Uint8Array[]> = {
      flipped,
      missing: proof.slice(1),
      extra: [...proof, proof[0]!],
      reversed: [...proof].reverse(),
      "another tree": other.consistencyProof(13, 29),
    };
    for (const [what, p] of Object.entries(cases))
      expect(await refused(add(13, 29, p)), what).toEqual({ status: 422, code: "ERR_WITNESS_BAD_PROOF" });
    // Equal sizes take no proof.
    expect(await refused(add(13, 13, [proof[0]!]))).toEqual({ status: 422, code: "ERR_WITNESS_BAD_PROOF" });
    // The witness did not move: the right proof still works.
    expect((await add(13, 29)).status).toBe(200);
  });

  it("a proof from size 0 must be empty", async () => {
    expect(await refused(add(0, 8, t.consistencyProof(4, 8)))).toEqual({
      status: 422,
      code: "ERR_WITNESS_BAD_PROOF",
    });
  });
});

describe("origin prefixes (logs that open an origin per period)", () => {
  it("witnesses each origin under the prefix separately, signed by the prefix's key", async () => {
    await w.close();
    w = await serve({
      signer: { name: "witness.example/w1", secretKey: k.witness.secretKey },
      logs: [{ originPrefix: "chronoseal-lock/door-1/", keys: [noteVerifier("door-1", k.log.publicKey)] }],
      store: tempDir(),
      now: () => clock,
    });
    const jan = checkpoint(t, 10, k.log, "chronoseal-lock/door-1/2025-01", "door-1");
    const feb = checkpoint(t, 3, k.log, "chronoseal-lock/door-1/2025-02", "door-1");
    expect((await w.post(body(0, [], jan))).status).toBe(200);
    expect((await w.post(body(0, [], feb))).status).toBe(200); // its own tree: no rollback
    expect(
      (await w.post(body(0, [], checkpoint(t, 10, k.log, "chronoseal-lock/door-2/2025-01", "door-1"))))
        .status,
    ).toBe(404);
    expect(
      (await w.post(body(0, [], checkpoint(t, 3, k.other, "chronoseal-lock/door-1/2025-03", "door-1"))))
        .status,
    ).toBe(403);
  });
});
