// `chronoseal mesh …` against a real MeshNode over HTTP on loopback.
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  decodePrivateKey,
  encodePrivateKey,
  encodePublicKey,
  generateKeyPair,
  initKeys,
  toBase64,
} from "@chronoseal/core";
import { type MeshEntry, MeshNode } from "@chronoseal/mesh";
import { describe, expect, it } from "vitest";
import { runBin } from "./bin.js";
import { runCli } from "./run.js";

describe("chronoseal mesh", () => {
  it("init, claim, settings set, status and dns against a running node", async () => {
    await initKeys();
    const dir = mkdtempSync(join(tmpdir(), "cli-mesh-"));
    const attestor = generateKeyPair();
    const init = await runCli(
      ["mesh", "init", "--out", "net", "--tld", "nether", "--attestor", toBase64(attestor.publicKey)],
      "",
      dir,
    );
    expect(init.code).toBe(0);
    const network = init.stdout.trim();
    const nodeKey = generateKeyPair();
    (await import("node:fs")).writeFileSync(
      join(dir, "node.pem"),
      encodePrivateKey(nodeKey, "pem") as string,
    );
    const node = new MeshNode({
      stateDir: join(dir, "state"),
      host: "127.0.0.1",
      port: 0 + 40000 + Math.floor(Math.random() * 20000),
      nodeKey,
      attestorKey: attestor,
      networks: [
        {
          admin: network,
          priority: 1,
          settings: JSON.parse(readFileSync(join(dir, "net", "settings.json"), "utf8")) as MeshEntry,
        },
      ],
      gossipMs: 60_000,
      dnsPath: join(dir, "dns.json"),
    });
    await node.start();
    try {
      const c = await runCli(
        ["mesh", "claim", "mors", "--key", "node.pem", "--network", network, "--node", node.url],
        "",
        dir,
      );
      expect(c.code).toBe(0);
      const s = await runCli(["mesh", "status", "--node", node.url], "", dir);
      expect(s.stdout).toMatch(/mors\s+/);
      expect(s.stdout).toContain("(attestor)");
      const d = await runCli(["mesh", "dns", "--node", node.url], "", dir);
      expect(d.stdout.trim()).toBe('{"hostname":"mors.nether","ip":"127.0.0.1"}');
      const set = await runCli(
        [
          "mesh",
          "settings",
          "set",
          "--admin",
          "net/admin.pem",
          "--settings",
          "net/settings.json",
          "--node",
          node.url,
          "--tld",
          "mesh",
        ],
        "",
        dir,
      );
      expect(set.code).toBe(0);
      expect((await runCli(["mesh", "dns", "--node", node.url], "", dir)).stdout).toContain("mors.mesh");
      // --json of each verb, from the real executable: parses, with its key fields.
      const parsed = async (argv: string[]) => {
        const r = await runBin([...argv, "--json"], { cwd: dir });
        expect(r.code, `${argv.join(" ")}: ${r.stderr}`).toBe(0);
        return JSON.parse(r.stdout);
      };
      const base = ["--node", node.url];
      expect(
        await parsed(["mesh", "claim", "vesta", "--key", "node.pem", "--network", network, ...base]),
      ).toMatchObject({
        hostname: "vesta",
        network,
        writer: toBase64(nodeKey.publicKey),
        node: { added: 1 },
      });
      expect(await parsed(["mesh", "status", ...base])).toMatchObject({ node: toBase64(nodeKey.publicKey) });
      expect(await parsed(["mesh", "dns", ...base])).toContainEqual({
        hostname: "mors.mesh",
        ip: "127.0.0.1",
      });
      const set2 = await parsed([
        "mesh",
        ...["settings", "set", "--admin", "net/admin.pem", "--settings", "net/settings.json"],
        ...[...base, "--ttl", "0"],
      ]);
      expect(set2).toMatchObject({ network, settings: { kind: "settings", tld: "mesh" } });
      expect(JSON.parse(readFileSync(join(dir, "net", "settings.json"), "utf8"))).toEqual(set2.settings);
      // a claim signed by a key that is not the admin's cannot change settings
      const bad = await runCli(
        [
          "mesh",
          "settings",
          "set",
          "--admin",
          "node.pem",
          "--settings",
          "net/settings.json",
          "--node",
          node.url,
        ],
        "",
        dir,
      );
      expect(bad.code).toBe(1);
      expect(
        (
          await runCli(
            ["mesh", "claim", "Bad_Name", "--key", "node.pem", "--network", network, "--node", node.url],
            "",
            dir,
          )
        ).code,
      ).toBe(2); // a malformed HOSTNAME is a usage error
      expect(decodePrivateKey(readFileSync(join(dir, "net", "admin.pem"), "utf8")).publicKey.length).toBe(32);
    } finally {
      await node.stop();
    }
  });

  it("writes every key flag in the one spelling settings use, and refuses what is not a key", async () => {
    await initKeys();
    const dir = mkdtempSync(join(tmpdir(), "cli-mesh-keys-"));
    const a = generateKeyPair();
    const b = generateKeyPair();
    const ssh = `${encodePublicKey(a.publicKey, "ssh") as string} ops@laptop`;
    const pem = encodePublicKey(b.publicKey, "pem") as string;
    const init = await runCli(
      ["mesh", "init", "--out", "net", "--attestor", ssh, `--attestor=${pem}`], // a PEM starts with a dash
      "",
      dir,
    );
    expect(init.stderr).toBe("");
    expect(init.code).toBe(0);
    const settings = JSON.parse(readFileSync(join(dir, "net", "settings.json"), "utf8")) as {
      attestors: string[];
    };
    expect(settings.attestors).toEqual([toBase64(a.publicKey), toBase64(b.publicKey)]);
    const k = toBase64(a.publicKey);
    for (const bad of [
      k.replace(/=$/, ""),
      `${k.slice(0, 42)}${String.fromCharCode(k.charCodeAt(42) ^ 1)}=`,
      "nope",
    ]) {
      const r = await runCli(["mesh", "init", "--out", "net2", "--attestor", bad], "", dir);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain("--attestor");
      const c = await runCli(
        ["mesh", "claim", "mors", "--key", "net/admin.pem", "--network", bad, "--node", "http://127.0.0.1:9"],
        "",
        dir,
      );
      expect(c.code).toBe(2);
      expect(c.stderr).toContain("--network");
    }
  });
});
