// `chronoseal lock decommission | badge-hash`: operating a lock.
//   decommission  closes a door's chain for good (chain-closed + final anchor) from its lock-agent
//                 config, and delivers what is queued; the daemon refuses to start on it afterwards
//   badge-hash    the hash an authorization allowlist or module sees for a badge id
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { decodePrivateKey, initKeys } from "@chronoseal/core";
import {
  AgentConfigError,
  badgeHash,
  DeviceBusyError,
  decommissionDevice,
  type LockAgentConfig,
  loadAgentConfig,
} from "@chronoseal/lock";
import { type Command, EXIT_INVALID, EXIT_OK, InputError, type Io, UsageError } from "../command.js";

function parse(argv: string[], options: Record<string, { type: "string" | "boolean" }>) {
  try {
    return parseArgs({ args: argv, allowPositionals: true, strict: true, options });
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
}

const decommission: Command = {
  name: ["lock", "decommission"],
  summary: "close a door's chain for good (final anchor) and deliver what is queued",
  usage: [
    "usage: chronoseal lock decommission --config LOCK.json [--deadline SECONDS] [--json]",
    "",
    "LOCK.json is the door's lock-agent config (its device directory, key, collector and anchors).",
    "Stop the agent first: the device directory is refused while another process uses it. Writes",
    "chain-closed and the final anchor, publishes the anchors and sends the entries, retrying until",
    "--deadline (30 s). Exit 0 when everything was delivered, 1 when something is still queued on",
    "the device (run the command again), 2 on a usage error. A decommissioned door's agent does not",
    "start again.",
  ].join("\n"),
  async run(argv, io) {
    const { values, positionals } = parse(argv, {
      config: { type: "string" },
      deadline: { type: "string" },
      json: { type: "boolean" },
    });
    if (positionals.length) throw new UsageError("lock decommission takes no positional arguments");
    if (!values.config) throw new UsageError("--config LOCK.json is required");
    const deadline = values.deadline === undefined ? 30 : Number(values.deadline);
    if (!Number.isFinite(deadline) || deadline < 0) throw new UsageError("--deadline: expected seconds ≥ 0");
    let config: LockAgentConfig;
    try {
      config = loadAgentConfig(resolve(io.cwd, values.config as string));
    } catch (e) {
      if (e instanceof AgentConfigError) throw new InputError(e.message);
      throw e;
    }
    await initKeys();
    let keyPair: ReturnType<typeof decodePrivateKey>;
    try {
      keyPair = decodePrivateKey(readFileSync(config.keyFile, "utf8"));
    } catch (e) {
      throw new InputError(`keyFile ${config.keyFile}: ${(e as Error).message}`);
    }
    const r = await decommissionDevice({ config, keyPair, deadlineMs: deadline * 1000 }).catch(
      (e: unknown) => {
        if (e instanceof DeviceBusyError) throw new InputError(e.message);
        throw e;
      },
    );
    const done = r.pendingEntries === 0 && r.pendingAnchors === 0;
    if (values.json) io.stdout.write(`${JSON.stringify(r, null, 2)}\n`);
    else {
      const lines = [
        r.decommissioned
          ? `${r.door}: decommissioned — ${r.chain} closed, final anchor ${r.finalAnchor}`
          : `${r.door}: was decommissioned already${r.finalAnchor ? ` (final anchor ${r.finalAnchor})` : ""}`,
        `delivered ${r.delivered} ${r.delivered === 1 ? "entry" : "entries"} to ${config.collector}`,
        done
          ? "nothing left to deliver"
          : `still queued on the device: ${r.pendingEntries} entries, ${r.pendingAnchors} anchors (${r.error ?? "not acknowledged"}); run again to retry`,
      ];
      io.stdout.write(`${lines.join("\n")}\n`);
    }
    return done ? EXIT_OK : EXIT_INVALID;
  },
};

async function readAll(io: Io): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of io.stdin) chunks.push(Buffer.from(c as Uint8Array));
  return Buffer.concat(chunks).toString("utf8");
}

const badgeHashCmd: Command = {
  name: ["lock", "badge-hash"],
  summary: "print the hash a lock's allowlist or authorization module sees for a badge id",
  usage: [
    "usage: chronoseal lock badge-hash [--json] ID... | chronoseal lock badge-hash [--json] - < ids.txt",
    "",
    "Prints the lowercase hex SHA-256 of each badge id (one per line; `-` reads one id per line from",
    "standard input): the lines of a lock-agent allowlist file (config authorize.allowlist).",
    "--json: a JSON array of the hashes, in order. No ids (an empty input) is exit 1.",
  ].join("\n"),
  async run(argv, io) {
    const { values, positionals } = parse(argv, { json: { type: "boolean" } });
    if (positionals.length === 0) throw new UsageError("expected badge ids (or - to read them from stdin)");
    const ids =
      positionals.length === 1 && positionals[0] === "-"
        ? (await readAll(io))
            .split("\n")
            .map((l) => l.replace(/\r$/, ""))
            .filter((l) => l !== "")
        : positionals;
    if (ids.length === 0) throw new InputError("no badge ids on standard input");
    const hashes = ids.map(badgeHash);
    io.stdout.write(values.json ? `${JSON.stringify(hashes)}\n` : `${hashes.join("\n")}\n`);
    return EXIT_OK;
  },
};

export const lockOpsCommands: Command[] = [decommission, badgeHashCmd];
