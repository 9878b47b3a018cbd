// meshd's environment overrides: MESHD_ + the config field's path in upper snake case (see
// @chronoseal/http env.ts for the rules). Arrays and objects are JSON. The README lists them all.
import type { EnvField } from "@chronoseal/http";

export const ENV_PREFIX = "MESHD_";

export const ENV_FIELDS: readonly EnvField[] = [
  { path: "stateDir", type: "string" },
  { path: "listen", type: "string" },
  { path: "nodeKeyFile", type: "string" },
  { path: "attestorKeyFile", type: "string" },
  { path: "networks", type: "json" },
  { path: "claims", type: "json" },
  { path: "addresses", type: "json" },
  { path: "gossipMs", type: "integer" },
  { path: "fanout", type: "integer" },
  { path: "suspicionMs", type: "integer" },
  { path: "dnsFile", type: "string" },
  { path: "dnsFormat", type: "string" },
  { path: "dns", type: "json" },
  { path: "dns.listen", type: "string" },
  { path: "dns.ttl", type: "integer" },
  { path: "witness", type: "json" },
  { path: "witness.name", type: "string" },
  { path: "witness.keyFile", type: "string" },
  { path: "witness.stateDir", type: "string" },
  { path: "witness.logs", type: "json" },
  { path: "witness.prefix", type: "string" },
  { path: "maxBackoffMs", type: "integer" },
  { path: "maxEntriesPerRequest", type: "integer" },
  { path: "logLevel", type: "string" },
];
