#!/usr/bin/env node
// chronoseal-lock-agent: wiring only — config, the device key, a driver (the built-in simulated
// one, or a hardware adapter module), the agent, the uplink, JSON logs, signals.
//   chronoseal-lock-agent --config lock.json
// Every tickMs the loop lets the driver act (simulated driver), runs the agent's timers and
// flushes the uplink. SIGTERM/SIGINT: finish the running step, stop cleanly, exit 0.
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { decodePrivateKey, initKeys } from "@chronoseal/core";
import {
  daily,
  FileAnchors,
  LockAgent,
  type LockDriver,
  MeshAnchors,
  monthly,
  SimulatedDriver,
  Uplink,
} from "@chronoseal/lock";
import { pino } from "pino";
import { ConfigError, type LockAgentConfig, loadConfig } from "./config.js";

function fail(message: string): never {
  console.error(`chronoseal-lock-agent: ${message}`);
  process.exit(2);
}

let configPath: string | undefined;
try {
  configPath = parseArgs({ options: { config: { type: "string" } } }).values.config;
} catch (e) {
  fail((e as Error).message);
}
if (!configPath) fail("usage: chronoseal-lock-agent --config FILE");
let config: LockAgentConfig;
try {
  config = loadConfig(resolve(configPath));
} catch (e) {
  fail(e instanceof ConfigError ? e.message : String(e));
}
// Synchronous writes keep the log in order up to process.exit.
const log = pino({ name: "lock-agent", level: config.logLevel }, pino.destination({ dest: 1, sync: true }));
await initKeys();
let keyPair: ReturnType<typeof decodePrivateKey>;
try {
  keyPair = decodePrivateKey(readFileSync(config.keyFile, "utf8"));
} catch (e) {
  fail(`keyFile ${config.keyFile}: ${(e as Error).message}`);
}

async function makeDriver(c: LockAgentConfig["driver"]): Promise<LockDriver & { step?(): Promise<void> }> {
  if (c.type === "simulated") {
    const { type: _t, startAt, ...options } = c;
    // A simulated lock may start its clock elsewhere in time (e.g. just before a month end).
    const offset = startAt ? Date.parse(startAt) - Date.now() : 0;
    return new SimulatedDriver({ ...options, now: () => Date.now() + offset });
  }
  const mod = (await import(pathToFileURL(c.path).href)) as {
    createDriver?: (o: unknown) => LockDriver | Promise<LockDriver>;
  };
  if (typeof mod.createDriver !== "function")
    fail(`driver module ${c.path} does not export createDriver(options)`);
  return mod.createDriver(c.options);
}

const driver = await makeDriver(config.driver);
const uplink = new Uplink({
  dir: config.dir,
  collector: config.collector,
  ...(config.uplink.batchSize ? { batchSize: config.uplink.batchSize } : {}),
  ...(config.uplink.backoffMs ? { backoff: config.uplink.backoffMs } : {}),
  ...(config.uplink.maxBackoffMs ? { maxBackoff: config.uplink.maxBackoffMs } : {}),
  now: () => driver.now(),
});
const agent = await LockAgent.start({
  dir: config.dir,
  door: config.door,
  keyPair,
  driver,
  anchors: config.mesh
    ? new MeshAnchors({ nodes: config.mesh.nodes, network: config.mesh.network, keyPair })
    : new FileAnchors(config.anchorsFile!),
  ...(config.period ? { period: config.period } : { periods: config.periods === "daily" ? daily : monthly }),
  ...(config.retainPeriods ? { retainPeriods: config.retainPeriods } : {}),
  ...(config.anchorEvery ? { anchorEvery: config.anchorEvery } : {}),
  ...(config.anchorIntervalMs ? { anchorInterval: config.anchorIntervalMs } : {}),
  ...(config.headIntervalMs !== undefined ? { headInterval: config.headIntervalMs } : {}),
  ...(config.unlockMs !== undefined ? { unlockMs: config.unlockMs } : {}),
  onEntry: (e) => log.info({ chain: e.chain, seq: e.seq, event: e.event }, "entry durable"),
  onAnchor: (_note, a) => log.info({ chain: a.chain, kind: a.kind, size: a.size }, "anchor"),
  onExpired: (chain) =>
    log.info(
      { chain },
      "chain expired: pseudonym key destroyed; its entries go once the collector deleted them",
    ),
});
uplink.attach(agent);
agent.subscribe({
  head: (_note, a, error) => {
    if (!error) log.debug({ chain: a.chain, size: a.size }, "head");
  },
});
log.info({ chain: agent.chain, entries: agent.entries, backlog: uplink.pending }, "lock agent started");

let stopping = false;
let running: Promise<void> | undefined;
let lastError = "";
let lastAnchorError = "";
async function step(): Promise<void> {
  try {
    await driver.step?.();
    await agent.tick();
    const r = await uplink.flush();
    if (r.error && r.error !== lastError) log.warn({ error: r.error, pending: uplink.pending }, "uplink");
    else if (r.sent > 0 || r.expired)
      log.debug({ sent: r.sent, expired: r.expired ?? 0, pending: uplink.pending }, "uplink");
    if (r.expired)
      log.info({ chains: r.expired }, "expired chains deleted at the collector and on the device");
    lastError = r.error ?? "";
    const backlog = agent.anchorBacklog;
    if (backlog.error && backlog.error !== lastAnchorError) log.warn(backlog, "anchor publication");
    lastAnchorError = backlog.error ?? "";
  } catch (e) {
    log.error({ err: String(e) }, "step failed");
  }
}
const timer = setInterval(() => {
  if (running || stopping) return; // the previous step is still running
  running = step().finally(() => {
    running = undefined;
  });
}, config.tickMs);

async function stop(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  clearInterval(timer);
  log.info({ signal }, "stopping");
  await running; // let the running step finish its writes
  await agent.stop();
  uplink.close();
  log.info({ backlog: uplink.pending }, "stopped");
  process.exit(0);
}
process.on("SIGTERM", () => void stop("SIGTERM"));
process.on("SIGINT", () => void stop("SIGINT"));
