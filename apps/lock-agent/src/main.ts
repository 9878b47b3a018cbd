#!/usr/bin/env node
// chronoseal-lock-agent: wiring only — config, the device key, the agent, a driver (the built-in
// simulated one), the uplink, JSON logs, signals.
//   chronoseal-lock-agent --config lock.json
import { randomBytes } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { parseArgs } from "node:util";
import { decodePrivateKey, fromBase64, initKeys } from "@chronoseal/core";
import { FileAnchors, LockAgent, SimulatedDriver, Uplink } from "@chronoseal/lock";
import { pino } from "pino";
import { loadConfig } from "./config.js";

const log = pino({ name: "lock-agent" });
const { values } = parseArgs({ options: { config: { type: "string" } } });
if (!values.config) {
  console.error("usage: chronoseal-lock-agent --config FILE");
  process.exit(2);
}
const path = resolve(values.config);
const config = loadConfig(path);
const at = (p: string) => resolve(dirname(path), p);
await initKeys();
const keyPair = decodePrivateKey(readFileSync(at(config.keyFile), "utf8"));
if (!existsSync(at(config.periodKeyFile)))
  writeFileSync(at(config.periodKeyFile), randomBytes(32).toString("base64"), { mode: 0o600 });
const periodKey = fromBase64(readFileSync(at(config.periodKeyFile), "utf8").trim(), "period key", 32);
const driver = new SimulatedDriver(config.simulated ?? {});
const uplink = new Uplink({ dir: at(config.dir), collector: config.collector });
const agent = await LockAgent.start({
  dir: at(config.dir),
  door: config.door,
  period: config.period,
  keyPair,
  periodKey,
  driver,
  anchors: new FileAnchors(at(config.anchorsFile)),
  ...(config.anchorEvery ? { anchorEvery: config.anchorEvery } : {}),
  ...(config.anchorIntervalMs ? { anchorInterval: config.anchorIntervalMs } : {}),
  onEntry: (e) => {
    uplink.enqueue(e);
    log.info({ chain: e.chain, seq: e.seq, event: e.event }, "entry");
  },
});
log.info({ chain: agent.chain, entries: agent.entries }, "lock agent started");

let busy = false;
const timer = setInterval(async () => {
  if (busy) return; // the previous tick is still running
  busy = true;
  try {
    await driver.step();
    await agent.tick();
    const r = await uplink.flush();
    if (r.error) log.warn({ error: r.error, pending: uplink.pending }, "uplink");
  } catch (e) {
    log.error({ err: String(e) }, "tick failed");
  } finally {
    busy = false;
  }
}, config.tickMs ?? 1000);

function stop(signal: string) {
  clearInterval(timer);
  if (busy) {
    // Let the running tick finish its fsync before closing the files.
    setTimeout(() => stop(signal), 10);
    return;
  }
  log.info({ signal }, "stopping");
  agent.stop();
  uplink.close();
  process.exit(0);
}
process.on("SIGTERM", () => stop("SIGTERM"));
process.on("SIGINT", () => stop("SIGINT"));
