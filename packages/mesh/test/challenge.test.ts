// The reachability challenge cannot make a node sign text a peer chooses: only a nonce of
// exactly 32 bytes (canonical base64) is taken, it is hashed into a payload the node builds,
// and the signature is made under core's signing rule with context `reachability` (checked
// against an independent oracle: canonicalize + @noble/hashes + @noble/curves). The answer
// verifies only under that context, only with the nonce sent, and only at the address signed.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { generateKeyPair, initKeys, sign, toBase64, verify, verifyDocument } from "@chronoseal/core";
import { ed25519 } from "@noble/curves/ed25519.js";
import { sha256 } from "@noble/hashes/sha2.js";
import canonicalizePkg from "canonicalize";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type MeshEntry, signEntry } from "../src/entries.js";
import { MeshNode } from "../src/node.js";
import {
  answerChallenge,
  checkChallenge,
  newNonce,
  type ReachabilityAnswer,
  verifyChallengeAnswer,
} from "../src/reachability.js";

const canonicalize = canonicalizePkg as unknown as (v: unknown) => string;
let node: MeshNode;

beforeAll(async () => {
  await initKeys();
  const admin = generateKeyPair();
  const network = toBase64(admin.publicKey);
  const settings: MeshEntry = signEntry(
    {
      kind: "settings",
      network,
      writer: network,
      last_updated: new Date().toISOString(),
      tld: "mesh",
      attestors: [],
      banned: [],
      overrides: {},
      host_ttl: 0,
      sections: {},
    },
    admin.secretKey,
  );
  node = new MeshNode({
    stateDir: mkdtempSync(join(tmpdir(), "mesh-challenge-")),
    host: "127.0.0.1",
    port: 0,
    nodeKey: generateKeyPair(),
    networks: [{ admin: network, priority: 1, settings }],
    gossipMs: 60_000,
  });
  await node.start();
});
afterAll(() => node.stop(100));

const ask = (body: unknown) =>
  fetch(`${node.url}/v1/challenge`, {
    method: "POST",
    body: typeof body === "string" ? body : JSON.stringify(body),
    headers: { "content-type": "application/json" },
  });

/** The signed string by the spec, computed with independent libraries. */
function oracleMessage(answer: ReachabilityAnswer, context: string): Uint8Array {
  const { signatures: _, ...payload } = answer;
  const hash = Buffer.from(sha256(new TextEncoder().encode(canonicalize(payload)))).toString("base64");
  const entry = answer.signatures[answer.node]!;
  return new TextEncoder().encode(`chronoseal-v1:${context}:${entry.signed_at}:${hash}`);
}

describe("POST /v1/challenge", () => {
  it("refuses every nonce that is not canonical base64 of exactly 32 bytes with 400 ERR_NONCE", async () => {
    const b64 = (n: number) => Buffer.alloc(n, 7).toString("base64");
    const canonical = b64(32);
    const bad: unknown[] = [
      { nonce: b64(24) }, // the old 24-byte nonce
      { nonce: b64(31) },
      { nonce: b64(33) },
      { nonce: `${canonical.slice(0, 42)}B=` }, // non-zero trailing bits: non-canonical
      { nonce: canonical.replace(/=$/, "") }, // unpadded
      { nonce: Buffer.alloc(32, 0xfb).toString("base64url") }, // url-safe alphabet
      {
        nonce:
          "chronoseal-v1:host-claim:2025-01-01T00:00:00.000Z:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",
      },
      { nonce: "x".repeat(44) },
      { nonce: 42 },
      { nonce: [canonical] },
      { nonce: canonical, network: "extra field" },
      {},
      [canonical],
      "null",
    ];
    for (const body of bad) {
      const r = await ask(body);
      expect(r.status, JSON.stringify(body)).toBe(400);
      expect(((await r.json()) as { code: string }).code, JSON.stringify(body)).toBe("ERR_NONCE");
    }
  });

  it("answers a good nonce with the payload it builds, signed under context reachability only", async () => {
    const nonce = newNonce();
    const r = await ask({ nonce });
    expect(r.status).toBe(200);
    const answer = (await r.json()) as ReachabilityAnswer;
    expect(Object.keys(answer).sort()).toEqual(["addresses", "node", "nonce", "port", "signatures"]);
    expect(answer).toMatchObject({
      nonce,
      node: node.key,
      addresses: ["127.0.0.1"],
      port: Number(new URL(node.url).port),
    });
    expect(verifyChallengeAnswer(answer, { nonce, key: node.key, url: node.url })).toBe(true);

    const entry = answer.signatures[node.key]!;
    expect(entry.context).toBe("reachability");
    const sig = Buffer.from(entry.signature, "base64");
    const pk = Buffer.from(node.key, "base64");
    // the independent oracle agrees on what was signed
    expect(ed25519.verify(sig, oracleMessage(answer, "reachability"), pk)).toBe(true);
    // ... and it is not a signature over anything the peer wrote, nor under another context
    for (const context of [
      "host-claim",
      "host-record",
      "settings",
      "attestation",
      "lock-entry",
      "anchor",
      "tombstone",
    ]) {
      expect(ed25519.verify(sig, oracleMessage(answer, context), pk), context).toBe(false);
      const { context: _c, ...seedShape } = entry; // without the context hint: checked against `context`
      const report = verifyDocument(
        { ...answer, signatures: { [node.key]: seedShape } },
        { trusted: [node.key], context },
      );
      expect(report.valid, context).toEqual([]);
    }
    const enc = new TextEncoder();
    for (const text of [nonce, `chronoseal-v1:reachability:${nonce}`, JSON.stringify({ nonce })])
      expect(ed25519.verify(sig, enc.encode(text), pk), text).toBe(false);
  });

  it("the challenger refuses a wrong nonce, a wrong key, another context, and a relay at another address", async () => {
    const nonce = newNonce();
    const answer = (await (await ask({ nonce })).json()) as ReachabilityAnswer;
    const ok = { nonce, key: node.key, url: node.url };
    expect(verifyChallengeAnswer(answer, ok)).toBe(true);
    expect(verifyChallengeAnswer(answer, { ...ok, nonce: newNonce() })).toBe(false);
    expect(verifyChallengeAnswer(answer, { ...ok, key: toBase64(generateKeyPair().publicKey) })).toBe(false);
    // a relay at 127.0.0.9 passing on the node's answer: the address is not among those signed
    expect(verifyChallengeAnswer(answer, { ...ok, url: node.url.replace("127.0.0.1", "127.0.0.9") })).toBe(
      false,
    );
    // edited payloads do not verify
    expect(
      verifyChallengeAnswer(
        { ...answer, addresses: ["127.0.0.9"] },
        { ...ok, url: node.url.replace("127.0.0.1", "127.0.0.9") },
      ),
    ).toBe(false);
    expect(verifyChallengeAnswer({ ...answer, extra: 1 }, ok)).toBe(false);
    // the same payload signed under another context by the right key
    const kp = generateKeyPair();
    const mine = answerChallenge(nonce, { nodeKey: kp, addresses: ["127.0.0.1"], port: 1 });
    const mineOk = { nonce, key: toBase64(kp.publicKey), url: "http://127.0.0.1:1" };
    expect(verifyChallengeAnswer(mine, mineOk)).toBe(true);
    const entry = mine.signatures[mineOk.key]!;
    const resigned = {
      ...mine,
      signatures: { [mineOk.key]: { ...entry, context: "host-claim" } },
    };
    expect(verifyChallengeAnswer(resigned, mineOk)).toBe(false);
    // a raw signature over the nonce (what the old protocol did) is not an answer
    const raw = toBase64(sign(new TextEncoder().encode(`chronoseal-v1:reachability:${nonce}`), kp.secretKey));
    expect(
      verifyChallengeAnswer({ ...mine, signatures: { [mineOk.key]: { ...entry, signature: raw } } }, mineOk),
    ).toBe(false);
    for (const junk of [null, 1, "x", [], {}, { ...mine, port: "1" }, { ...mine, addresses: "127.0.0.1" }])
      expect(verifyChallengeAnswer(junk, mineOk)).toBe(false);
  });

  it("property: a chosen string is either refused or a 32-byte nonce whose answer signs only its hash", () => {
    const kp = generateKeyPair();
    const pk = toBase64(kp.publicKey);
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ maxLength: 80 }),
          fc.uint8Array({ minLength: 0, maxLength: 40 }).map((b) => Buffer.from(b).toString("base64")),
          fc.uint8Array({ minLength: 32, maxLength: 32 }).map((b) => Buffer.from(b).toString("base64")),
        ),
        (text) => {
          let nonce: string;
          try {
            nonce = checkChallenge({ nonce: text });
          } catch {
            expect(() => answerChallenge(text, { nodeKey: kp, addresses: ["h"], port: 1 })).toThrow();
            return;
          }
          expect(Buffer.from(nonce, "base64").length).toBe(32);
          expect(Buffer.from(nonce, "base64").toString("base64")).toBe(nonce);
          const a = answerChallenge(nonce, { nodeKey: kp, addresses: ["h"], port: 1 });
          const sig = Buffer.from(a.signatures[pk]!.signature, "base64");
          expect(verify(sig, oracleMessage(a, "reachability"), kp.publicKey)).toBe(true);
          expect(verify(sig, new TextEncoder().encode(text), kp.publicKey)).toBe(false);
        },
      ),
      { numRuns: 300, seed: 11 },
    );
  });
});
