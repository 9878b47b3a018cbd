// A real node's HTTP API on loopback: every refusal has the one error body { error, code } with
// the status the API documents, malformed %-encodings are 400 (a bad admin segment was a 500),
// and the node keeps serving after each.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { generateKeyPair, initKeys, toBase64 } from "@chronoseal/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signEntry } from "../src/entries.js";
import { MeshNode } from "../src/node.js";

let node: MeshNode;
let net = "";
let base = "";
let writer: ReturnType<typeof generateKeyPair>;

beforeAll(async () => {
  await initKeys();
  writer = generateKeyPair();
  const admin = generateKeyPair();
  const network = toBase64(admin.publicKey);
  const settings = signEntry(
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
    stateDir: mkdtempSync(join(tmpdir(), "mesh-api-")),
    host: "127.0.0.1",
    port: 0,
    nodeKey: generateKeyPair(),
    networks: [{ admin: network, priority: 1, settings }],
    claims: ["api"],
    gossipMs: 60_000,
  });
  await node.start();
  net = network;
  base = `${node.url}/v1/networks/${encodeURIComponent(network)}`;
});
afterAll(() => node.stop(100));

async function refused(r: Response, status: number, code: string): Promise<Record<string, unknown>> {
  const body = (await r.json()) as Record<string, unknown>;
  expect({ status: r.status, code: body.code }).toEqual({ status, code });
  expect(typeof body.error).toBe("string");
  return body;
}

const post = (url: string, body: string, type = "application/json") =>
  fetch(url, { method: "POST", body, headers: { "content-type": type } });

describe("mesh HTTP API refusals", () => {
  it("URLs: bad %-encodings 400, unknown network 404, unknown route 404, wrong method 405", async () => {
    await refused(await fetch(`${node.url}/v1/networks/%zz/digest`), 400, "ERR_URL");
    await refused(await fetch(`${base}/sections/%E0%A4%A`), 400, "ERR_URL");
    await refused(await fetch(`${base}/entries?kind=%zz`), 400, "ERR_URL");
    const other = encodeURIComponent(toBase64(generateKeyPair().publicKey));
    await refused(await fetch(`${node.url}/v1/networks/${other}/digest`), 404, "ERR_UNKNOWN_NETWORK");
    await refused(await fetch(`${base}/nope`), 404, "ERR_NOT_FOUND");
    await refused(await fetch(`${node.url}/v1/status`, { method: "DELETE" }), 405, "ERR_METHOD");
    await refused(await fetch(`${base}/push`), 405, "ERR_METHOD");
    await refused(await fetch(`${base}/entries?status=bogus`), 400, "ERR_QUERY");
    await refused(await fetch(`${base}/entries?limit=3`), 400, "ERR_QUERY");
    expect((await (await fetch(`${base}/entries?kind=claim&status=pending`)).json()) as object).toMatchObject(
      {
        count: 1,
      },
    );
  });

  it("bodies: bad JSON 400, schema 400, wrong type 415, too large 413, all rejected 422", async () => {
    await refused(await post(`${base}/push`, "{nope"), 400, "ERR_JSON");
    await refused(await post(`${base}/entries`, '[{"a":1,"a":1}]'), 400, "ERR_JSON");
    await refused(await post(`${base}/entries`, JSON.stringify([{ kind: 7 }])), 400, "ERR_MALFORMED");
    await refused(await post(`${base}/entries`, "{}"), 400, "ERR_MALFORMED");
    await refused(
      await post(
        `${base}/push`,
        JSON.stringify({ version: 1, network: net, entries: [{ kind: "claim" }], attestations: {} }),
      ),
      400,
      "ERR_MALFORMED",
    );
    await refused(await post(`${base}/slice`, JSON.stringify({ buckets: [256] })), 400, "ERR_MALFORMED");
    await refused(
      await post(`${base}/reconcile`, JSON.stringify({ summaries: { 999: [] } })),
      400,
      "ERR_MALFORMED",
    );
    await refused(
      await post(`${base}/entries`, "[]", "application/x-www-form-urlencoded"),
      415,
      "ERR_CONTENT_TYPE",
    );
    await refused(await post(`${base}/push`, "x".repeat(17 << 20)), 413, "ERR_TOO_LARGE");
    await refused(
      await post(`${base}/slice`, JSON.stringify({ buckets: Array(40_000).fill(1) })),
      413,
      "ERR_TOO_LARGE",
    );
    await refused(
      await post(`${node.url}/v1/probe`, JSON.stringify({ url: "http://127.0.0.1:1" })),
      400,
      "ERR_PEER",
    );
    const forged = {
      ...signEntry(
        {
          kind: "claim",
          network: net,
          writer: toBase64(writer.publicKey),
          last_updated: new Date().toISOString(),
          hostname: "mine",
        },
        writer.secretKey,
      ),
      hostname: "stolen",
    };
    const body = await refused(await post(`${base}/entries`, JSON.stringify([forged])), 422, "ERR_REJECTED");
    expect(body.report).toMatchObject({ added: 0, rejected: { "invalid-signature": 1 } });
    // still serving, and nothing stored from any of it
    const status = (await (await fetch(`${node.url}/v1/status`)).json()) as {
      networks: { entries: number; rejected: Record<string, number> }[];
    };
    expect(status.networks[0]).toMatchObject({ entries: 3, rejected: { "invalid-signature": 1 } });
  });
});
