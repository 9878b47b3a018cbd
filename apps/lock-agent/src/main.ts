#!/usr/bin/env node
// chronoseal-lock-agent: wiring only — config, the device key, a driver (the built-in simulated
// one, or a hardware adapter module), the access decision, the agent, the uplink, JSON logs,
// signals.
//   chronoseal-lock-agent --config lock.json                 run the lock
//   chronoseal-lock-agent --config lock.json --decommission  close its chain for good and deliver
// Every tickMs the loop lets the driver act (simulated driver), runs the agent's timers and
// flushes the uplink. SIGTERM/SIGINT: finish the running step, anchor what is unanchored, stop
// cleanly, exit 0. A decommissioned door, a device directory in use, or a bad config: exit 2 with
// one line saying so. --help prints the usage, --version the version; both exit 0. The start-up
// runs in main(), not at the top level: an entry without top-level await bundles into the single
// executable (a CommonJS script, see scripts/bin).
// Operations: CHRONOSEAL_LOCK_AGENT_* variables override config fields (env.ts); the status goes to
// <dir>/status.json and <dir>/metrics.prom, and with status.listen to a local endpoint (status.ts);
// SIGHUP reloads logLevel, tickMs and the authorization file (reload.ts), keeping the running ones
// when a file is bad.
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { decodePrivateKey, initKeys } from "@chronoseal/core";
import {
  type Authorize,
  AuthorizeError,
  acquireDevice,
  agentOptionsFor,
  anchorSinkFor,
  DecommissionedError,
  DeviceBusyError,
  decommissionDevice,
  LockAgent,
  type LockDriver,
  loadAuthorizer,
  SimulatedDriver,
  uplinkFor,
  WitnessedAnchors,
} from "@chronoseal/lock";
import { pino } from "pino";
import { ConfigError, type LockAgentConfig, loadConfig } from "./config.js";
import { reload } from "./reload.js";
import { AgentStatus } from "./status.js";
import { version } from "./version.js";

const USAGE = `usage: chronoseal-lock-agent --config FILE [--decommission]
  --config FILE   the lock's configuration (JSON); see the lock-agent README
  --decommission  close the door's chain for good (final anchor), deliver what is queued, exit
  --help          print this help and exit
  --version       print the version and exit`;

function fail(message: string): never {
  console.error(`chronoseal-lock-agent: ${message}`);
  process.exit(2);
}

let args: { config?: string; decommission?: boolean };
try {
  const { values } = parseArgs({
    options: {
      config: { type: "string" },
      decommission: { type: "boolean", default: false },
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
  args = values;
} catch (e) {
  fail((e as Error).message);
}
if (!args.config) fail("usage: chronoseal-lock-agent --config FILE [--decommission]");
let config: LockAgentConfig;
try {
  config = loadConfig(resolve(args.config), { env: process.env });
} catch (e) {
  fail(e instanceof ConfigError ? e.message : String(e));
}
// Synchronous writes keep the log in order up to process.exit.
const log = pino({ name: "lock-agent", level: config.logLevel }, pino.destination({ dest: 1, sync: true }));
/** Expected refusals end the process with one line, not a stack trace. */
function refuse(e: unknown): never {
  if (e instanceof DecommissionedError)
    fail(
      `${e.message}; \`chronoseal lock decommission --config ${args.config}\` delivers anything still queued`,
    );
  if (e instanceof DeviceBusyError || e instanceof AuthorizeError) fail(e.message);
  throw e;
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

async function main(): Promise<void> {
  // Until the agent runs, a SIGHUP is ignored (its default would end the process).
  const early = () => log.warn("reload ignored: still starting");
  process.on("SIGHUP", early);
  await initKeys();
  let keyPair: ReturnType<typeof decodePrivateKey>;
  try {
    keyPair = decodePrivateKey(readFileSync(config.keyFile, "utf8"));
  } catch (e) {
    fail(`keyFile ${config.keyFile}: ${(e as Error).message}`);
  }

  const driver = await makeDriver(config.driver);

  if (args.decommission) {
    const report = await decommissionDevice({ config, keyPair, now: () => driver.now() }).catch(refuse);
    log.info(report, report.decommissioned ? "decommissioned" : "already decommissioned");
    if (report.pendingEntries || report.pendingAnchors)
      log.warn(report, "not everything was delivered; run --decommission again to retry");
    process.exit(report.pendingEntries || report.pendingAnchors ? 1 : 0);
  }

  let release: () => void;
  try {
    release = acquireDevice(config.dir);
  } catch (e) {
    refuse(e);
  }
  const status = new AgentStatus({
    dir: config.dir,
    door: config.door,
    everyMs: config.status?.everyMs ?? 5000,
    listen: config.status?.listen,
    log,
    settings: () => ({
      authorize: config.authorize ?? { everyone: true },
      logLevel: config.logLevel,
      tickMs: config.tickMs,
    }),
  });
  try {
    const url = await status.listen();
    if (url) log.info({ url }, "status endpoint listening");
  } catch (e) {
    release();
    fail((e as Error).message); // StartupError ERR_LISTEN: one line naming the address
  }
  const authorizeEvents = {
    onError: (message: string) => {
      status.error("authorization", message);
      log.warn({ message }, "authorization");
    },
    onReload: (file: string) => log.info({ file }, "authorization reloaded"),
  };
  // The access decision in force (a reload replaces it); undefined: every badge opens.
  let authorize: Authorize | undefined = config.authorize
    ? await loadAuthorizer({ ...config.authorize, ...authorizeEvents }).catch((e: unknown) => {
        release();
        return refuse(e);
      })
    : undefined;
  const uplink = uplinkFor(config, () => driver.now());
  // With witnesses, every anchor is cosigned (C2SP tlog-witness) before it goes to the sink.
  const anchors = anchorSinkFor(config, keyPair, { log: (level, msg, fields) => log[level](fields, msg) });
  const witnessed = anchors instanceof WitnessedAnchors ? anchors : undefined;
  const agent = await LockAgent.start({
    ...agentOptionsFor(config),
    keyPair,
    driver,
    anchors,
    authorize: async (badgeId: string) => {
      if (!authorize) return true;
      const ok = await authorize(badgeId);
      if (!ok) log.info({ refused: status.badgeRefused() }, "badge refused"); // a count, nothing personal
      return ok;
    },
    onEntry: (e) => {
      status.entry(e.event);
      log.info({ chain: e.chain, seq: e.seq, event: e.event }, "entry durable");
    },
    onAnchor: (_note, a) => {
      status.anchor(a.kind);
      log.info({ chain: a.chain, kind: a.kind, size: a.size }, "anchor");
    },
    onExpired: (chain) =>
      log.info(
        { chain },
        "chain expired: pseudonym key destroyed; its entries go once the collector deleted them",
      ),
  }).catch(async (e: unknown) => {
    await status.stop();
    release();
    return refuse(e);
  });
  uplink.attach(agent);
  status.attach(agent, uplink, witnessed);
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
      status.delivered(r.sent, r.error);
      if (r.error && r.error !== lastError) log.warn({ error: r.error, pending: uplink.pending }, "uplink");
      else if (r.sent > 0 || r.expired)
        log.debug({ sent: r.sent, expired: r.expired ?? 0, pending: uplink.pending }, "uplink");
      if (r.expired)
        log.info({ chains: r.expired }, "expired chains deleted at the collector and on the device");
      lastError = r.error ?? "";
      const backlog = agent.anchorBacklog;
      if (backlog.error && backlog.error !== lastAnchorError) {
        status.error("anchor", backlog.error);
        log.warn(backlog, "anchor publication");
      }
      lastAnchorError = backlog.error ?? "";
      await witnessed?.retry(); // witnesses that failed, when their back-off is over
    } catch (e) {
      status.error("step", String(e));
      log.error({ err: String(e) }, "step failed");
    }
  }
  const loop = () =>
    setInterval(() => {
      if (running || stopping) return; // the previous step is still running
      running = step().finally(() => {
        running = undefined;
      });
    }, config.tickMs);
  let timer = loop();

  async function stop(signal: string): Promise<void> {
    if (stopping) return;
    stopping = true;
    clearInterval(timer);
    log.info({ signal }, "stopping");
    await running; // let the running step finish its writes
    await agent.stop(); // anchors the entries no anchor covers yet
    await witnessed?.close();
    // One last delivery, for at most 2 s: what is not acknowledged stays durable on the device and
    // goes on the next start (resending is harmless).
    await Promise.race([uplink.flush(), new Promise((r) => setTimeout(r, 2000).unref())]);
    uplink.close();
    await status.stop();
    release();
    log.info({ backlog: uplink.pending }, "stopped");
    process.exit(0);
  }
  process.on("SIGTERM", () => void stop("SIGTERM"));
  process.on("SIGINT", () => void stop("SIGINT"));
  let reloading = false;
  process.off("SIGHUP", early);
  process.on("SIGHUP", () => {
    if (stopping || reloading) return;
    reloading = true;
    const tickMs = config.tickMs;
    reload(resolve(args.config!), config, authorizeEvents)
      .then((r) => {
        config = r.config;
        authorize = r.authorize;
        log.level = config.logLevel;
        if (config.tickMs !== tickMs) {
          clearInterval(timer);
          timer = loop();
        }
        log.info({ changed: r.changed }, "reloaded");
        if (r.needsRestart.length)
          log.warn({ fields: r.needsRestart }, "changed in the config but only applied at the next start");
      })
      .catch((e: unknown) =>
        log.error(
          { error: e instanceof Error ? e.message : String(e) },
          "reload failed: the running configuration is kept",
        ),
      )
      .finally(() => {
        reloading = false;
      });
  });
}

void main();
