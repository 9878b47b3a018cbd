// Launching real meshd processes: for end-to-end tests, the demo and the hardware simulator.
// A launched daemon has its own directory (meshd.json, node.pem, state/, dns.json, meshd.log,
// meshd.err), is stopped with SIGTERM (clean) or SIGKILL (a crash), and restarts from the same
// directory.
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { encodePrivateKey, generateKeyPair, type KeyPair } from "@chronoseal/core";
import { appExecutable } from "./bins.js";
import { Daemon } from "./daemon.js";
import { freePort } from "./port.js";

export interface MeshdLaunchOptions {
  /** The daemon's directory: meshd.json, node.pem, state/, dns.json and meshd.log go here. */
  dir: string;
  /** Config fields (paths relative to dir); stateDir, nodeKeyFile and dnsFile have defaults. */
  config: Record<string, unknown>;
  /** The node key (a new one is written when node.pem does not exist). */
  nodeKey?: KeyPair;
  /** Loopback address to listen on (default 127.0.0.1; any 127.x.y.z works on Linux). */
  host?: string;
}

/** What meshd's GET /v1/status answers. */
export interface MeshdStatus {
  node: string;
  url: string;
  attestor?: string;
  dnsPort?: number;
  /** No live peer: going back to the bootstrap peers. */
  isolated: boolean;
  peers: {
    url: string;
    health: "alive" | "suspect" | "dead";
    failures: number;
    node?: string;
    claimedBy?: string;
    verified?: boolean;
    attestor?: string;
    lastSeen?: string;
  }[];
  impostors: { key: string; url: string; failures: number; answeredBy?: string }[];
  refused: {
    requests: Record<string, number>;
    bySender: Record<
      string,
      {
        entries: Record<string, number>;
        attestations: Record<string, number>;
        requests: Record<string, number>;
      }
    >;
  };
  networks: {
    network: string;
    priority: number;
    entries: number;
    active: number;
    pending: number;
    admission: "open" | "listed";
    rejected: Record<string, number>;
    rejectedAttestations: Record<string, number>;
    attestorReachable: boolean;
    readOnlyForNewClaims: boolean;
    names: { hostname: string; owner: string; time?: number }[];
    pendingNames: { hostname: string; owner: string }[];
  }[];
}

export class MeshdProcess extends Daemon {
  constructor(dir: string, url: string) {
    super({
      name: "meshd",
      main: appExecutable("@chronoseal/meshd", "meshd"),
      dir,
      config: join(dir, "meshd.json"),
      url,
      readyPath: "/readyz",
    });
  }

  async status(): Promise<MeshdStatus> {
    return (await (await fetch(`${this.url}/v1/status`)).json()) as MeshdStatus;
  }

  /** dns.json as parsed lines (empty when not written yet). */
  dns(): { hostname: string; ip: string }[] {
    let text: string;
    try {
      text = readFileSync(join(this.dir, "dns.json"), "utf8");
    } catch {
      return [];
    }
    return text
      .split("\n")
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { hostname: string; ip: string });
  }
}

/** Writes the daemon's directory and config (keeping an existing node.pem), then starts it. */
export async function launchMeshd(o: MeshdLaunchOptions): Promise<MeshdProcess> {
  mkdirSync(o.dir, { recursive: true });
  const host = o.host ?? "127.0.0.1";
  const port =
    Number(
      String(o.config.listen ?? "")
        .split(":")
        .pop(),
    ) || (await freePort());
  const keyPath = join(o.dir, "node.pem");
  try {
    readFileSync(keyPath);
  } catch {
    writeFileSync(keyPath, encodePrivateKey(o.nodeKey ?? generateKeyPair(), "pem") as string, {
      mode: 0o600,
    });
  }
  const config = {
    stateDir: "state",
    nodeKeyFile: "node.pem",
    dnsFile: "dns.json",
    ...o.config,
    listen: `${host}:${port}`,
  };
  writeFileSync(join(o.dir, "meshd.json"), `${JSON.stringify(config, null, 2)}\n`);
  return new MeshdProcess(o.dir, `http://${host}:${port}`).start();
}
