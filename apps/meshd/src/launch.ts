// Launching real meshd processes: for end-to-end tests, the demo and the hardware simulator.
// A launched daemon has its own directory (config, keys, state, dns.json, log) and is stopped
// with SIGTERM (clean) or SIGKILL (a crash), and restarted from the same directory.
import { type ChildProcess, spawn } from "node:child_process";
import { closeSync, mkdirSync, openSync, readFileSync, writeFileSync } from "node:fs";
import { createServer, type Socket } from "node:net";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { encodePrivateKey, generateKeyPair, type KeyPair, toBase64 } from "@chronoseal/core";
import { type MeshEntry, type Settings, signEntry } from "@chronoseal/mesh";

// dist/main.js, whether this module runs from src/ (tests) or dist/.
const MAIN = resolve(dirname(fileURLToPath(import.meta.url)), "..", "dist", "main.js");

/** A free TCP port on loopback (the OS picks it; it is released before returning). */
export async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, "127.0.0.1", r));
  const port = (s.address() as { port: number }).port;
  await new Promise((r) => s.close(r));
  return port;
}

/** A new network: an admin key pair and its first signed settings entry. */
export function createNetwork(
  o: Partial<Omit<Settings, "kind" | "network" | "writer" | "last_updated">> = {},
  admin: KeyPair = generateKeyPair(),
): { admin: KeyPair; key: string; settings: MeshEntry } {
  const key = toBase64(admin.publicKey);
  const settings = signEntry(
    {
      kind: "settings",
      network: key,
      writer: key,
      last_updated: new Date().toISOString(),
      tld: o.tld ?? "mesh",
      attestors: o.attestors ?? [],
      banned: o.banned ?? [],
      overrides: o.overrides ?? {},
      host_ttl: o.host_ttl ?? 0,
      sections: o.sections ?? {},
    },
    admin.secretKey,
  );
  return { admin, key, settings };
}

export interface LaunchOptions {
  /** The daemon's directory: meshd.json, node.pem, state/, dns.json and meshd.log go here. */
  dir: string;
  /** Config fields (paths relative to dir); stateDir, nodeKeyFile and dnsFile have defaults. */
  config: Record<string, unknown>;
  /** The node key (a new one is written when node.pem does not exist). */
  nodeKey?: KeyPair;
  /** Loopback address to listen on (default 127.0.0.1; any 127.x.y.z works on Linux). */
  host?: string;
}

export class MeshdProcess {
  child: ChildProcess | undefined;
  constructor(
    readonly dir: string,
    readonly url: string,
  ) {}

  get configPath(): string {
    return join(this.dir, "meshd.json");
  }

  /** Starts the process and waits until its HTTP API answers. */
  async start(): Promise<this> {
    const out = openSync(join(this.dir, "meshd.log"), "a");
    const err = openSync(join(this.dir, "meshd.err"), "a");
    const child = spawn(process.execPath, [MAIN, "--config", this.configPath, "--exit-with-parent"], {
      // stdin is a pipe the child watches: if this process dies, the child stops.
      stdio: ["pipe", out, err],
    });
    closeSync(out);
    closeSync(err);
    (child.stdin as Socket | null)?.unref(); // the pipe alone must not keep this process alive
    this.child = child;
    let exited: number | null | undefined;
    child.once("exit", (code) => {
      exited = code;
    });
    for (let attempt = 0; attempt < 300; attempt++) {
      if (exited !== undefined)
        throw new Error(
          `meshd in ${this.dir} exited with ${exited}: ${readFileSync(join(this.dir, "meshd.err"), "utf8")}`,
        );
      try {
        const r = await fetch(`${this.url}/v1/status`, { signal: AbortSignal.timeout(500) });
        if (r.ok) return this;
      } catch {
        // not listening yet
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`meshd in ${this.dir} did not answer`);
  }

  /** SIGTERM (clean stop) or SIGKILL (a crash); resolves with the exit code or signal. */
  async stop(signal: "SIGTERM" | "SIGKILL" = "SIGTERM"): Promise<number | string | null> {
    const c = this.child;
    if (!c || c.exitCode !== null || c.signalCode !== null) return c?.exitCode ?? c?.signalCode ?? null;
    const done = new Promise<number | string | null>((r) => c.once("exit", (code, sig) => r(code ?? sig)));
    c.kill(signal);
    return done;
  }

  async status(): Promise<MeshdStatus> {
    return (await (await fetch(`${this.url}/v1/status`)).json()) as MeshdStatus;
  }

  /** dns.json as parsed lines (empty when not written yet). */
  dns(): { hostname: string; ip: string }[] {
    try {
      return readFileSync(join(this.dir, "dns.json"), "utf8")
        .split("\n")
        .filter(Boolean)
        .map((l) => JSON.parse(l));
    } catch {
      return [];
    }
  }
}

export interface MeshdStatus {
  node: string;
  url: string;
  attestor?: string;
  peers: { url: string; health: "alive" | "suspect" | "dead"; failures: number }[];
  networks: {
    network: string;
    priority: number;
    entries: number;
    active: number;
    pending: number;
    rejected: Record<string, number>;
    attestorReachable: boolean;
    readOnlyForNewClaims: boolean;
    names: { hostname: string; owner: string; time?: number }[];
    pendingNames: { hostname: string; owner: string }[];
  }[];
}

/** Writes the daemon's directory and config, then starts it. */
export async function launchMeshd(o: LaunchOptions): Promise<MeshdProcess> {
  mkdirSync(o.dir, { recursive: true });
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
    listen: `${o.host ?? "127.0.0.1"}:${port}`,
  };
  writeFileSync(join(o.dir, "meshd.json"), `${JSON.stringify(config, null, 2)}\n`);
  return new MeshdProcess(o.dir, `http://${o.host ?? "127.0.0.1"}:${port}`).start();
}
