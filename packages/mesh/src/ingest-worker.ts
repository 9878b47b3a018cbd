// The ingest worker thread: runs prepareIngest (parse, schema, ids, signature verification) for
// the node's ingest pool (ingest-pool.ts), so a large or hostile body never blocks the node's
// event loop. Answers each request with the result, chunk by chunk, so the node takes one chunk
// at a time.
import { parentPort } from "node:worker_threads";
import { init } from "@chronoseal/core";
import { type PrepareRequest, prepareIngest } from "./ingest-prepare.js";

const port = parentPort;
if (port) {
  port.on("message", async (msg: { job: number; request: PrepareRequest }) => {
    try {
      await init();
      const r = await prepareIngest(msg.request);
      if (!r.ok) {
        port.postMessage({ job: msg.job, done: r });
        return;
      }
      for (const chunk of r.chunks) port.postMessage({ job: msg.job, chunk });
      port.postMessage({ job: msg.job, done: { ok: true, report: r.report, entries: r.entries } });
    } catch (e) {
      port.postMessage({ job: msg.job, error: String((e as Error)?.message ?? e) });
    }
  });
}
