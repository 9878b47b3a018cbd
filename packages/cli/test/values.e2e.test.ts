// Every value is checked before anything is signed (the real executable): domains under the DNS
// label rules, attestor and node keys that an Ed25519 key pair can have, AIDs and SAIDs, and a
// public key where a private key belongs. What `mesh init` accepts always loads in a real meshd,
// across a restart, without its state being moved aside as corrupt; what meshd would not load
// is refused by the CLI, and then nothing is written.
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { encodePublicKey, generateKeyPair, initKeys, toBase64 } from "@chronoseal/core";
import { launchMeshd, type MeshdProcess } from "@chronoseal/launch";
import { ed25519 } from "@noble/curves/ed25519.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runBin } from "./bin.js";

let dir = "";
let attestor = "";
const daemons: MeshdProcess[] = [];
beforeAll(async () => {
  await initKeys();
  dir = mkdtempSync(join(tmpdir(), "cli-values-"));
  attestor = toBase64(generateKeyPair().publicKey);
});
afterAll(async () => {
  await Promise.all(daemons.map((d) => d.stop("SIGKILL")));
});

const b64 = (bytes: Uint8Array) => Buffer.from(bytes).toString("base64");
const bytes = (first: number, fill = 0, last?: number) => {
  const b = new Uint8Array(32).fill(fill);
  b[0] = first;
  if (last !== undefined) b[31] = last;
  return b;
};

/** Keys no Ed25519 key pair has: what an attestor list must never hold. */
function junkKeys(): [string, string][] {
  const real = ed25519.Point.fromBytes(generateKeyPair().publicKey);
  const order4 = ed25519.Point.fromBytes(bytes(0)); // y = 0: a point of order 4
  return [
    ["too short", "AAAA"],
    ["identity (small order)", b64(bytes(1))],
    ["order 4 (small order)", b64(bytes(0))],
    ["not on the curve", b64(bytes(2))],
    ["non-canonical y ≥ p", b64(bytes(0xff, 0xff, 0x7f))],
    ["mixed order (key + torsion)", b64(real.add(order4).toBytes())],
    ["not base64", "attestor-key-please"],
  ];
}

describe("mesh init: checked before signing, and what it writes loads in meshd", () => {
  // 120 s: one meshd started twice on a shared machine.
  it("accepted domains and keys load in a real meshd across a restart; the rest is refused", async () => {
    const ssh = encodePublicKey(generateKeyPair().publicKey, "ssh") as string;
    const accepted: [string[], string][] = [
      [["--tld", "nether", "--attestor", attestor], "nether"],
      [["--tld", "Corp.Example", "--attestor", `${ssh} ops@laptop`], "corp.example"],
      [["--tld", `${"x".repeat(30)}.${"y".repeat(32)}`], `${"x".repeat(30)}.${"y".repeat(32)}`],
      [["--tld", "xn--bcher-kva.example", "--ttl", "60000"], "xn--bcher-kva.example"],
    ];
    const refused: [string[], RegExp][] = [
      [["--tld", `${"x".repeat(30)}.${"y".repeat(33)}`], /--tld .*: expected a domain of 1-63 characters/],
      [["--tld", "x".repeat(64)], /--tld .*: expected a domain of 1-63/],
      [["--tld", "NOT A TLD!!"], /--tld "NOT A TLD!!": label "not a tld!!"/],
      [["--tld", ""], /--tld "": expected a domain/],
      [["--tld=-mesh"], /label "-mesh"/], // a value starting with a dash needs the = form
      [["--tld", "mesh-"], /label "mesh-"/],
      [["--tld", "a..b"], /empty label/],
      [["--tld", "mesh."], /empty label/],
      [["--tld", "10.0.0.1"], /the last label must not be all digits/],
      [["--tld", "a_b"], /label "a_b"/],
      [["--tld", "bücher"], /label "bücher"/],
      [["--ttl=-1"], /--ttl "-1": expected milliseconds/],
      [["--ttl", "1.5"], /--ttl/],
      [["--ttl", "1e3"], /--ttl/],
      ...junkKeys().map(([, k]): [string[], RegExp] => [
        ["--attestor", k],
        /^chronoseal mesh init: --attestor /,
      ]),
      ...junkKeys().map(([, k]): [string[], RegExp] => [["--node", k], /^chronoseal mesh init: --node /]),
    ];
    for (const [args, message] of refused) {
      const out = `refused-${refused.findIndex((r) => r[0] === args)}`;
      const r = await runBin(["mesh", "init", "--out", out, ...args], { cwd: dir });
      expect(r.code, `${args.join(" ")}: ${r.stderr}`).toBe(2);
      expect(r.stderr).toMatch(message);
      expect(existsSync(join(dir, out)), args.join(" ")).toBe(false); // nothing signed, nothing written
    }

    const networks: { admin: string; settingsFile: string; tld: string }[] = [];
    for (const [i, [args, tld]] of accepted.entries()) {
      const r = await runBin(["mesh", "init", "--out", `net${i}`, "--json", ...args], { cwd: dir });
      expect(r.code, `${args.join(" ")}: ${r.stderr}`).toBe(0);
      const j = JSON.parse(r.stdout) as { network: string; tld: string; settings: string };
      expect(j.tld).toBe(tld);
      networks.push({ admin: j.network, settingsFile: join("..", j.settings), tld });
    }
    const node = await launchMeshd({
      dir: join(dir, "meshd"),
      config: { networks: networks.map(({ admin, settingsFile }) => ({ admin, settingsFile })) },
    });
    daemons.push(node);
    const settingsOf = async (admin: string) => {
      const r = await fetch(`${node.url}/v1/networks/${encodeURIComponent(admin)}/entries?kind=settings`);
      const body = (await r.json()) as { entries: { entry: { tld: string } }[] };
      return body.entries.map((e) => e.entry.tld);
    };
    for (const n of networks) expect(await settingsOf(n.admin)).toEqual([n.tld]);
    await node.stop();
    await node.start(); // from its own state files now
    for (const n of networks) expect(await settingsOf(n.admin)).toEqual([n.tld]);
    const state = join(dir, "meshd", "state");
    const all = readdirSync(state, { recursive: true }).map(String);
    expect(all.filter((f) => f.includes("corrupt"))).toEqual([]);
    expect(readFileSync(join(dir, "meshd", "meshd.log"), "utf8")).not.toContain("corrupt");
  }, 120_000);
});

describe("values checked before anything is signed", () => {
  it("a public key where a private key belongs is refused, naming the flag", async () => {
    const k = await runBin(["keygen", "--out", "signer.key"], { cwd: dir });
    expect(k.code).toBe(0);
    await runBin(["mesh", "init", "--out", "pubnet"], { cwd: dir });
    writeFileSync(join(dir, "doc.json"), "{}");
    const cases: [string[], string][] = [
      [["sign", "--key", "signer.key.pub", "doc.json"], "--key signer.key.pub"],
      [["sign-json", "--key", "signer.key.pub", "--context", "x", "doc.json"], "--key signer.key.pub"],
      [
        [
          "checkpoint",
          "sign",
          "--key",
          "signer.key.pub",
          "--origin",
          "o",
          "--size",
          "1",
          "--root",
          b64(bytes(0)),
        ],
        "--key signer.key.pub",
      ],
      [
        [
          "mesh",
          "claim",
          "n",
          "--key",
          "signer.key.pub",
          "--network",
          attestor,
          "--node",
          "http://127.0.0.1:1",
        ],
        "--key signer.key.pub",
      ],
      [
        [
          "mesh",
          "settings",
          "set",
          "--admin",
          "signer.key.pub",
          "--settings",
          "pubnet/settings.json",
          "--node",
          "http://127.0.0.1:1",
        ],
        "--admin signer.key.pub",
      ],
      [
        ["mesh", "ban", attestor, "--admin", "signer.key.pub", "--node", "http://127.0.0.1:1"],
        "--admin signer.key.pub",
      ],
    ];
    for (const [argv, flag] of cases) {
      const r = await runBin(argv, { cwd: dir });
      expect(r.code, argv.join(" ")).toBe(1);
      expect(r.stderr).toContain(`${flag}: a public key file (.pub) where a private key belongs`);
      expect(r.stdout).toBe("");
    }
  });

  it("settings set: a junk --tld, --ttl or key is refused before the admin key signs", async () => {
    await runBin(["mesh", "init", "--out", "setnet"], { cwd: dir });
    const before = readFileSync(join(dir, "setnet", "settings.json"), "utf8");
    const base = [
      "mesh",
      "settings",
      "set",
      "--admin",
      "setnet/admin.pem",
      "--settings",
      "setnet/settings.json",
    ];
    for (const extra of [
      ["--tld", "NOT A TLD!!"],
      ["--ttl", "soon"],
      ["--add-attestor", b64(bytes(1))],
      ["--ban", "AAAA"],
      ["--section", `anchors=append-only:${b64(bytes(2))}`],
    ]) {
      // An unreachable node: a refusal here is the CLI's own, before any request or signature.
      const r = await runBin([...base, "--node", "http://127.0.0.1:1", ...extra], { cwd: dir });
      expect(r.code, `${extra.join(" ")}: ${r.stderr}`).toBe(2);
      expect(r.stderr).toMatch(/^chronoseal mesh settings set: --/);
    }
    expect(readFileSync(join(dir, "setnet", "settings.json"), "utf8")).toBe(before);
    const other = await runBin(["keygen", "--out", "other.pem", "--format", "pem"], { cwd: dir });
    expect(other.code).toBe(0);
    const wrong = await runBin(
      [...base.slice(0, 3), "--admin", "other.pem", ...base.slice(5), "--node", "http://127.0.0.1:1"],
      {
        cwd: dir,
      },
    );
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toMatch(/--admin other\.pem is not the admin key of network/);
  });

  it("credential issue: a junk issuee, schema or edge is refused; the controller file is untouched", async () => {
    expect(
      (await runBin(["credential", "incept", "--out", "qvi.json", "--store", "ev.db"], { cwd: dir })).code,
    ).toBe(0);
    writeFileSync(join(dir, "s.json"), JSON.stringify({ $id: "", type: "object" }));
    const schema = (
      await runBin(["credential", "schema", "s.json", "--store", "ev.db"], { cwd: dir })
    ).stdout.trim();
    const before = readFileSync(join(dir, "qvi.json"), "utf8");
    const aid = JSON.parse(before).prefix as string;
    const issue = ["credential", "issue", "--controller", "qvi.json", "--store", "ev.db"];
    for (const [extra, message] of [
      [["--schema", schema, "--issuee", "not-an-aid"], /--issuee: not a KERI identifier/],
      [["--schema", schema, "--issuee", `${aid}x`], /--issuee: KERI identifier \(AID\) has 1 trailing/],
      [
        ["--schema", schema, "--issuee", "0AAAAAAAAAAAAAAAAAAAAAAA"],
        /--issuee: code 0A is not a KERI identifier/,
      ],
      [["--schema", "EBAD"], /--schema: not a SAID/],
      [["--schema", schema, "--edge", "le=nope"], /--edge le: not a SAID/],
    ] as const) {
      const r = await runBin([...issue, ...extra], { cwd: dir });
      expect(r.code, `${extra.join(" ")}: ${r.stderr}`).toBe(2);
      expect(r.stderr).toMatch(message);
    }
    expect(readFileSync(join(dir, "qvi.json"), "utf8")).toBe(before);
    const delegated = await runBin(
      ["credential", "incept", "--out", "d.json", "--store", "ev.db", "--delegator", "me"],
      {
        cwd: dir,
      },
    );
    expect(delegated.code).toBe(2);
    expect(existsSync(join(dir, "d.json"))).toBe(false);
    const ok = await runBin([...issue, "--schema", schema, "--issuee", aid, "--json"], { cwd: dir });
    expect(ok.code, ok.stderr).toBe(0);
    expect(JSON.parse(ok.stdout)).toMatchObject({ issuer: aid, issuee: aid });
  });
});
