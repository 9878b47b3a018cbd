// SIGHUP: the lock agent re-reads its config file (and CHRONOSEAL_LOCK_AGENT_* variables) and
// applies what can change while running — logLevel, tickMs and authorize (the allowlist or
// module is loaded again at once, even when only its contents changed, or another file is
// named) — without stopping the chain, the uplink or the status endpoint. Everything is loaded
// first: a config or authorization file that does not load changes nothing (the caller logs the
// error and keeps the running ones). Other fields need a restart and are named in a warning.
import { type Authorize, type LockAgentConfig, loadAuthorizer } from "@chronoseal/lock";
import { loadConfig } from "./config.js";

const RELOADABLE = new Set(["logLevel", "tickMs", "authorize"]);

export interface AgentReload {
  config: LockAgentConfig;
  changed: string[];
  needsRestart: string[];
  /** The new access decision (undefined: every badge opens). */
  authorize: Authorize | undefined;
}

export async function reload(
  path: string,
  old: LockAgentConfig,
  o: { onError: (message: string) => void; onReload: (file: string) => void },
): Promise<AgentReload> {
  const config = loadConfig(path, { env: process.env });
  const authorize = config.authorize
    ? await loadAuthorizer({ ...config.authorize, onError: o.onError, onReload: o.onReload })
    : undefined;
  const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
  const changed: string[] = [];
  const needsRestart: string[] = [];
  const keys = new Set([...Object.keys(config), ...Object.keys(old)]) as Set<keyof LockAgentConfig>;
  for (const k of keys) {
    if (same(config[k], old[k])) continue;
    if (RELOADABLE.has(k)) changed.push(k);
    else needsRestart.push(k);
  }
  if (config.authorize && !changed.includes("authorize")) changed.push("authorize (reread)");
  // The running config keeps what needs a restart.
  const kept = { ...old, logLevel: config.logLevel, tickMs: config.tickMs } as LockAgentConfig;
  if (config.authorize) kept.authorize = config.authorize;
  else delete kept.authorize;
  return { config: kept, changed, needsRestart, authorize };
}
