// The admin's verbs on a running network, each changing only what it names:
//   chronoseal mesh node add|remove KEY      the keys admitted when admission is `listed`
//   chronoseal mesh admission open|listed    who may publish host records and claims
//   chronoseal mesh ban|unban KEY            banned keys
//   chronoseal mesh override set NAME IP…    a name to fixed addresses (or --owner KEY)
//   chronoseal mesh override remove NAME
//   chronoseal mesh delete NAME              tombstones (by the admin) for every claim of NAME
// Each reads the current signed settings (from the node, or --settings FILE: the newer of the
// two by last_updated), changes one thing, signs the result with the admin key, publishes it to
// the node and, with --settings, writes the file back once the node accepted it. Output: one
// line saying what changed, or with --json an object { changed, network, … }.
import { readFile } from "node:fs/promises";
import { isIP } from "node:net";
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { type KeyPair, parseJson, toBase64 } from "@chronoseal/core";
import { type MeshEntry, type Settings, signEntry } from "@chronoseal/mesh";
import { type Command, EXIT_OK, InputError, type Io, UsageError } from "../command.js";
import { writeOutput } from "../output.js";
import { hostLabel, publicKeyFlag } from "../values.js";
import { loadPrivateKey } from "./keys.js";
import { api } from "./mesh-api.js";

const COMMON = {
  node: { type: "string" },
  admin: { type: "string" },
  settings: { type: "string" },
  json: { type: "boolean", default: false },
} as const;
const COMMON_USAGE = "--admin KEYFILE --node URL [--settings FILE] [--json]";

/** A public key in any format core reads, as canonical base64 (the one spelling settings use). */
function key(v: string, what: string): string {
  try {
    return publicKeyFlag(v, what);
  } catch (e) {
    throw new InputError((e as Error).message);
  }
}

/** GET, or POST `body` as JSON. */
const call = (url: string, path: string, body?: unknown) =>
  api(url, path, body === undefined ? undefined : { method: "POST", body: JSON.stringify(body) });

interface Context {
  io: Io;
  admin: KeyPair;
  network: string;
  node: string;
  file: string | undefined;
  json: boolean;
}

async function context(values: { node?: string; admin?: string; settings?: string; json?: boolean }, io: Io) {
  if (!values.admin || !values.node) throw new UsageError("--admin and --node are required");
  const admin = await loadPrivateKey(values.admin, io, "--admin");
  return {
    io,
    admin,
    network: toBase64(admin.publicKey),
    node: values.node,
    file: values.settings ? resolve(io.cwd, values.settings) : undefined,
    json: values.json === true,
  } satisfies Context;
}

const newer = (a: MeshEntry | undefined, b: MeshEntry) => !a || b.last_updated > a.last_updated;

/** The current settings: the newest (last_updated) on the node and in the file. */
async function current(c: Context): Promise<Settings & MeshEntry> {
  const path = `/v1/networks/${encodeURIComponent(c.network)}/entries?kind=settings`;
  const r = await call(c.node, path);
  if (r.status === 404)
    throw new InputError(`meshd ${c.node} is not in network ${c.network} (the admin key's)`);
  if (r.status !== 200) throw new InputError(`meshd ${c.node} answered ${r.status}`);
  let best: MeshEntry | undefined;
  for (const e of (r.body as { entries: { entry: MeshEntry }[] }).entries)
    if (newer(best, e.entry)) best = e.entry;
  if (c.file) {
    let fromFile: MeshEntry;
    try {
      fromFile = parseJson(await readFile(c.file, "utf8")) as MeshEntry;
    } catch (e) {
      throw new InputError(
        `--settings ${c.file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`,
      );
    }
    if (fromFile.kind === "settings" && fromFile.network === c.network && newer(best, fromFile))
      best = fromFile;
  }
  if (!best)
    throw new InputError(
      `no settings of network ${c.network} on ${c.node}${c.file ? " or in the file" : ""}`,
    );
  return best as Settings & MeshEntry;
}

/** Signs `next` (a copy of the current settings with one change), publishes it, reports. */
async function publish(c: Context, cur: Settings, next: Settings, changed: string): Promise<number> {
  const { signatures: _, ...payload } = next as Settings & { signatures?: unknown };
  const t = Math.max(Date.now(), Date.parse(cur.last_updated) + 1);
  payload.last_updated = new Date(t).toISOString();
  const entry = signEntry(payload, c.admin.secretKey, t);
  const r = await call(c.node, `/v1/networks/${encodeURIComponent(c.network)}/entries`, [entry]);
  if (r.status !== 200)
    throw new InputError(
      `meshd ${c.node} refused the settings (HTTP ${r.status}): ${JSON.stringify(r.body)}`,
    );
  if (c.file) await writeOutput(c.file, `${JSON.stringify(entry, null, 2)}\n`, c.io, { force: true });
  c.io.stdout.write(
    c.json
      ? `${JSON.stringify({ changed, network: c.network, settings: entry }, null, 2)}\n`
      : `${changed}\n`,
  );
  return EXIT_OK;
}

function unchanged(c: Context, what: string): number {
  c.io.stdout.write(
    c.json
      ? `${JSON.stringify({ changed: null, network: c.network, unchanged: what })}\n`
      : `unchanged: ${what}\n`,
  );
  return EXIT_OK;
}

/** A verb that edits one thing in the settings. */
function settingsVerb(
  name: string[],
  summary: string,
  args: string,
  edit: (
    cur: Settings,
    positionals: string[],
    values: Record<string, unknown>,
  ) => { next: Settings; changed: string } | string,
  extra: Record<string, { type: "string" | "boolean"; multiple?: boolean }> = {},
): Command {
  return {
    name,
    summary,
    usage: `usage: chronoseal ${name.join(" ")} ${args} ${COMMON_USAGE}`,
    async run(argv, io) {
      const { values, positionals } = parseArgs({
        args: argv,
        allowPositionals: true,
        strict: true,
        options: { ...COMMON, ...extra },
      });
      const c = await context(values as never, io);
      const cur = await current(c);
      const r = edit(cur, positionals, values as Record<string, unknown>);
      if (typeof r === "string") return unchanged(c, r);
      return publish(c, cur, r.next, r.changed);
    },
  };
}

const one = (positionals: string[], what: string) => {
  if (positionals.length !== 1) throw new UsageError(`expected one ${what}`);
  return positionals[0]!;
};

const mode = (s: Settings) => s.admission ?? "open";

const nodeAdd = settingsVerb(
  ["mesh", "node", "add"],
  "admit a node key (admission `listed`)",
  "KEY",
  (cur, p) => {
    const k = key(one(p, "KEY"), "KEY");
    const nodes = cur.nodes ?? [];
    if (nodes.includes(k)) return `node ${k} is already admitted`;
    return {
      next: { ...cur, nodes: [...nodes, k] },
      changed: `node ${k} admitted (${nodes.length + 1} admitted keys; admission ${mode(cur)}${mode(cur) === "open" ? ": any key may publish until admission is listed" : ""})`,
    };
  },
);
const nodeRemove = settingsVerb(
  ["mesh", "node", "remove"],
  "withdraw a node key's admission",
  "KEY",
  (cur, p) => {
    const k = key(one(p, "KEY"), "KEY");
    const nodes = cur.nodes ?? [];
    if (!nodes.includes(k)) return `node ${k} is not admitted`;
    return {
      next: { ...cur, nodes: nodes.filter((x) => x !== k) },
      changed: `node ${k} no longer admitted (${nodes.length - 1} admitted keys; admission ${mode(cur)})`,
    };
  },
);
const admission = settingsVerb(
  ["mesh", "admission"],
  "who may publish host records and claims: open | listed",
  "open|listed",
  (cur, p) => {
    const m = one(p, "mode (open or listed)");
    if (m !== "open" && m !== "listed") throw new UsageError("expected open or listed");
    if (mode(cur) === m) return `admission is already ${m}`;
    return {
      next: { ...cur, admission: m },
      changed: `admission ${m}${m === "listed" ? ` (${(cur.nodes ?? []).length} admitted keys; entries of other keys are refused and removed)` : " (any key that is not banned may publish)"}`,
    };
  },
);
const ban = settingsVerb(
  ["mesh", "ban"],
  "ban a key (its entries are refused and removed)",
  "KEY",
  (cur, p) => {
    const k = key(one(p, "KEY"), "KEY");
    if (cur.banned.includes(k)) return `${k} is already banned`;
    return {
      next: { ...cur, banned: [...cur.banned, k] },
      changed: `${k} banned (${cur.banned.length + 1} banned keys)`,
    };
  },
);
const unban = settingsVerb(["mesh", "unban"], "lift a ban", "KEY", (cur, p) => {
  const k = key(one(p, "KEY"), "KEY");
  if (!cur.banned.includes(k)) return `${k} is not banned`;
  return {
    next: { ...cur, banned: cur.banned.filter((x) => x !== k) },
    changed: `${k} no longer banned (${cur.banned.length - 1} banned keys)`,
  };
});
const overrideSet = settingsVerb(
  ["mesh", "override", "set"],
  "point a name at fixed addresses (or at a node key with --owner)",
  "NAME [IP…] [--owner KEY]",
  (cur, p, values) => {
    const [name, ...ips] = p;
    if (!name) throw new UsageError("expected NAME (lowercase letters, digits and '-') and IP addresses");
    hostLabel(name, "NAME");
    const owner = values.owner as string | undefined;
    if (owner !== undefined && ips.length) throw new UsageError("give IP addresses or --owner, not both");
    if (owner === undefined && ips.length === 0) throw new UsageError("expected IP addresses or --owner KEY");
    for (const ip of ips) if (!isIP(ip)) throw new InputError(`${ip}: not an IP address`);
    const to: string | string[] = owner !== undefined ? key(owner, "--owner") : ips;
    const was = cur.overrides[name];
    if (JSON.stringify(was) === JSON.stringify(to)) return `${name} already points at ${JSON.stringify(to)}`;
    return {
      next: { ...cur, overrides: { ...cur.overrides, [name]: to } },
      changed: `override ${name} → ${Array.isArray(to) ? to.join(" ") : `node ${to}`}${was === undefined ? "" : ` (was ${Array.isArray(was) ? was.join(" ") : `node ${was}`})`}`,
    };
  },
  { owner: { type: "string" } },
);
const overrideRemove = settingsVerb(
  ["mesh", "override", "remove"],
  "remove a name's override",
  "NAME",
  (cur, p) => {
    const name = hostLabel(one(p, "NAME"), "NAME");
    if (cur.overrides[name] === undefined) return `${name} has no override`;
    const { [name]: _, ...rest } = cur.overrides;
    return {
      next: { ...cur, overrides: rest },
      changed: `override ${name} removed (claims decide the name again)`,
    };
  },
);

const del: Command = {
  name: ["mesh", "delete"],
  summary: "delete a name: a tombstone signed by the admin for each of its claims",
  usage: `usage: chronoseal mesh delete NAME ${COMMON_USAGE}\n\nThe claiming node does not claim the name again by itself.`,
  async run(argv, io) {
    const { values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: COMMON,
    });
    const c = await context(values, io);
    const name = hostLabel(one(positionals, "NAME"), "NAME");
    const path = `/v1/networks/${encodeURIComponent(c.network)}/entries?kind=claim`;
    const r = await call(c.node, path);
    if (r.status !== 200) throw new InputError(`meshd ${c.node} answered ${r.status}`);
    const targets = (
      r.body as { entries: { id: string; status: string; entry: { hostname: string } }[] }
    ).entries
      .filter((e) => e.entry.hostname === name && e.status !== "deleted")
      .map((e) => e.id);
    if (targets.length === 0) return unchanged(c, `no claim of ${name}`);
    const now = Date.now();
    const tombstones = targets.map((target) =>
      signEntry(
        {
          kind: "tombstone",
          network: c.network,
          writer: c.network,
          last_updated: new Date(now).toISOString(),
          target,
        },
        c.admin.secretKey,
        now,
      ),
    );
    const posted = await call(c.node, `/v1/networks/${encodeURIComponent(c.network)}/entries`, tombstones);
    if (posted.status !== 200)
      throw new InputError(
        `meshd ${c.node} refused the tombstones (HTTP ${posted.status}): ${JSON.stringify(posted.body)}`,
      );
    const changed = `${name} deleted (${targets.length} claim${targets.length === 1 ? "" : "s"} tombstoned)`;
    io.stdout.write(
      c.json
        ? `${JSON.stringify({ changed, network: c.network, tombstones: targets }, null, 2)}\n`
        : `${changed}\n`,
    );
    return EXIT_OK;
  },
};

export const meshAdminCommands: Command[] = [
  nodeAdd,
  nodeRemove,
  admission,
  ban,
  unban,
  overrideSet,
  overrideRemove,
  del,
];
