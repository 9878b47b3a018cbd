// From a checked lock-agent config to the parts the daemon and `chronoseal lock decommission`
// both build: the anchor sink (a file or the mesh, behind WitnessedAnchors when witnesses are
// configured), the uplink, and the agent's options. One place, so the two executables cannot
// drift apart.
import type { KeyPair } from "@chronoseal/core";
import type { AgentOptions } from "./agent.js";
import type { LockAgentConfig } from "./agent-config.js";
import { type AnchorSink, FileAnchors } from "./anchors.js";
import { MeshAnchors } from "./mesh-anchors.js";
import { daily, monthly } from "./periods.js";
import { Uplink } from "./uplink.js";
import { WitnessedAnchors, type WitnessedAnchorsOptions } from "./witnessed-anchors.js";

/**
 * The config's anchor sink; with `witnesses`, a WitnessedAnchors around it (the caller should
 * call its retry() periodically and close() at the end).
 */
export function anchorSinkFor(
  config: LockAgentConfig,
  keyPair: KeyPair,
  o: { log?: WitnessedAnchorsOptions["log"] } = {},
): AnchorSink {
  const sink = config.mesh
    ? new MeshAnchors({ nodes: config.mesh.nodes, network: config.mesh.network, keyPair })
    : new FileAnchors(config.anchorsFile!);
  if (config.witnesses.length === 0) return sink;
  return new WitnessedAnchors({
    dir: config.dir,
    sink,
    witnesses: config.witnesses,
    ...(config.witnessWaitMs ? { waitMs: config.witnessWaitMs } : {}),
    ...(o.log ? { log: o.log } : {}),
  });
}

export function uplinkFor(config: LockAgentConfig, now: () => number): Uplink {
  return new Uplink({
    dir: config.dir,
    collector: config.collector,
    ...(config.uplink.batchSize ? { batchSize: config.uplink.batchSize } : {}),
    ...(config.uplink.backoffMs ? { backoff: config.uplink.backoffMs } : {}),
    ...(config.uplink.maxBackoffMs ? { maxBackoff: config.uplink.maxBackoffMs } : {}),
    now,
  });
}

/** The agent options a config sets (everything but the driver, the key and the listeners). */
export function agentOptionsFor(
  config: LockAgentConfig,
): Omit<AgentOptions, "driver" | "keyPair" | "anchors"> & { dir: string; door: string } {
  return {
    dir: config.dir,
    door: config.door,
    ...(config.period
      ? { period: config.period }
      : { periods: config.periods === "daily" ? daily : monthly }),
    ...(config.retainPeriods ? { retainPeriods: config.retainPeriods } : {}),
    ...(config.anchorEvery ? { anchorEvery: config.anchorEvery } : {}),
    ...(config.anchorIntervalMs ? { anchorInterval: config.anchorIntervalMs } : {}),
    ...(config.headIntervalMs !== undefined ? { headInterval: config.headIntervalMs } : {}),
    ...(config.unlockMs !== undefined ? { unlockMs: config.unlockMs } : {}),
  };
}
