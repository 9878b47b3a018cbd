// The add-checkpoint client against a real witness on loopback (and, for answers a witness should
// never give, a bare node:http server): cosigning with a proof, re-proving after a 409, a witness
// that is ahead, unreachable or refusing, and answers whose cosignature does not verify.
import { createServer, type Server } from "node:http";
import { formatVerifierKey, keyPairFromSeed, noteVerifier, verifyCheckpoint } from "@chronoseal/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { WitnessClient, WitnessClientError } from "../src/index.js";
import { checkpoint, keys, logOf, ORIGIN, type Served, serve, tempDir, tree } from "./helpers.js";

let k: Awaited<ReturnType<typeof keys>>;
let w: Served;
const t = tree(64);
const NOW = Date.UTC(2025, 5, 1);
beforeAll(async () => {
  k = await keys();
  w = await serve(
    {
      signer: { name: "w.example", secretKey: k.witness.secretKey },
      logs: [logOf(k.log)],
      store: tempDir(),
      now: () => NOW,
    },
    "/witness",
  );
});
afterAll(() => w.close());

const proofs = (size: number) => (from: number) => t.consistencyProof(from, size);
const client = () => new WitnessClient({ url: w.url, key: w.witness.vkey });

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(WitnessClientError);
    return (e as WitnessClientError).code;
  }
  throw new Error("expected a WitnessClientError");
}

describe("WitnessClient", () => {
  it("gets a verified cosignature, and re-proves from the witness's size after a 409", async () => {
    const c = client();
    const r1 = await c.cosign(checkpoint(t, 10, k.log), { oldSize: 0, proof: proofs(10), now: NOW });
    expect(r1).toMatchObject({ oldSize: 0, timestamp: NOW / 1000 });
    const note = checkpoint(t, 30, k.log);
    // The client does not know the witness holds 10: it says 0, gets 409 "10", proves from 10.
    const asked: number[] = [];
    const r2 = await c.cosign(note, {
      oldSize: 0,
      proof: (from) => {
        asked.push(from);
        return t.consistencyProof(from, 30);
      },
      now: NOW,
    });
    expect(asked).toEqual([0, 10]);
    expect(r2.oldSize).toBe(10);
    const v = verifyCheckpoint(note + r2.lines, {
      keys: [noteVerifier(ORIGIN, k.log.publicKey)],
      witnesses: [c.verifier],
      now: NOW,
    });
    expect(v.witnesses.map((x) => x.name)).toEqual(["w.example"]);
  });

  it("a witness ahead of the checkpoint will never cosign it: ERR_WITNESS_AHEAD", async () => {
    await client().cosign(checkpoint(t, 40, k.log), { oldSize: 30, proof: proofs(40), now: NOW });
    expect(
      await codeOf(client().cosign(checkpoint(t, 35, k.log), { oldSize: 30, proof: proofs(35), now: NOW })),
    ).toBe("ERR_WITNESS_AHEAD");
  });

  it("refusals are ERR_WITNESS_REFUSED with the status; an unreachable witness ERR_WITNESS_UNAVAILABLE", async () => {
    const forged = checkpoint(t, 50, k.other);
    const e = await client()
      .cosign(forged, { oldSize: 40, proof: proofs(50), now: NOW })
      .catch((x: WitnessClientError) => x);
    expect(e).toMatchObject({ code: "ERR_WITNESS_REFUSED", status: 403 });
    const bad = await client()
      .cosign(checkpoint(t, 50, k.log), { oldSize: 40, proof: () => t.consistencyProof(39, 50), now: NOW })
      .catch((x: WitnessClientError) => x);
    expect(bad).toMatchObject({ code: "ERR_WITNESS_REFUSED", status: 422 });
    const gone = new WitnessClient({
      url: "http://127.0.0.1:9/witness",
      key: w.witness.vkey,
      timeoutMs: 2000,
    });
    expect(await codeOf(gone.cosign(checkpoint(t, 50, k.log), { oldSize: 40, proof: proofs(50) }))).toBe(
      "ERR_WITNESS_UNAVAILABLE",
    );
  });
});

describe("answers a witness should never give", () => {
  let server: Server;
  let url = "";
  let answer: (body: string) => { status: number; text: string; type?: string } = () => ({
    status: 200,
    text: "",
  });
  beforeAll(async () => {
    server = createServer((req, res) => {
      let b = "";
      req.on("data", (d) => {
        b += d;
      });
      req.on("end", () => {
        const a = answer(b);
        res.writeHead(a.status, { "content-type": a.type ?? "text/plain" }).end(a.text);
      });
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  let fake: ReturnType<typeof keyPairFromSeed>;
  beforeAll(() => {
    fake = keyPairFromSeed(new Uint8Array(32).fill(77));
  });
  const witnessKey = () => formatVerifierKey("w.example", k.witness.publicKey, "cosignature/v1");

  it("a cosignature by another key (same name), garbage lines or a 5xx are not accepted", async () => {
    const note = checkpoint(t, 5, k.log);
    const c = new WitnessClient({ url, key: witnessKey() });
    // Another key under the witness's name: its key id differs, so the line is ignored.
    const { signatureLines } = await import("@chronoseal/core");
    answer = () => ({
      status: 200,
      text: signatureLines(note, [{ name: "w.example", secretKey: fake.secretKey, type: "cosignature/v1" }]),
    });
    expect(await codeOf(c.cosign(note, { oldSize: 0, proof: () => [] }))).toBe("ERR_WITNESS_ANSWER");
    answer = () => ({ status: 200, text: "hello\n" });
    expect(await codeOf(c.cosign(note, { oldSize: 0, proof: () => [] }))).toBe("ERR_WITNESS_ANSWER");
    answer = () => ({ status: 200, text: "x".repeat(70_000) });
    expect(await codeOf(c.cosign(note, { oldSize: 0, proof: () => [] }))).toBe("ERR_WITNESS_UNAVAILABLE");
    answer = () => ({ status: 503, text: "busy" });
    expect(await codeOf(c.cosign(note, { oldSize: 0, proof: () => [] }))).toMatch("ERR_WITNESS_UNAVAILABLE");
    // The genuine key's line among others is found and kept alone.
    answer = () => ({
      status: 200,
      text:
        signatureLines(note, [{ name: "other", secretKey: fake.secretKey, type: "cosignature/v1" }]) +
        signatureLines(note, [{ name: "w.example", secretKey: k.witness.secretKey, type: "cosignature/v1" }]),
    });
    const r = await c.cosign(note, { oldSize: 0, proof: () => [] });
    expect(r.lines.split("\n")).toHaveLength(2);
    expect(r.lines.startsWith("— w.example ")).toBe(true);
  });

  it("a 409 that repeats the client's own size (a fork) or never settles is a refusal", async () => {
    const note = checkpoint(t, 9, k.log);
    const c = new WitnessClient({ url, key: witnessKey() });
    answer = (b) => ({ status: 409, type: "text/x.tlog.size", text: `${b.slice(4, b.indexOf("\n"))}\n` });
    expect(await codeOf(c.cosign(note, { oldSize: 9, proof: () => [] }))).toBe("ERR_WITNESS_REFUSED");
    let n = 0;
    answer = () => ({ status: 409, type: "text/x.tlog.size", text: `${++n}\n` });
    expect(await codeOf(c.cosign(note, { oldSize: 0, proof: (from) => t.consistencyProof(from, 9) }))).toBe(
      "ERR_WITNESS_REFUSED",
    );
    answer = () => ({ status: 409, text: "not a size" });
    expect(await codeOf(c.cosign(note, { oldSize: 0, proof: () => [] }))).toBe("ERR_WITNESS_REFUSED");
  });
});
