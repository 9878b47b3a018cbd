// End to end with real meshd processes on loopback: three daemons, one of them the attestor,
// bootstrapped from the first; every claim reaches every dns.json; a bad peer gets 4xx.
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { encodePrivateKey, generateKeyPair, initKeys, toBase64 } from "@chronoseal/core";
import { signEntry } from "@chronoseal/mesh";
import { afterAll, describe, expect, it } from "vitest";

const main = resolve(dirname(fileURLToPath(import.meta.url)), "..", "dist", "main.js");
const children: ChildProcess[] = [];
afterAll(() => {
  for (const c of children) c.kill("SIGKILL");
});

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, "127.0.0.1", r));
  const port = (s.address() as { port: number }).port;
  await new Promise((r) => s.close(r));
  return port;
}

async function until<T>(
  what: string,
  f: () => T | undefined | Promise<T | undefined>,
  ms = 40_000,
): Promise<T> {
  // Poll every 100 ms, at most ms / 100 times (a bound on attempts, not a timing assertion).
  for (let attempt = 0; attempt < ms / 100; attempt++) {
    const v = await Promise.resolve(f()).catch(() => undefined);
    if (v !== undefined && v !== false) return v as T;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`gave up waiting for ${what}`);
}

const dnsOf = (dir: string) =>
  existsSync(join(dir, "dns.json"))
    ? readFileSync(join(dir, "dns.json"), "utf8")
        .trim()
        .split("\n")
        .filter(Boolean)
        .map((l) => JSON.parse(l))
    : [];

describe("meshd (real processes)", () => {
  it("three daemons converge on every claim; bad payloads get 4xx", async () => {
    await initKeys();
    const root = mkdtempSync(join(tmpdir(), "meshd-e2e-"));
    const admin = generateKeyPair();
    const attestor = generateKeyPair();
    const adminKey = toBase64(admin.publicKey);
    const settings = signEntry(
      {
        kind: "settings",
        network: adminKey,
        writer: adminKey,
        last_updated: new Date().toISOString(),
        tld: "nether",
        attestors: [toBase64(attestor.publicKey)],
        banned: [],
        overrides: {},
        host_ttl: 0,
        sections: {},
      },
      admin.secretKey,
    );
    writeFileSync(join(root, "settings.json"), JSON.stringify(settings));
    writeFileSync(join(root, "attestor.pem"), encodePrivateKey(attestor, "pem") as string);
    const ports = [await freePort(), await freePort(), await freePort()];
    const dirs = ports.map((_, i) => join(root, `n${i}`));
    ports.forEach((port, i) => {
      const dir = dirs[i]!;
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, "node.pem"), encodePrivateKey(generateKeyPair(), "pem") as string);
      writeFileSync(
        join(dir, "meshd.json"),
        JSON.stringify({
          stateDir: "state",
          listen: `127.0.0.1:${port}`,
          nodeKeyFile: "node.pem",
          ...(i === 0 ? { attestorKeyFile: "../attestor.pem" } : {}),
          networks: [
            {
              admin: adminKey,
              priority: 1,
              bootstrapPeers: i === 0 ? [] : [`http://127.0.0.1:${ports[0]}`],
              ...(i === 0 ? { settingsFile: "../settings.json" } : {}),
            },
          ],
          claims: [`node${i}`],
          gossipMs: 100,
          dnsFile: "dns.json",
        }),
      );
      const c = spawn(process.execPath, [main, "--config", join(dir, "meshd.json")], {
        stdio: ["ignore", "ignore", "inherit"],
      });
      children.push(c);
    });
    for (const dir of dirs) {
      await until(`all names in ${dir}/dns.json`, () => {
        const names = dnsOf(dir)
          .map((l: { hostname: string }) => l.hostname)
          .sort();
        return names.join(",") === "node0.nether,node1.nether,node2.nether" ? true : undefined;
      });
    }
    // A bad peer: malformed, oversized and forged payloads are refused; the node keeps serving.
    const base = `http://127.0.0.1:${ports[1]}/v1/networks/${encodeURIComponent(adminKey)}`;
    expect((await fetch(`${base}/push`, { method: "POST", body: "{nope" })).status).toBe(400);
    expect(
      (
        await fetch(`${base}/push`, {
          method: "POST",
          body: JSON.stringify({
            version: 1,
            network: adminKey,
            entries: [{ kind: "claim" }],
            attestations: {},
          }),
        })
      ).status,
    ).toBe(400);
    expect((await fetch(`${base}/push`, { method: "POST", body: "x".repeat(17 << 20) })).status).toBe(413);
    const forged = { ...settings, tld: "evil" };
    expect((await fetch(`${base}/entries`, { method: "POST", body: JSON.stringify([forged]) })).status).toBe(
      422,
    );
    const status = await (await fetch(`http://127.0.0.1:${ports[1]}/v1/status`)).json();
    expect(status.networks[0]).toMatchObject({ active: 3, rejected: { "invalid-signature": 1 } });
    expect(dnsOf(dirs[2]!).length).toBe(3);
    for (const c of children) c.kill("SIGTERM");
    await Promise.all(
      children.map((c) => new Promise((r) => (c.exitCode !== null ? r(null) : c.once("exit", r)))),
    );
    expect(children.every((c) => c.exitCode === 0)).toBe(true);
  }, 90_000);
});
