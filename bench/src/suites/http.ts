// The shared HTTP layer (@chronoseal/http: fastify with our content-type, UTF-8 and strict JSON
// checks, error body, logging hooks) against a bare node:http server doing the same work by
// hand (read the body, check the type, decode, JSON.parse, answer JSON), both on loopback with
// keep-alive, in the same run: the cost of using the framework instead of hand-written routing.
// Each operation is 200 sequential requests from one keep-alive client (fetch).
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { createRequire } from "node:module";
import type { AddressInfo } from "node:net";
import { parseJson } from "@chronoseal/core";
import { createHttpServer, listenOn } from "@chronoseal/http";
import { measure, quick, ratio, type SuiteResult } from "../harness.js";

const N = 200;
const body = JSON.stringify({
  nonce: "x".repeat(44),
  items: Array.from({ length: 20 }, (_, i) => ({ i, v: "y".repeat(32) })),
});

function bare(): ReturnType<typeof createServer> {
  return createServer((req: IncomingMessage, res: ServerResponse) => {
    const send = (status: number, value: unknown) => {
      const text = JSON.stringify(value);
      res.writeHead(status, {
        "content-type": "application/json",
        "content-length": Buffer.byteLength(text),
      });
      res.end(text);
    };
    if (req.method === "GET" && req.url === "/v1/ping") return send(200, { node: "k", networks: [] });
    if (req.method === "POST" && req.url === "/v1/echo") {
      const type = req.headers["content-type"] ?? "application/json";
      if (!type.startsWith("application/json")) return send(415, { error: "type", code: "ERR_CONTENT_TYPE" });
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        try {
          const v = parseJson(new TextDecoder("utf-8", { fatal: true }).decode(Buffer.concat(chunks))) as {
            items: unknown[];
          };
          send(200, { n: v.items.length });
        } catch (e) {
          send(400, { error: (e as Error).message, code: "ERR_JSON" });
        }
      });
      return;
    }
    send(404, { error: "no route", code: "ERR_NOT_FOUND" });
  });
}

async function loop(base: string, post: boolean): Promise<void> {
  for (let i = 0; i < N; i++) {
    const r = post
      ? await fetch(`${base}/v1/echo`, {
          method: "POST",
          body,
          headers: { "content-type": "application/json" },
        })
      : await fetch(`${base}/v1/ping`);
    if (r.status !== 200) throw new Error(`HTTP ${r.status}`);
    await r.arrayBuffer();
  }
}

/** The fastify version @chronoseal/http resolves. */
function fastifyVersion(): string {
  try {
    const req = createRequire(import.meta.resolve("@chronoseal/http"));
    return (req("fastify/package.json") as { version: string }).version;
  } catch {
    return "unknown";
  }
}

export async function httpSuite(): Promise<SuiteResult> {
  console.log("http: the shared HTTP layer (fastify) vs bare node:http, loopback, keep-alive");
  const app = createHttpServer();
  app.get("/v1/ping", async () => ({ node: "k", networks: [] }));
  app.post("/v1/echo", async (request) => ({ n: (request.body as { items: unknown[] }).items.length }));
  const ours = await listenOn(app, "127.0.0.1", 0);
  const plain = bare();
  await new Promise<void>((r) => plain.listen(0, "127.0.0.1", r));
  const theirs = `http://127.0.0.1:${(plain.address() as AddressInfo).port}`;
  const time = quick ? 1000 : 3000;
  const o = { unitsPerOp: N, unit: "request", time, iterations: 3 };
  try {
    const g1 = await measure(`GET ×${N}`, "@chronoseal/http (fastify)", () => loop(ours, false), o);
    const g2 = await measure(`GET ×${N}`, "bare node:http", () => loop(theirs, false), o);
    const p1 = await measure(
      `POST 1.6 KB JSON ×${N}`,
      "@chronoseal/http (fastify)",
      () => loop(ours, true),
      o,
    );
    const p2 = await measure(`POST 1.6 KB JSON ×${N}`, "bare node:http", () => loop(theirs, true), o);
    return {
      suite: "http",
      measurements: [g1, g2, p1, p2],
      ratios: [
        ratio("GET: http layer vs bare node:http", g1, g2),
        ratio("POST: http layer vs bare node:http", p1, p2),
      ],
      notes: [
        `fastify ${fastifyVersion()} (through @chronoseal/http), Node ${process.version}.`,
        "Sequential requests from one fetch client, so both sides include the client's cost; a ratio near 1 means the framework costs little next to the request itself.",
      ],
    };
  } finally {
    await app.close();
    await new Promise((r) => plain.close(r));
  }
}
