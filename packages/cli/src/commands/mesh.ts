// `chronoseal mesh init | settings set | claim | status | dns`: make a network, sign settings
// and claims, and talk to a running meshd's HTTP API.
import { readFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { encodePrivateKey, generateKeyPair, initKeys, parseJson, toBase64 } from "@chronoseal/core";
import { checkDataJson, type MeshEntry, type Settings, signEntry } from "@chronoseal/mesh";
import { type Command, EXIT_OK, InputError, type Io, UsageError } from "../command.js";
import { checkOutputs, isStdout, makeOutputDir, writeOutput } from "../output.js";
import { dnsDomain, hostLabel, publicKeyFlag as keyFlag, millisFlag } from "../values.js";
import { loadPrivateKey } from "./keys.js";
import { api } from "./mesh-api.js";

/**
 * Checks a signed entry the way a node reads it back from its own state file (the data.json
 * schema of @chronoseal/mesh): what meshd would later refuse as corrupt is never written.
 */
function assertLoadable(entry: MeshEntry): void {
  try {
    checkDataJson({ version: 1, network: entry.network, entries: [entry], attestations: {} });
  } catch (e) {
    throw new UsageError(`the settings would not load in meshd: ${(e as Error).message}`);
  }
}

/** Posts entries to a node; a refusal is an input error carrying the node's answer. */
async function publish(node: string, network: string, entries: MeshEntry[], what: string) {
  const r = await api(node, `/v1/networks/${encodeURIComponent(network)}/entries`, {
    method: "POST",
    body: JSON.stringify(entries),
  });
  if (r.status !== 200)
    throw new InputError(`meshd ${node} refused the ${what} (HTTP ${r.status}): ${JSON.stringify(r.body)}`);
  return r.body;
}

/** Settings FILE as read by `settings set` (an admin-signed settings entry). */
async function readSettings(file: string, io: Io): Promise<Settings & { signatures?: unknown }> {
  let value: unknown;
  try {
    value = parseJson(await readFile(resolve(io.cwd, file), "utf8"));
  } catch (e) {
    throw new InputError(`--settings ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  if (!value || typeof value !== "object" || (value as { kind?: unknown }).kind !== "settings")
    throw new InputError(`--settings ${file}: not a settings entry`);
  return value as Settings & { signatures?: unknown };
}

const init: Command = {
  name: ["mesh", "init"],
  summary: "make a network: an admin key and its first signed settings",
  usage: [
    "usage: chronoseal mesh init --out DIR [--force] [--tld DOMAIN] [--attestor KEY]... [--ttl MS]",
    "         [--admission open|listed] [--node KEY]... [--json]",
    "",
    "Writes DIR/admin.pem (the admin key, mode 0600), DIR/settings.json (signed settings) and",
    "prints the network id (the admin public key); if either file exists nothing is written",
    "(exit 1) unless --force. DOMAIN: DNS labels, lowercase, at most 63 characters (default mesh).",
    "KEY: an Ed25519 public key (base64, ssh-ed25519 line or PEM) of an attestor or an admitted",
    "node, written in canonical base64. Every value is checked before anything is signed.",
    "--json: {network, admin, settings, tld, attestors}.",
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
        force: { type: "boolean", default: false },
        json: { type: "boolean", default: false },
      },
    });
    if (!values.out) throw new UsageError("--out DIR is required");
    if (isStdout(values.out))
      throw new UsageError("--out names a directory (admin.pem and settings.json): - cannot hold them");
    if (values.admission !== "open" && values.admission !== "listed")
      throw new UsageError("--admission: expected open or listed");
    const ttl = millisFlag(values.ttl, "--ttl");
    const tld = dnsDomain(values.tld, "--tld");
    const attestors = [...new Set((values.attestor ?? []).map((k) => keyFlag(k, "--attestor")))];
    const nodes = [...new Set((values.node ?? []).map((k) => keyFlag(k, "--node")))];
    const files = { admin: join(values.out, "admin.pem"), settings: join(values.out, "settings.json") };
    await checkOutputs([files.admin, files.settings], io, values.force);
    await initKeys();
    const admin = generateKeyPair();
    const key = toBase64(admin.publicKey);
    const settings = signEntry(
      {
        kind: "settings",
        network: key,
        writer: key,
        last_updated: new Date().toISOString(),
        tld,
        attestors,
        banned: [],
        overrides: {},
        host_ttl: ttl,
        sections: {},
        ...(values.admission === "listed" || nodes.length
          ? { admission: values.admission as "open" | "listed", nodes }
          : {}),
      },
      admin.secretKey,
    );
    assertLoadable(settings);
    await makeOutputDir(values.out, io);
    const force = values.force;
    await writeOutput(files.admin, encodePrivateKey(admin, "pem") as string, io, { force, mode: 0o600 });
    await writeOutput(files.settings, `${JSON.stringify(settings, null, 2)}\n`, io, { force });
    io.stdout.write(
      values.json
        ? `${JSON.stringify({ network: key, admin: files.admin, settings: files.settings, tld, attestors }, null, 2)}\n`
        : `${key}\n`,
    );
    return EXIT_OK;
  },
};

const settingsSet: Command = {
  name: ["mesh", "settings", "set"],
  summary: "sign an updated settings entry with the admin key and send it to a node",
  usage: [
    "usage: chronoseal mesh settings set --admin KEYFILE --settings FILE --node URL [--tld DOMAIN]",
    "         [--add-attestor KEY]... [--ban KEY]... [--ttl MS] [--section NAME=POLICY:WRITER,WRITER]... [--json]",
    "",
    "Reads the current settings (FILE), applies the changes, signs them with a new last_updated,",
    "posts the entry to the node, and replaces FILE (atomically) once the node accepted it. KEY and",
    "WRITER: Ed25519 public keys (base64, ssh-ed25519 line or PEM), written in canonical base64.",
    "Every value is checked before anything is signed; --admin must be the network's admin key.",
    "Prints the node's ingest report; --json: {network, settings, node: report}.",
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
        json: { type: "boolean", default: false },
      },
    });
    if (!values.admin || !values.settings || !values.node)
      throw new UsageError("--admin, --settings and --node are required");
    const cur = await readSettings(values.settings, io);
    const { signatures: _s, ...next } = cur;
    if (values.tld !== undefined) next.tld = dnsDomain(values.tld, "--tld");
    if (values.ttl !== undefined) next.host_ttl = millisFlag(values.ttl, "--ttl");
    const added = (values["add-attestor"] ?? []).map((k) => keyFlag(k, "--add-attestor"));
    const bans = (values.ban ?? []).map((k) => keyFlag(k, "--ban"));
    next.attestors = [...new Set([...next.attestors, ...added])];
    next.banned = [...new Set([...next.banned, ...bans])];
    for (const spec of values.section ?? []) {
      const m = /^([\w-]+)=(lww|first-attested-wins|append-only|latest-per-writer):(.*)$/.exec(spec);
      if (!m || m[1]!.length > 64)
        throw new UsageError(`--section ${spec}: expected NAME=POLICY:WRITER,WRITER`);
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
    const admin = await loadPrivateKey(values.admin, io, "--admin");
    if (toBase64(admin.publicKey) !== cur.network)
      throw new InputError(
        `--admin ${values.admin} is not the admin key of network ${cur.network} (--settings ${values.settings})`,
      );
    next.last_updated = new Date().toISOString();
    const entry = signEntry(next, admin.secretKey);
    assertLoadable(entry);
    const report = await publish(values.node, next.network, [entry], "settings");
    // Only once the node accepted it; printed after, so a closed stdout cannot cut the write.
    await writeOutput(values.settings, `${JSON.stringify(entry, null, 2)}\n`, io, { force: true });
    io.stdout.write(
      values.json
        ? `${JSON.stringify({ network: next.network, settings: entry, node: report }, null, 2)}\n`
        : `${JSON.stringify(report)}\n`,
    );
    return EXIT_OK;
  },
};

const claim: Command = {
  name: ["mesh", "claim"],
  summary: "sign a hostname claim with a node key and send it to a node",
  usage: [
    "usage: chronoseal mesh claim HOSTNAME --key NODEKEY --network ADMINKEY --node URL [--json]",
    "",
    "Prints the node's ingest report (--json: {hostname, network, writer, node: report}); a claim",
    "the node refuses is exit 1 with its answer on stderr.",
  ].join("\n"),
  async run(argv, io) {
    const { values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        key: { type: "string" },
        network: { type: "string" },
        node: { type: "string" },
        json: { type: "boolean", default: false },
      },
    });
    if (positionals.length !== 1) throw new UsageError("expected one HOSTNAME");
    if (!values.key || !values.network || !values.node)
      throw new UsageError("--key, --network and --node are required");
    const hostname = hostLabel(positionals[0]!, "HOSTNAME");
    const network = keyFlag(values.network, "--network");
    const kp = await loadPrivateKey(values.key, io);
    const writer = toBase64(kp.publicKey);
    const entry: MeshEntry = signEntry(
      { kind: "claim", network, writer, last_updated: new Date().toISOString(), hostname },
      kp.secretKey,
    );
    const report = await publish(values.node, network, [entry], "claim");
    io.stdout.write(
      values.json
        ? `${JSON.stringify({ hostname, network, writer, node: report }, null, 2)}\n`
        : `${JSON.stringify(report)}\n`,
    );
    return EXIT_OK;
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
    if (r.status !== 200) throw new InputError(`meshd ${values.node} answered ${r.status}`);
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
  usage:
    "usage: chronoseal mesh dns --node URL [--json]\n\nPrints one JSON line per name and address; --json: one JSON array.",
  async run(argv, io) {
    const { values } = parseArgs({
      args: argv,
      strict: true,
      options: { node: { type: "string" }, json: { type: "boolean", default: false } },
    });
    if (!values.node) throw new UsageError("--node URL is required");
    const r = await api(values.node, "/v1/dns");
    if (r.status !== 200 || !Array.isArray(r.body))
      throw new InputError(`meshd ${values.node} answered ${r.status}: ${JSON.stringify(r.body)}`);
    if (values.json) io.stdout.write(`${JSON.stringify(r.body, null, 2)}\n`);
    else for (const l of r.body) io.stdout.write(`${JSON.stringify(l)}\n`);
    return EXIT_OK;
  },
};

export const meshCommands: Command[] = [init, settingsSet, claim, status, dns];
