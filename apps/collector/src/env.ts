// The collector's environment overrides: CHRONOSEAL_COLLECTOR_ + the config field's path in upper
// snake case (see @chronoseal/http env.ts for the rules). Arrays and objects are JSON. The README
// lists them all.
import type { EnvField } from "@chronoseal/http";

export const ENV_PREFIX = "CHRONOSEAL_COLLECTOR_";

export const ENV_FIELDS: readonly EnvField[] = [
  { path: "listen", type: "string" },
  { path: "storage", type: "json" },
  { path: "storage.type", type: "string" },
  { path: "storage.path", type: "string" },
  { path: "storage.url", type: "string" },
  { path: "devices", type: "json" },
  { path: "devicesFile", type: "string" },
  { path: "mesh", type: "json" },
  { path: "mesh.nodes", type: "json" },
  { path: "mesh.network", type: "string" },
  { path: "mesh.refreshMs", type: "integer" },
  { path: "logLevel", type: "string" },
];
