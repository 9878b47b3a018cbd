// The admin's verbs against two running meshd processes (launched from @chronoseal/launch): each
// changes only what it names, says so (and with --json), and the network follows: admission on
// and off (an unlisted node's names go and come back), bans lifted, overrides to fixed
// addresses, a deleted name that its node does not claim again.
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { encodePrivateKey, generateKeyPair, initKeys, toBase64 } from "@chronoseal/core";
import { createNetwork, freePort, launchMeshd, type MeshdProcess } from "@chronoseal/launch";
import { afterAll, describe, expect, it, vi } from "vitest";
import { runCli } from "./run.js";

const nodes: MeshdProcess[] = [];
afterAll(async () => {
  await Promise.all(nodes.map((n) => n.stop("SIGKILL")));
});

function until<T>(what: string, f: () => T | undefined | false | Promise<T | undefined | false>): Promise<T> {
  return vi.waitFor(
    async () => {
      const v = await f();
      if (v === undefined || v === false) throw new Error(`still waiting for ${what}`);
      return v as T;
    },
    { timeout: 60_000, interval: 100 }, // a bound on waiting for gossip, not a timing assertion
  );
}

describe("chronoseal mesh admin verbs", () => {
  // 150 s: two daemons on a shared machine; every verb waits for the network to follow.
  it("node add/remove, admission, ban/unban, override set/remove, delete", async () => {
    await initKeys();
    const dir = mkdtempSync(join(tmpdir(), "cli-mesh-admin-"));
    const attestor = generateKeyPair();
    const net = createNetwork({ tld: "mesh", attestors: [toBase64(attestor.publicKey)] });
    writeFileSync(join(dir, "admin.pem"), encodePrivateKey(net.admin, "pem") as string);
    writeFileSync(join(dir, "settings.json"), JSON.stringify(net.settings));
    writeFileSync(join(dir, "attestor.pem"), encodePrivateKey(attestor, "pem") as string);
    const [p0, p1] = [await freePort(), await freePort()];
    const k0 = generateKeyPair();
    const k1 = generateKeyPair();
    const [key0, key1] = [toBase64(k0.publicKey), toBase64(k1.publicKey)];
    nodes.push(
      await launchMeshd({
        dir: join(dir, "n0"),
        nodeKey: k0,
        config: {
          listen: `127.0.0.1:${p0}`,
          attestorKeyFile: "../attestor.pem",
          gossipMs: 200,
          networks: [{ admin: net.key, settingsFile: "../settings.json" }],
          claims: ["node0"],
        },
      }),
    );
    nodes.push(
      await launchMeshd({
        dir: join(dir, "n1"),
        nodeKey: k1,
        host: "127.0.0.2",
        config: {
          listen: `127.0.0.2:${p1}`,
          gossipMs: 200,
          networks: [{ admin: net.key, bootstrapPeers: [`http://127.0.0.1:${p0}`] }],
          claims: ["node1"],
        },
      }),
    );
    const [n0, n1] = nodes as [MeshdProcess, MeshdProcess];
    const names = async () =>
      (await n0.status()).networks[0]!.names.map((n) => n.hostname)
        .sort()
        .join(",");
    await until("both names", async () => (await names()) === "node0,node1");
    const cli = (...args: string[]) =>
      runCli(
        ["mesh", ...args, "--admin", "admin.pem", "--node", n0.url, "--settings", "settings.json"],
        "",
        dir,
      );
    const settings = async () =>
      (await n0.status()).networks[0]! &&
      (JSON.parse(readFileSync(join(dir, "settings.json"), "utf8")) as {
        admission?: string;
        nodes?: string[];
        banned: string[];
        overrides: Record<string, unknown>;
        attestors: string[];
      });

    // node add: only the list grows; admission stays open, nothing else moves.
    let r = await cli("node", "add", key0);
    expect(r).toMatchObject({ code: 0, stderr: "" });
    expect(r.stdout).toContain(`node ${key0} admitted (1 admitted keys; admission open`);
    expect(await settings()).toMatchObject({
      nodes: [key0],
      banned: [],
      overrides: {},
      attestors: [toBase64(attestor.publicKey)],
    });
    expect((await cli("node", "add", key0)).stdout).toContain("unchanged");

    // admission listed: node1 is not listed, its names go (and its writes are refused, counted).
    r = await cli("admission", "listed", "--json");
    expect(JSON.parse(r.stdout)).toMatchObject({
      changed: expect.stringContaining("admission listed"),
      network: net.key,
    });
    await until("node1 refused", async () => (await names()) === "node0");
    // n1 itself refuses to take its own records now (counted), so it sends none
    await until(
      "unlisted counted",
      async () => ((await n1.status()).networks[0]!.rejected.unlisted ?? 0) > 0,
    );
    expect(await settings()).toMatchObject({ admission: "listed", nodes: [key0] });

    // node add node1: its names come back; node remove: gone again; admission open: back.
    expect((await cli("node", "add", key1)).code).toBe(0);
    await until("node1 back", async () => (await names()) === "node0,node1");
    r = await cli("node", "remove", key1);
    expect(r.stdout).toContain(`node ${key1} no longer admitted (1 admitted keys; admission listed)`);
    await until("node1 gone", async () => (await names()) === "node0");
    expect((await cli("admission", "open")).stdout).toContain("admission open");
    await until("node1 back with admission open", async () => (await names()) === "node0,node1");
    expect(await settings()).toMatchObject({ admission: "open", nodes: [key0] });

    // ban and unban.
    expect((await cli("ban", key1)).stdout).toContain(`${key1} banned (1 banned keys)`);
    await until("banned node1 gone", async () => (await names()) === "node0");
    await until(
      "n1 refuses its own entries while banned",
      async () => ((await n1.status()).networks[0]!.rejected.banned ?? 0) > 0,
    );
    expect((await cli("unban", key1)).stdout).toContain(`${key1} no longer banned (0 banned keys)`);
    await until("unbanned node1 back", async () => (await names()) === "node0,node1");
    expect((await cli("unban", key1)).stdout).toContain("unchanged");

    // overrides: fixed addresses, then removed; the other settings are untouched.
    r = await cli("override", "set", "printer", "192.0.2.7", "2001:db8::7");
    expect(r.stdout).toContain("override printer → 192.0.2.7 2001:db8::7");
    await until(
      "printer in dns",
      () =>
        n1
          .dns()
          .filter((l) => l.hostname === "printer.mesh")
          .map((l) => l.ip)
          .join() === "192.0.2.7,2001:db8::7",
    );
    expect((await cli("override", "set", "printer", "nope")).code).toBe(1);
    expect(await settings()).toMatchObject({ banned: [], nodes: [key0], admission: "open" });
    expect((await cli("override", "remove", "printer")).stdout).toContain("override printer removed");
    await until("printer gone", () => !n1.dns().some((l) => l.hostname === "printer.mesh"));

    // delete: node1's name goes and node1 does not claim it again by itself.
    r = await cli("delete", "node1", "--json");
    expect(JSON.parse(r.stdout)).toMatchObject({ changed: "node1 deleted (1 claim tombstoned)" });
    await until("node1 deleted", async () => (await names()) === "node0");
    await until(
      "n1 saw its claim deleted",
      async () => !(await n1.status()).networks[0]!.names.some((n) => n.hostname === "node1"),
    );
    // a few more gossip rounds on n1: still not claimed again
    const seen = (await n1.status()).peers[0]?.lastSeen;
    await until("more rounds on n1", async () => (await n1.status()).peers[0]?.lastSeen !== seen);
    expect(await names()).toBe("node0");

    // bad input: not a key, not the admin's key
    expect((await cli("ban", "not-a-key")).code).toBe(1);
    const stranger = generateKeyPair();
    writeFileSync(join(dir, "stranger.pem"), encodePrivateKey(stranger, "pem") as string);
    const wrong = await runCli(["mesh", "ban", key1, "--admin", "stranger.pem", "--node", n0.url], "", dir);
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toContain("not in network");
  }, 150_000);
});
