// The node's ingest pool: bodies of pushes and writes are prepared (parsed, schema-checked,
// counted, verified: ingest-prepare.ts) one at a time in a worker thread, and handed back chunk
// by chunk, so a 16 MiB hostile body never blocks the event loop: status, ping and gossip keep
// answering. Small bodies are prepared inline, in slices that yield. The worker is ended after a
// large body (its heap goes back to the system) and after an idle while; a queue of more than
// `maxQueued` waiting bodies is refused (503), so bodies held in memory stay bounded.
// Without the compiled worker next to this module (tests running from source) every body is
// prepared inline.
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import type { PreparedChunk, PrepareRequest, PrepareResult } from "./ingest-prepare.js";
import { prepareIngest } from "./ingest-prepare.js";
import type { IngestReport } from "./state.js";

export type PoolResult =
  | { ok: true; report: IngestReport; entries: number }
  | { ok: false; status: 400 | 413 | 503; code: string; error: string };

export interface IngestPoolOptions {
  /** Bodies smaller than this are prepared inline (default 64 KiB). */
  inlineBelow?: number;
  /** End the worker after a body at least this large (default 1 MiB). */
  largeBody?: number;
  /** End an idle worker after this long (default 30 s). */
  idleMs?: number;
  /** Bodies waiting beyond the one being prepared (default 2); more are refused with 503. */
  maxQueued?: number;
  /** The worker script (default: the compiled ingest-worker.js next to this module, if present). */
  workerUrl?: URL | null;
}

type Message =
  | { job: number; chunk: PreparedChunk }
  | { job: number; done: PrepareResult | { ok: true; report: IngestReport; entries: number } }
  | { job: number; error: string };

const pause = () => new Promise<void>((r) => setImmediate(r));

function defaultWorker(): URL | null {
  const url = new URL("./ingest-worker.js", import.meta.url);
  return url.protocol === "file:" && existsSync(fileURLToPath(url)) ? url : null;
}

export class IngestPool {
  private worker: Worker | undefined;
  private idle: NodeJS.Timeout | undefined;
  private jobs = 0;
  private busy: Promise<unknown> = Promise.resolve();
  private waiting = 0;
  private readonly workerUrl: URL | null;

  constructor(private readonly o: IngestPoolOptions = {}) {
    this.workerUrl = o.workerUrl === undefined ? defaultWorker() : o.workerUrl;
  }

  /** Whether bodies are prepared in a worker thread (else inline). */
  get threaded(): boolean {
    return this.workerUrl !== null;
  }

  /**
   * Prepares a body and calls `take` with each chunk of what passed, in order (awaiting it);
   * resolves with the rejections counted, or with the refusal.
   */
  run(req: PrepareRequest, take: (chunk: PreparedChunk) => Promise<void> | void): Promise<PoolResult> {
    if (this.waiting > (this.o.maxQueued ?? 2))
      return Promise.resolve({
        ok: false,
        status: 503,
        code: "ERR_BUSY",
        error: "too many bodies waiting to be verified; try again",
      });
    this.waiting++;
    const job = this.busy.then(() => {
      this.waiting--;
      return this.one(req, take);
    });
    this.busy = job.catch(() => undefined);
    return job;
  }

  private async one(req: PrepareRequest, take: (chunk: PreparedChunk) => Promise<void> | void) {
    if (!this.workerUrl || req.body.byteLength < (this.o.inlineBelow ?? 64 << 10)) {
      const r = await prepareIngest(req, pause);
      if (!r.ok) return r;
      for (const chunk of r.chunks) {
        await take(chunk);
        await pause();
      }
      return { ok: true as const, report: r.report, entries: r.entries };
    }
    clearTimeout(this.idle);
    const worker = this.ensureWorker();
    const id = ++this.jobs;
    const large = req.body.byteLength >= (this.o.largeBody ?? 1 << 20);
    try {
      return await new Promise<PoolResult>((resolve, reject) => {
        let chain = Promise.resolve();
        const onMessage = (m: Message) => {
          if (m.job !== id) return;
          chain = chain.then(async () => {
            if ("chunk" in m) {
              await take(m.chunk);
              return;
            }
            worker.off("message", onMessage);
            worker.off("error", onError);
            if ("error" in m) reject(new Error(`ingest worker: ${m.error}`));
            else resolve(m.done as PoolResult);
          });
          chain.catch((e) => {
            worker.off("message", onMessage);
            worker.off("error", onError);
            reject(e);
          });
        };
        const onError = (e: Error) => {
          worker.off("message", onMessage);
          this.worker = undefined;
          reject(e);
        };
        worker.on("message", onMessage);
        worker.once("error", onError);
        // The body is moved to the worker, not copied (copied once when it shares its memory).
        const own =
          req.body.byteOffset === 0 && req.body.byteLength === req.body.buffer.byteLength
            ? req.body
            : new Uint8Array(req.body);
        const body = own instanceof Uint8Array ? own : new Uint8Array(own);
        worker.postMessage({ job: id, request: { ...req, body } }, [body.buffer as ArrayBuffer]);
      });
    } finally {
      if (large) await this.endWorker();
      else if (this.worker) {
        this.idle = setTimeout(() => void this.endWorker(), this.o.idleMs ?? 30_000);
        this.idle.unref();
      }
    }
  }

  private ensureWorker(): Worker {
    if (this.worker) return this.worker;
    const w = new Worker(this.workerUrl!);
    w.unref();
    w.on("exit", () => {
      if (this.worker === w) this.worker = undefined;
    });
    this.worker = w;
    return w;
  }

  private async endWorker(): Promise<void> {
    clearTimeout(this.idle);
    const w = this.worker;
    this.worker = undefined;
    if (w && this.waiting === 0) await w.terminate();
    else if (w) this.worker = w;
  }

  /** Ends the worker (the node is stopping). */
  async close(): Promise<void> {
    clearTimeout(this.idle);
    const w = this.worker;
    this.worker = undefined;
    await w?.terminate();
  }
}
