// Decommissioning a door for good, as an operation on its device directory — run by the
// lock-agent app (`--decommission`) and by `chronoseal lock decommission --config FILE`, never
// while the daemon runs (the device lock refuses). It boots the agent (recovering the storage as
// any start does), closes the open chain with `chain-closed` and its final anchor, then delivers
// what is still queued: anchors to the sink, entries (and expiries) to the collector, retrying
// with the uplink's backoff until everything is acknowledged or the deadline passes. Whatever is
// not delivered stays queued on the device; running the operation again delivers it (a door that
// is decommissioned already is only delivered). The manifest is marked decommissioned before the
// chain is closed, so a power cut in the middle finishes the job on the next run, and the daemon
// refuses to start on the door from then on.
import type { KeyPair } from "@chronoseal/core";
import { DecommissionedError, LockAgent } from "./agent.js";
import type { LockAgentConfig } from "./agent-config.js";
import { agentOptionsFor, anchorSinkFor, uplinkFor } from "./agent-wiring.js";
import { DeviceAnchors } from "./anchor-log.js";
import { acquireDevice } from "./device-lock.js";
import { WitnessedAnchors } from "./witnessed-anchors.js";

export interface DecommissionOptions {
  config: LockAgentConfig;
  keyPair: KeyPair;
  /** Device clock (default Date.now). */
  now?: () => number;
  /** Stop trying to deliver after this long (ms, default 30 s). */
  deadlineMs?: number;
}

export interface DecommissionReport {
  door: string;
  /** False when the door was decommissioned before (then only delivery was attempted). */
  decommissioned: boolean;
  /** The closed chain and the hash of its final anchor. */
  chain?: string;
  finalAnchor?: string;
  /** Entries the collector acknowledged during this run. */
  delivered: number;
  /** Still queued on the device: entries (and expiries) for the collector, anchors for the sink. */
  pendingEntries: number;
  pendingAnchors: number;
  /** The last delivery error, if something is still pending. */
  error?: string;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function decommissionDevice(o: DecommissionOptions): Promise<DecommissionReport> {
  const { config, keyPair } = o;
  const now = o.now ?? Date.now;
  const release = acquireDevice(config.dir);
  try {
    const sink = anchorSinkFor(config, keyPair);
    const uplink = uplinkFor(config, Date.now);
    const report: DecommissionReport = {
      door: config.door,
      decommissioned: false,
      delivered: 0,
      pendingEntries: 0,
      pendingAnchors: 0,
    };
    try {
      const agent = await LockAgent.start({
        ...agentOptionsFor(config),
        keyPair,
        driver: { now },
        anchors: sink,
      });
      uplink.attach(agent);
      report.chain = agent.chain;
      report.finalAnchor = await agent.decommission();
      report.decommissioned = true;
      await agent.stop();
    } catch (e) {
      if (!(e instanceof DecommissionedError)) throw e;
      if (e.final) report.finalAnchor = e.final;
    }
    // Deliver what is queued: anchors first (the final one), then entries and expiries.
    const deadline = Date.now() + (o.deadlineMs ?? 30_000);
    const anchors = new DeviceAnchors(config.dir, sink);
    try {
      while (anchors.pending > 0) {
        await anchors.publish();
        if (anchors.pending === 0 || Date.now() >= deadline) break;
        await sleep(Math.min(1000, deadline - Date.now()));
      }
      report.pendingAnchors = anchors.pending;
      if (anchors.publishError && anchors.pending > 0) report.error = anchors.publishError.message;
    } finally {
      await anchors.close();
      if (sink instanceof WitnessedAnchors) await sink.close(); // its cosignatures are in witness.log
    }
    while (uplink.pending > 0) {
      const r = await uplink.flush();
      report.delivered += r.sent;
      if (r.error) report.error = r.error;
      if (uplink.pending === 0 || Date.now() >= deadline) break;
      await sleep(Math.max(10, Math.min(uplink.retryAt - Date.now(), deadline - Date.now())));
    }
    report.pendingEntries = uplink.pending;
    if (report.pendingEntries === 0 && report.pendingAnchors === 0) delete report.error;
    return report;
  } finally {
    release();
  }
}
