// Graceful close over real sockets: a request in flight finishes (and its connection closes
// after the answer), an idle keep-alive connection is closed at once, and a peer stalled
// mid-body cannot hold the close beyond the grace period.
import { connect, type Socket } from "node:net";
import { describe, expect, it } from "vitest";
import { closeHttpServer, createHttpServer, listenOn } from "../src/index.js";

function open(url: string): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = connect(Number(new URL(url).port), "127.0.0.1", () => resolve(s));
    s.on("error", reject);
  });
}

/** Resolves with everything received once the socket is closed by the other side. */
function whenClosed(s: Socket): Promise<string> {
  let text = "";
  s.on("data", (d) => {
    text += d;
  });
  return new Promise((resolve) => s.once("close", () => resolve(text)));
}

/** Reads until one whole answer (headers and a content-length body) has arrived. */
function oneAnswer(s: Socket): Promise<string> {
  return new Promise((resolve) => {
    let text = "";
    const onData = (d: Buffer) => {
      text += d;
      const head = text.indexOf("\r\n\r\n");
      const len = Number(/content-length: (\d+)/i.exec(text)?.[1] ?? Number.NaN);
      if (head >= 0 && text.length >= head + 4 + len) {
        s.off("data", onData);
        resolve(text);
      }
    };
    s.on("data", onData);
  });
}

describe("graceful close", () => {
  it("lets a request in flight finish, closes idle keep-alive connections at once", async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => {
      release = r;
    });
    let entered!: () => void;
    const inHandler = new Promise<void>((r) => {
      entered = r;
    });
    const app = createHttpServer({ closeGraceMs: 60_000 });
    app.get("/slow", async () => {
      entered();
      await gate;
      return { done: true };
    });
    app.get("/fast", async () => ({ fast: true }));
    const url = await listenOn(app, "127.0.0.1", 0);

    // an idle kept-alive connection (one answered request)
    const idle = await open(url);
    idle.write("GET /fast HTTP/1.1\r\nHost: x\r\n\r\n");
    expect(await oneAnswer(idle)).toMatch(/^HTTP\/1\.1 200/);
    const idleClosed = whenClosed(idle);
    // a busy one
    const busy = await open(url);
    const busyClosed = whenClosed(busy);
    busy.write("GET /slow HTTP/1.1\r\nHost: x\r\n\r\n");
    await inHandler;

    let closed = false;
    const closing = app.close().then(() => {
      closed = true;
    });
    await idleClosed; // at once: the 60 s grace would time the test out
    expect(closed).toBe(false);
    release();
    const answer = await busyClosed;
    expect(answer).toMatch(/^HTTP\/1\.1 200/);
    expect(answer.toLowerCase()).toContain("connection: close");
    expect(answer).toContain('{"done":true}');
    await closing;
  });

  it("forces a peer stalled mid-body off after the grace period", async () => {
    const app = createHttpServer();
    app.post("/in", async (request) => ({ got: request.body }));
    const url = await listenOn(app, "127.0.0.1", 0);
    const stalled = await open(url);
    const stalledClosed = whenClosed(stalled);
    stalled.write(
      'POST /in HTTP/1.1\r\nHost: x\r\ncontent-type: application/json\r\ncontent-length: 100\r\n\r\n{"a":',
    );
    // the body has started arriving: the request is in flight
    await new Promise<void>((resolve) => app.server.once("request", () => resolve()));
    await closeHttpServer(app, 100);
    await stalledClosed;
  });
});
