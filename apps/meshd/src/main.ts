#!/usr/bin/env node
// meshd: the mesh node daemon — wiring only: config, keys, the node, JSON logs, signals.
//   meshd --config meshd.json   (or meshd.toml)
// Anything that stops it from starting (a bad config or key file, the port in use, a state
// directory it cannot create, list or write): one line naming the problem on stderr, exit code 2.
// --exit-with-parent: stop cleanly when stdin closes (the launching process died, even by
// SIGKILL): launchMeshd uses it so a crashed test or demo leaves no daemon behind.
// --help prints the usage, --version the version; both exit 0. The start-up runs in main(), not
// at the top level: an entry without top-level await bundles into the single executable (a
// CommonJS script, see scripts/bin).
// Operations: MESHD_* variables override config fields (env.ts); GET /healthz, /readyz (every
// network's state loaded, listening) and /metrics (Prometheus: metrics.ts); SIGHUP reloads what
// can change while running (reload.ts) and keeps the running config when the file is bad.
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import {
  decodePrivateKey,
  initKeys,
  isSignerKey,
  type KeyPair,
  parseJson,
  parseSignerKey,
} from "@chronoseal/core";
import { createDaemonMetrics, registerHealthRoutes, registerMetricsRoute } from "@chronoseal/http";
import { checkSettingsEntry, type MeshEntry, MeshNode } from "@chronoseal/mesh";
import { registerWitnessRoutes, Witness } from "@chronoseal/witness";
import { pino } from "pino";
import { ConfigError, loadConfig, type MeshdConfig, type MeshdWitness } from "./config.js";
import { meshMetrics } from "./metrics.js";
import { reload } from "./reload.js";
import { version } from "./version.js";

function fail(message: string): never {
  console.error(`meshd: ${message}`);
  process.exit(2);
}

const USAGE = `usage: meshd --config FILE [--exit-with-parent]
  --config FILE       the node's configuration, JSON or TOML (by extension); see the meshd README
  --exit-with-parent  stop cleanly when standard input closes
  --help              print this help and exit
  --version           print the version and exit`;

let values: {
  config?: string | undefined;
  "exit-with-parent"?: boolean | undefined;
  help?: boolean | undefined;
  version?: boolean | undefined;
};
try {
  ({ values } = parseArgs({
    options: {
      config: { type: "string" },
      "exit-with-parent": { type: "boolean", default: false },
      help: { type: "boolean", short: "h" },
      version: { type: "boolean" },
    },
  }));
} catch (e) {
  fail((e as Error).message);
}
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}
if (values.version) {
  console.log(version());
  process.exit(0);
}
if (!values.config) fail("usage: meshd --config FILE (.json or .toml); meshd --help for more");
let config: MeshdConfig;
try {
  config = loadConfig(values.config, { env: process.env });
} catch (e) {
  fail(e instanceof ConfigError ? e.message : String(e));
}
async function main(): Promise<void> {
  await initKeys();
  const key = (path: string, what: string): KeyPair => {
    try {
      return decodePrivateKey(readFileSync(path, "utf8"));
    } catch (e) {
      fail(`${what} ${path}: ${(e as Error).message}`);
    }
  };
  const settings = (path: string, what: string, admin: string): MeshEntry => {
    try {
      // The same schema a peer's entries meet: meshd refuses at start what it could not load back.
      return checkSettingsEntry(parseJson(readFileSync(path, "utf8")), admin) as MeshEntry;
    } catch (e) {
      fail(`${what} ${path}: ${(e as Error).message}`);
    }
  };
  // Synchronous writes keep the log in order up to process.exit.
  const log = pino({ name: "meshd", level: config.logLevel }, pino.destination({ dest: 1, sync: true }));
  /** The witness role (C2SP tlog-witness) beside the node, on its port: its key, logs and state. */
  const startWitness = (w: MeshdWitness): Witness => {
    let text: string;
    try {
      text = readFileSync(w.keyFile, "utf8").trim();
    } catch (e) {
      fail(`witness.keyFile ${w.keyFile}: ${(e as Error).message}`);
    }
    let secretKey: Uint8Array;
    try {
      if (isSignerKey(text)) {
        const s = parseSignerKey(text);
        if (s.name !== w.name)
          fail(`witness.keyFile ${w.keyFile}: the signer key's name ${s.name} is not witness.name ${w.name}`);
        secretKey = s.secretKey;
      } else secretKey = decodePrivateKey(text).secretKey;
    } catch (e) {
      fail(`witness.keyFile ${w.keyFile}: ${(e as Error).message}`);
    }
    try {
      return new Witness({
        signer: { name: w.name, secretKey },
        logs: w.logs,
        store: w.stateDir,
        log: (level, msg, fields) => log[level]({ witness: w.name, ...fields }, `witness: ${msg}`),
      });
    } catch (e) {
      fail(`witness: ${(e as Error).message}`);
    }
  };
  const witness = config.witness ? startWitness(config.witness) : undefined;
  const metrics = createDaemonMetrics();
  let running: MeshNode | undefined;
  const networks = config.networks.map((n) => n.admin);
  const node = new MeshNode({
    stateDir: config.stateDir,
    host: config.host,
    port: config.port,
    nodeKey: key(config.nodeKeyFile, "nodeKeyFile"),
    ...(config.attestorKeyFile ? { attestorKey: key(config.attestorKeyFile, "attestorKeyFile") } : {}),
    networks: config.networks.map((n, i) => ({
      admin: n.admin,
      priority: n.priority,
      bootstrapPeers: n.bootstrapPeers,
      bootstrapUrls: n.bootstrapUrls,
      claims: n.claims,
      ...(n.settingsFile
        ? { settings: settings(n.settingsFile, `networks[${i}].settingsFile`, n.admin) }
        : {}),
    })),
    claims: config.claims,
    ...(config.addresses ? { addresses: config.addresses } : {}),
    gossipMs: config.gossipMs,
    fanout: config.fanout,
    ...(config.suspicionMs !== undefined ? { suspicionMs: config.suspicionMs } : {}),
    ...(config.dnsFile ? { dnsPath: config.dnsFile } : {}),
    dnsFormat: config.dnsFormat,
    ...(config.dns ? { dns: config.dns } : {}),
    ...(config.maxBackoffMs !== undefined ? { maxBackoffMs: config.maxBackoffMs } : {}),
    ...(config.maxEntriesPerRequest !== undefined
      ? { maxEntriesPerRequest: config.maxEntriesPerRequest }
      : {}),
    routes: (app) => {
      registerHealthRoutes(app, {
        checks: () => {
          const checks: Record<string, () => string | undefined> = {
            listening: () => (running?.serving ? undefined : "starting"),
          };
          for (const admin of networks)
            checks[`network ${admin}`] = () => (running?.states.has(admin) ? undefined : "state not loaded");
          return checks;
        },
      });
      registerMetricsRoute(app, metrics.registry);
      if (witness) registerWitnessRoutes(app, witness, { prefix: config.witness!.prefix });
    },
    observe: metrics.observe,
    hooks: meshMetrics(metrics.registry, () => running),
    logger: log,
  });
  running = node;
  // Registered before the start: a SIGHUP while starting reloads too, instead of killing meshd.
  process.on("SIGHUP", () => {
    try {
      const r = reload(values.config!, config, node, log);
      config = r.config;
      log.info({ changed: r.changed }, "reloaded");
      if (r.needsRestart.length)
        log.warn({ fields: r.needsRestart }, "changed in the config but only applied at the next start");
    } catch (e) {
      log.error(
        { error: e instanceof Error ? e.message : String(e) },
        "reload failed: the running configuration is kept",
      );
    }
  });
  try {
    await node.start();
  } catch (e) {
    // StartupError (ERR_LISTEN, ERR_STATE_DIR) names the address or directory; anything else is
    // reported the same way: one line, never a stack trace.
    fail((e as Error).message ?? String(e));
  }
  if (witness)
    log.info(
      {
        witness: witness.name,
        vkey: witness.vkey,
        logs: witness.logCount,
        url: `${node.url}${config.witness!.prefix}`,
      },
      "witness serving add-checkpoint",
    );

  let stopping = false;
  async function stop(signal: string) {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, "stopping");
    try {
      await node.stop();
      witness?.close();
      metrics.close();
    } catch (e) {
      log.error(
        { error: String(e) },
        "stop failed: the state may not be snapshotted (the journal holds every change)",
      );
      process.exit(1);
    }
    log.info("stopped");
    process.exit(0);
  }
  process.on("SIGTERM", () => void stop("SIGTERM"));
  process.on("SIGINT", () => void stop("SIGINT"));
  if (values["exit-with-parent"]) {
    process.stdin.on("end", () => void stop("parent gone"));
    process.stdin.on("error", () => void stop("parent gone"));
    process.stdin.resume();
  }
}

void main();
