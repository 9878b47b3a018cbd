// The HTTP layer over real loopback sockets: one error body for every refusal (routes' own,
// fastify's 404/413/415/400, malformed URLs, %-encodings and raw HTTP), content-type and UTF-8
// checks, request logs through pino, the metrics hook, and the port-in-use start-up error.
import { connect } from "node:net";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createHttpServer,
  HttpError,
  type HttpServer,
  listenOn,
  type RequestRecord,
  StartupError,
} from "../src/index.js";

const lines: { level: number; msg: string; [k: string]: unknown }[] = [];
const logger = pino({ level: "debug" }, { write: (s: string) => void lines.push(JSON.parse(s)) });
const records: RequestRecord[] = [];
let app: HttpServer;
let base = "";

beforeAll(async () => {
  app = createHttpServer({ logger, observe: (r) => records.push(r) });
  app.get("/ok", async () => ({ ok: true }));
  app.post("/json", { bodyLimit: 1024 }, async (request) => ({ got: request.body }));
  app.post("/text", { bodyLimit: 64, config: { body: "text" } }, async (request) => ({ text: request.body }));
  app.post("/any", { bodyLimit: 64, config: { body: "text-any" } }, async (request) => ({
    text: request.body,
  }));
  app.get<{ Params: { id: string } }>("/items/:id", async (request) => ({ id: request.params.id }));
  app.get("/boom", async () => {
    throw new Error("secret internal detail");
  });
  app.get("/refuse", async () => {
    throw new HttpError(409, "ERR_CONFLICT", "already there", { extra: { index: 3, code: "ERR_OTHER" } });
  });
  base = await listenOn(app, "127.0.0.1", 0);
});
afterAll(() => app.close());

/** Sends raw bytes and returns the whole answer (the server closes these connections). */
function raw(text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = connect(Number(new URL(base).port), "127.0.0.1");
    let out = "";
    s.on("data", (d) => {
      out += d;
    });
    s.on("close", () => resolve(out));
    s.on("error", reject);
    s.write(text);
  });
}

async function refusal(res: Response): Promise<{ status: number; code: string; error: string }> {
  const body = (await res.json()) as { error: string; code: string };
  expect(Object.keys(body).sort()).toEqual(["code", "error"]);
  expect(res.headers.get("content-type")).toMatch(/^application\/json/);
  return { status: res.status, ...body };
}

describe("one error body", () => {
  it("routes' own refusals keep their status, code and extra fields", async () => {
    const r = await fetch(`${base}/refuse`);
    expect(r.status).toBe(409);
    // error and code first, and a route's extra fields never replace them
    expect(await r.text()).toBe('{"error":"already there","code":"ERR_CONFLICT","index":3}');
  });

  it("an internal error is 500 ERR_INTERNAL without its detail, and logged at error", async () => {
    expect(await refusal(await fetch(`${base}/boom`))).toEqual({
      status: 500,
      code: "ERR_INTERNAL",
      error: "internal error",
    });
    expect(lines.some((l) => l.msg === "internal error" && l.level === 50)).toBe(true);
  });

  it("404 for unknown routes, 405 with Allow for a known path under another method", async () => {
    expect(await refusal(await fetch(`${base}/nope`))).toMatchObject({ status: 404, code: "ERR_NOT_FOUND" });
    const r = await fetch(`${base}/json`, { method: "GET" });
    expect(r.headers.get("allow")).toBe("POST");
    expect(await refusal(r)).toMatchObject({ status: 405, code: "ERR_METHOD" });
    const p = await fetch(`${base}/items/7`, { method: "DELETE" });
    expect(p.headers.get("allow")).toBe("GET, HEAD");
    expect(p.status).toBe(405);
  });

  it("413 for a declared or a streamed body over the route's limit", async () => {
    expect(
      await refusal(await fetch(`${base}/json`, { method: "POST", body: JSON.stringify("x".repeat(2000)) })),
    ).toEqual({ status: 413, code: "ERR_TOO_LARGE", error: "body larger than 1024 bytes" });
    const chunked = new ReadableStream({
      start(c) {
        for (let i = 0; i < 10; i++) c.enqueue(new TextEncoder().encode(`"${"y".repeat(200)}"`));
        c.close();
      },
    });
    const r = await fetch(`${base}/json`, { method: "POST", body: chunked, duplex: "half" } as RequestInit);
    expect(await refusal(r)).toMatchObject({ status: 413, code: "ERR_TOO_LARGE" });
    expect(
      await refusal(await fetch(`${base}/text`, { method: "POST", body: "z".repeat(65) })),
    ).toMatchObject({ status: 413, code: "ERR_TOO_LARGE" });
  });

  it("415 for content types a route does not take, before reading the body", async () => {
    const post = (path: string, type: string) =>
      fetch(`${base}${path}`, { method: "POST", body: "[1]", headers: { "content-type": type } });
    for (const type of [
      "application/x-www-form-urlencoded",
      "multipart/form-data; boundary=x",
      "application/octet-stream",
      "application/xml",
      "application/json; charset=latin1",
      "text/plain; charset=utf-16",
    ])
      expect(await refusal(await post("/json", type)), type).toMatchObject({
        status: 415,
        code: "ERR_CONTENT_TYPE",
      });
    expect((await refusal(await post("/text", "application/json"))).status).toBe(415);
    for (const type of [
      "application/json",
      "application/json; charset=UTF-8",
      "text/plain",
      "application/vnd.x+json",
    ])
      expect(await (await post("/json", type)).json(), type).toEqual({ got: [1] });
    // text-any: UTF-8 text whatever the type (a protocol's clients send their own); a charset
    // other than UTF-8 is still refused, and the body must still be UTF-8.
    for (const type of ["application/octet-stream", "text/x.tlog.witness", "application/json"])
      expect(await (await post("/any", type)).json(), type).toEqual({ text: "[1]" });
    expect((await refusal(await post("/any", "text/plain; charset=latin1"))).status).toBe(415);
    const badUtf8 = await fetch(`${base}/any`, { method: "POST", body: new Uint8Array([0x61, 0xff]) });
    expect((await refusal(badUtf8)).code).toBe("ERR_ENCODING");
    // no content type at all (what a bare byte body gets)
    const bare = await fetch(`${base}/json`, { method: "POST", body: new TextEncoder().encode("[2]") });
    expect(await bare.json()).toEqual({ got: [2] });
  });

  it("400 ERR_JSON for bad or ambiguous JSON, 400 ERR_ENCODING for bad UTF-8", async () => {
    const post = (body: string | Uint8Array<ArrayBuffer>) => fetch(`${base}/json`, { method: "POST", body });
    for (const body of ["{", '{"a":1,"a":2}', "[1] [2]", "", '"\\ud800"'])
      expect(await refusal(await post(body)), JSON.stringify(body)).toMatchObject({
        status: 400,
        code: "ERR_JSON",
      });
    for (const bytes of [
      [0x5b, 0xff, 0x5d],
      [0x22, 0xc0, 0xaf, 0x22],
      [0x22, 0xed, 0xa0, 0x80, 0x22],
    ])
      expect(await refusal(await post(new Uint8Array(bytes)))).toMatchObject({
        status: 400,
        code: "ERR_ENCODING",
      });
    const t = await fetch(`${base}/text`, { method: "POST", body: new Uint8Array([0x61, 0xff]) });
    expect((await refusal(t)).code).toBe("ERR_ENCODING");
    expect(await (await fetch(`${base}/text`, { method: "POST", body: "héllo" })).json()).toEqual({
      text: "héllo",
    });
  });

  it("malformed %-encodings and URLs are 400 with the same body, never 500", async () => {
    expect(await (await fetch(`${base}/items/a%2Fb`)).json()).toEqual({ id: "a/b" });
    for (const path of ["/items/%zz", "/items/%E0%A4%A", "/items/%ff", "/items/%"]) {
      const r = await fetch(`${base}${path}`);
      expect(await refusal(r), path).toMatchObject({ status: 400, code: "ERR_URL" });
    }
    expect(await refusal(await fetch(`${base}/items/${"a".repeat(600)}`))).toMatchObject({
      status: 414,
      code: "ERR_URL",
    });
    for (const path of ["/ok?x=%zz", "/ok?x=%E0%A4%A", "/items/1?y=%"])
      expect(await refusal(await fetch(`${base}${path}`)), path).toMatchObject({
        status: 400,
        code: "ERR_URL",
      });
    for (const path of ["/%zz", "/ok%zz"]) {
      const r = await fetch(`${base}${path}`);
      expect(r.status, path).toBeGreaterThanOrEqual(400);
      expect(r.status, path).toBeLessThan(500);
      expect(Object.keys((await r.json()) as object).sort(), path).toEqual(["code", "error"]);
    }
  });

  it("malformed HTTP gets our body too", async () => {
    for (const request of [
      "GET /ok HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n",
      "G@T /ok HTTP/1.1\r\n\r\n",
      "GET /o k HTTP/1.1\r\nHost: x\r\n\r\n",
      `GET /ok HTTP/1.1\r\nHost: x\r\nX: ${"a".repeat(20_000)}\r\n\r\n`,
    ]) {
      const answer = await raw(request);
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(answer)?.[1]);
      expect(status, request.slice(0, 40)).toBeGreaterThanOrEqual(400);
      expect(status).toBeLessThan(500);
      const body = JSON.parse(answer.slice(answer.indexOf("\r\n\r\n") + 4)) as { code: string };
      expect(body.code).toMatch(/^ERR_(HTTP|HEADERS_TOO_LARGE)$/);
    }
  });
});

describe("logs and metrics", () => {
  it("logs each request at debug and each refusal at warn; reports route patterns to the hook", async () => {
    records.length = 0;
    await (await fetch(`${base}/items/42`)).json();
    await (await fetch(`${base}/json`, { method: "POST", body: "{" })).json();
    await (await fetch(`${base}/nowhere`)).json();
    await (await fetch(`${base}/items/%zz`)).json();
    expect(records).toEqual([
      { method: "GET", route: "/items/:id", status: 200, durationMs: expect.any(Number) },
      { method: "POST", route: "/json", status: 400, durationMs: expect.any(Number) },
      { method: "GET", route: undefined, status: 404, durationMs: expect.any(Number) },
      { method: "GET", route: undefined, status: 400, durationMs: expect.any(Number) },
    ]);
    const request = lines.find((l) => l.msg === "request" && l.url === "/items/42");
    expect(request).toMatchObject({ level: 20, method: "GET", status: 200, reqId: expect.any(String) });
    expect(lines.find((l) => l.msg === "bad request" && l.code === "ERR_JSON")).toMatchObject({ level: 40 });
  });
});

describe("listenOn", () => {
  it("a port in use is a StartupError naming the address", async () => {
    const other = createHttpServer();
    const port = Number(new URL(base).port);
    const e = await listenOn(other, "127.0.0.1", port).catch((err: unknown) => err);
    expect(e).toBeInstanceOf(StartupError);
    expect(e).toMatchObject({
      code: "ERR_LISTEN",
      message: `cannot listen on 127.0.0.1:${port}: address already in use`,
    });
    await other.close();
  });
});
