// `chronoseal mesh init | settings set | claim | status | dns`: make a network, sign settings
// and claims, and talk to a running meshd's HTTP API.
import { readFile, writeFile } from "node:fs/promises";
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import {
  canonicalPublicKey,
  encodePrivateKey,
  encodePublicKey,
  generateKeyPair,
  initKeys,
  parseJson,
  toBase64,
} from "@chronoseal/core";
import { type MeshEntry, type Settings, signEntry } from "@chronoseal/mesh";
import { type Command, EXIT_INVALID, EXIT_OK, InputError, UsageError } from "../command.js";
import { loadPrivateKey } from "./keys.js";

/**
 * A public key given on the command line, in any format core reads (base64, `ssh-ed25519 AAAA…`,
 * PEM), as the one spelling settings and signature maps use (canonical base64): a ban or an
 * attestor written in another spelling would match no writer.
 */
function keyFlag(value: string, flag: string): string {
  try {
    return canonicalPublicKey(value);
  } catch (e) {
    throw new UsageError(`${flag} ${JSON.stringify(value.slice(0, 60))}: ${(e as Error).message}`);
  }
}

async function api(
  url: string,
  path: string,
  init?: RequestInit,
): Promise<{ status: number; body: unknown }> {
  let res: Response;
  try {
    res = await fetch(`${url.replace(/\/$/, "")}${path}`, init);
  } catch (e) {
    throw new InputError(`meshd ${url}: ${(e as Error).message}`);
  }
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

const init: Command = {
  name: ["mesh", "init"],
  summary: "make a network: an admin key and its first signed settings",
  usage: [
    "usage: chronoseal mesh init --out DIR [--tld NAME] [--attestor KEY]... [--ttl MS]",
    "         [--admission open|listed] [--node KEY]...",
    "",
    "Writes DIR/admin.pem (the admin key), DIR/settings.json (signed settings) and prints the",
    "network id (the admin public key). KEY: a public key (base64, ssh-ed25519 line or PEM) of an",
    "attestor or an admitted node, written in canonical base64.",
    "--ttl MS: host records and claims expire MS after their attestation unless renewed",
    "(running nodes renew at a third of it); 0 (default): they never expire.",
  ].join("\n"),
  async run(argv, io) {
    const { values } = parseArgs({
      args: argv,
      strict: true,
      options: {
        out: { type: "string" },
        tld: { type: "string", default: "mesh" },
        attestor: { type: "string", multiple: true },
        ttl: { type: "string", default: "0" },
        admission: { type: "string", default: "open" },
        node: { type: "string", multiple: true },
      },
    });
    if (!values.out) throw new UsageError("--out DIR is required");
    if (values.admission !== "open" && values.admission !== "listed")
      throw new UsageError("--admission: expected open or listed");
    const ttl = Number(values.ttl);
    if (!Number.isSafeInteger(ttl) || ttl < 0)
      throw new UsageError("--ttl: expected milliseconds (an integer ≥ 0)");
    await initKeys();
    const admin = generateKeyPair();
    const key = toBase64(admin.publicKey);
    const settings = signEntry(
      {
        kind: "settings",
        network: key,
        writer: key,
        last_updated: new Date().toISOString(),
        tld: values.tld,
        attestors: (values.attestor ?? []).map((k) => keyFlag(k, "--attestor")),
        banned: [],
        overrides: {},
        host_ttl: ttl,
        sections: {},
        ...(values.admission === "listed" || values.node?.length
          ? {
              admission: values.admission as "open" | "listed",
              nodes: (values.node ?? []).map((k) => keyFlag(k, "--node")),
            }
          : {}),
      },
      admin.secretKey,
    );
    const dir = resolve(io.cwd, values.out);
    await (await import("node:fs/promises")).mkdir(dir, { recursive: true });
    await writeFile(resolve(dir, "admin.pem"), encodePrivateKey(admin, "pem") as string, { mode: 0o600 });
    await writeFile(resolve(dir, "settings.json"), `${JSON.stringify(settings, null, 2)}\n`);
    io.stdout.write(`${encodePublicKey(admin.publicKey, "base64")}\n`);
    return EXIT_OK;
  },
};

const settingsSet: Command = {
  name: ["mesh", "settings", "set"],
  summary: "sign an updated settings entry with the admin key and send it to a node",
  usage: [
    "usage: chronoseal mesh settings set --admin KEYFILE --settings FILE --node URL [--tld NAME]",
    "         [--add-attestor KEY]... [--ban KEY]... [--ttl MS] [--section NAME=POLICY:WRITER,WRITER]...",
    "",
    "Reads the current settings (FILE), applies the changes, signs them with a new last_updated,",
    "posts the entry to the node, and writes FILE back once the node accepted it. KEY and WRITER:",
    "public keys (base64, ssh-ed25519 line or PEM), written in canonical base64.",
  ].join("\n"),
  async run(argv, io) {
    const { values } = parseArgs({
      args: argv,
      strict: true,
      options: {
        admin: { type: "string" },
        settings: { type: "string" },
        node: { type: "string" },
        tld: { type: "string" },
        "add-attestor": { type: "string", multiple: true },
        ban: { type: "string", multiple: true },
        ttl: { type: "string" },
        section: { type: "string", multiple: true },
      },
    });
    if (!values.admin || !values.settings || !values.node)
      throw new UsageError("--admin, --settings and --node are required");
    const admin = await loadPrivateKey(values.admin, io);
    const file = resolve(io.cwd, values.settings);
    const cur = parseJson(await readFile(file, "utf8")) as Settings & { signatures?: unknown };
    const { signatures: _s, ...next } = cur;
    if (values.tld) next.tld = values.tld;
    if (values.ttl) next.host_ttl = Number(values.ttl);
    const added = (values["add-attestor"] ?? []).map((k) => keyFlag(k, "--add-attestor"));
    const bans = (values.ban ?? []).map((k) => keyFlag(k, "--ban"));
    next.attestors = [...new Set([...next.attestors, ...added])];
    next.banned = [...new Set([...next.banned, ...bans])];
    for (const spec of values.section ?? []) {
      const m = /^([\w-]+)=(lww|first-attested-wins|append-only|latest-per-writer):(.*)$/.exec(spec);
      if (!m) throw new UsageError(`--section ${spec}: expected NAME=POLICY:WRITER,WRITER`);
      next.sections = {
        ...next.sections,
        [m[1]!]: {
          policy: m[2] as Settings["sections"][string]["policy"],
          writers: m[3]!
            .split(",")
            .filter(Boolean)
            .map((k) => keyFlag(k, `--section ${m[1]} writer`)),
        },
      };
    }
    next.last_updated = new Date().toISOString();
    const entry = signEntry(next, admin.secretKey);
    const r = await api(values.node, `/v1/networks/${encodeURIComponent(next.network)}/entries`, {
      method: "POST",
      body: JSON.stringify([entry]),
    });
    io.stdout.write(`${JSON.stringify(r.body)}\n`);
    if (r.status !== 200) return EXIT_INVALID;
    await writeFile(file, `${JSON.stringify(entry, null, 2)}\n`); // only once the node accepted it
    return EXIT_OK;
  },
};

const claim: Command = {
  name: ["mesh", "claim"],
  summary: "sign a hostname claim with a node key and send it to a node",
  usage: "usage: chronoseal mesh claim HOSTNAME --key NODEKEY --network ADMINKEY --node URL",
  async run(argv, io) {
    const { values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: { key: { type: "string" }, network: { type: "string" }, node: { type: "string" } },
    });
    if (positionals.length !== 1) throw new UsageError("expected one HOSTNAME");
    if (!values.key || !values.network || !values.node)
      throw new UsageError("--key, --network and --node are required");
    if (!/^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/.test(positionals[0]!))
      throw new InputError(`hostname ${positionals[0]}: lowercase letters, digits and '-'`);
    const network = keyFlag(values.network, "--network");
    const kp = await loadPrivateKey(values.key, io);
    const entry: MeshEntry = signEntry(
      {
        kind: "claim",
        network,
        writer: toBase64(kp.publicKey),
        last_updated: new Date().toISOString(),
        hostname: positionals[0]!,
      },
      kp.secretKey,
    );
    const r = await api(values.node, `/v1/networks/${encodeURIComponent(network)}/entries`, {
      method: "POST",
      body: JSON.stringify([entry]),
    });
    io.stdout.write(`${JSON.stringify(r.body)}\n`);
    return r.status === 200 ? EXIT_OK : EXIT_INVALID;
  },
};

const status: Command = {
  name: ["mesh", "status"],
  summary: "show a node's networks, names, pending claims, rejections and peers",
  usage: "usage: chronoseal mesh status --node URL [--json]",
  async run(argv, io) {
    const { values } = parseArgs({
      args: argv,
      strict: true,
      options: { node: { type: "string" }, json: { type: "boolean", default: false } },
    });
    if (!values.node) throw new UsageError("--node URL is required");
    const r = await api(values.node, "/v1/status");
    if (r.status !== 200) throw new InputError(`meshd answered ${r.status}`);
    const s = r.body as ReturnType<import("@chronoseal/mesh").MeshNode["status"]>;
    if (values.json) io.stdout.write(`${JSON.stringify(s, null, 2)}\n`);
    else {
      io.stdout.write(`node ${s.node}${s.attestor ? " (attestor)" : ""}\n`);
      for (const n of s.networks) {
        io.stdout.write(
          `network ${n.network} (priority ${n.priority}): ${n.entries} entries, ${n.active} names, ${n.pending} pending${n.readOnlyForNewClaims ? ", read-only for new claims" : ""}\n`,
        );
        for (const name of n.names) io.stdout.write(`  ${name.hostname.padEnd(24)} ${name.owner}\n`);
        for (const p of n.pendingNames) io.stdout.write(`  ${p.hostname.padEnd(24)} ${p.owner} (pending)\n`);
        if (n.admission === "listed") io.stdout.write("  admission: listed node keys only\n");
        if (Object.keys(n.rejected).length) io.stdout.write(`  rejected: ${JSON.stringify(n.rejected)}\n`);
        if (Object.keys(n.rejectedAttestations).length)
          io.stdout.write(`  rejected attestations: ${JSON.stringify(n.rejectedAttestations)}\n`);
      }
      if (s.isolated) io.stdout.write("no live peer: going back to the bootstrap peers\n");
      for (const p of s.peers)
        io.stdout.write(`peer ${p.url} ${p.health}${p.claimedBy ? ` ${p.claimedBy}` : ""}\n`);
      for (const x of s.impostors)
        io.stdout.write(
          `impostor ${x.key} claims ${x.url}${x.answeredBy ? ` (the peer there is ${x.answeredBy})` : ""}\n`,
        );
      for (const [who, c] of Object.entries(s.refused.bySender)) {
        const parts = [
          Object.keys(c.entries).length ? `entries ${JSON.stringify(c.entries)}` : "",
          Object.keys(c.attestations).length ? `attestations ${JSON.stringify(c.attestations)}` : "",
          Object.keys(c.requests).length ? `requests ${JSON.stringify(c.requests)}` : "",
        ].filter(Boolean);
        io.stdout.write(`refused from ${who}: ${parts.join(", ")}\n`);
      }
    }
    return EXIT_OK;
  },
};

const dns: Command = {
  name: ["mesh", "dns"],
  summary: "print a node's dns.json lines",
  usage: "usage: chronoseal mesh dns --node URL",
  async run(argv, io) {
    const { values } = parseArgs({ args: argv, strict: true, options: { node: { type: "string" } } });
    if (!values.node) throw new UsageError("--node URL is required");
    const r = await api(values.node, "/v1/dns");
    for (const l of r.body as unknown[]) io.stdout.write(`${JSON.stringify(l)}\n`);
    return r.status === 200 ? EXIT_OK : EXIT_INVALID;
  },
};

export const meshCommands: Command[] = [init, settingsSet, claim, status, dns];
