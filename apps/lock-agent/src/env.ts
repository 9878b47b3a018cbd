// The lock agent's environment overrides: CHRONOSEAL_LOCK_AGENT_ + the config field's path in
// upper snake case (see @chronoseal/http env.ts for the rules). Arrays and objects are JSON. The
// README lists them all.
import type { EnvField } from "@chronoseal/http";

export const ENV_PREFIX = "CHRONOSEAL_LOCK_AGENT_";

export const ENV_FIELDS: readonly EnvField[] = [
  { path: "dir", type: "string" },
  { path: "door", type: "string" },
  { path: "keyFile", type: "string" },
  { path: "collector", type: "string" },
  { path: "anchorsFile", type: "string" },
  { path: "mesh", type: "json" },
  { path: "mesh.nodes", type: "json" },
  { path: "mesh.network", type: "string" },
  { path: "witnesses", type: "json" },
  { path: "witnessWaitMs", type: "integer" },
  { path: "period", type: "string" },
  { path: "periods", type: "string" },
  { path: "retainPeriods", type: "integer" },
  { path: "anchorEvery", type: "integer" },
  { path: "anchorIntervalMs", type: "integer" },
  { path: "headIntervalMs", type: "integer" },
  { path: "unlockMs", type: "integer" },
  { path: "tickMs", type: "integer" },
  { path: "uplink", type: "json" },
  { path: "uplink.batchSize", type: "integer" },
  { path: "uplink.backoffMs", type: "integer" },
  { path: "uplink.maxBackoffMs", type: "integer" },
  { path: "driver", type: "json" },
  { path: "authorize", type: "json" },
  { path: "authorize.allowlist", type: "string" },
  { path: "authorize.module", type: "string" },
  { path: "status", type: "json" },
  { path: "status.listen", type: "string" },
  { path: "status.everyMs", type: "integer" },
  { path: "logLevel", type: "string" },
];
