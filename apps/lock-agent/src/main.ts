#!/usr/bin/env node
// chronoseal-lock-agent: wiring only — config, the device key, a driver (the built-in simulated
// one, or a hardware adapter module), the agent, the uplink, JSON logs, signals.
//   chronoseal-lock-agent --config lock.json
// Every tickMs the loop lets the driver act (simulated driver), runs the agent's timers and
// flushes the uplink. SIGTERM/SIGINT: finish the running step, stop cleanly, exit 0.
// --help prints the usage, --version the version; both exit 0. The start-up runs in main(), not
// at the top level: an entry without top-level await bundles into the single executable (a
// CommonJS script, see scripts/bin).
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
import { version } from "./version.js";

const USAGE = `usage: chronoseal-lock-agent --config FILE
  --config FILE  the lock's configuration (JSON); see the lock-agent README
  --help         print this help and exit
  --version      print the version and exit`;

function fail(message: string): never {
  console.error(`chronoseal-lock-agent: ${message}`);
  process.exit(2);
}

let configPath: string | undefined;
try {
  const { values } = parseArgs({
    options: {
      config: { type: "string" },
      help: { type: "boolean", short: "h" },
      version: { type: "boolean" },
    },
  });
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  if (values.version) {
    console.log(version());
    process.exit(0);
  }
  configPath = values.config;
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
async function main(): Promise<void> {
  await initKeys();
  let keyPair: ReturnType<typeof decodePrivateKey>;
  try {
    keyPair = decodePrivateKey(readFileSync(config.keyFile, "utf8"));
  } catch (e) {
    fail(`keyFile ${config.keyFile}: ${(e as Error).message}`);
  }

  async function makeDriver(c: LockAgentConfig["driver"]): Promise<LockDriver & { step?(): Promise<void> }> {
    if (c.type === "simulated") {
      const { type: _t, ...options } = c;
      return new SimulatedDriver(options);
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
    ...(config.period
      ? { period: config.period }
      : { periods: config.periods === "daily" ? daily : monthly }),
    ...(config.retainPeriods ? { retainPeriods: config.retainPeriods } : {}),
    ...(config.anchorEvery ? { anchorEvery: config.anchorEvery } : {}),
    ...(config.anchorIntervalMs ? { anchorInterval: config.anchorIntervalMs } : {}),
    ...(config.unlockMs !== undefined ? { unlockMs: config.unlockMs } : {}),
    onEntry: (e) => log.info({ chain: e.chain, seq: e.seq, event: e.event }, "entry durable"),
    onAnchor: (_note, a) => log.info({ chain: a.chain, kind: a.kind, size: a.size }, "anchor"),
    onExpired: (chain) => log.info({ chain }, "chain expired: entries and pseudonym key deleted"),
  });
  uplink.attach(agent);
  log.info({ chain: agent.chain, entries: agent.entries, backlog: uplink.pending }, "lock agent started");

  let stopping = false;
  let running: Promise<void> | undefined;
  let lastError = "";
  async function step(): Promise<void> {
    try {
      await driver.step?.();
      await agent.tick();
      const r = await uplink.flush();
      if (r.error && r.error !== lastError) log.warn({ error: r.error, pending: uplink.pending }, "uplink");
      else if (r.sent > 0) log.debug({ sent: r.sent, pending: uplink.pending }, "uplink");
      lastError = r.error ?? "";
      const backlog = agent.anchorBacklog;
      if (backlog.error) log.warn(backlog, "anchor publication");
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
}

void main();
