// `chronoseal credential incept | issue | revoke | reply | validate`: delegated credentials
// with key event logs, kept in a SQLite evidence store, validated as of a time T.
import { readFile, writeFile } from "node:fs/promises";
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { initKeys, parseJson } from "@chronoseal/core";
import {
  Controller,
  type ControllerFile,
  type EdgeOperator,
  type Edges,
  EvidenceStore,
  parseResolution,
} from "@chronoseal/validity";
import { type Command, EXIT_INVALID, EXIT_OK, InputError, type Io, UsageError } from "../command.js";

async function loadController(file: string, io: Io): Promise<Controller> {
  await initKeys();
  try {
    return Controller.fromJSON(parseJson(await readFile(resolve(io.cwd, file), "utf8")) as ControllerFile);
  } catch (e) {
    throw new InputError(`controller ${file}: ${(e as Error).message}`);
  }
}

async function saveController(c: Controller, file: string, io: Io): Promise<void> {
  await writeFile(resolve(io.cwd, file), `${JSON.stringify(c.toJSON(), null, 2)}\n`, { mode: 0o600 });
}

function openStore(path: string | undefined, io: Io): EvidenceStore {
  if (!path) throw new UsageError("--store is required");
  return new EvidenceStore(resolve(io.cwd, path));
}

function when(v: string | undefined, flag: string): string {
  if (!v) throw new UsageError(`${flag} is required`);
  return v;
}

const incept: Command = {
  name: ["credential", "incept"],
  summary: "create an identifier (key event log with pre-rotation) in a controller file",
  usage:
    "usage: chronoseal credential incept --out CONTROLLER.json [--store DB] [--delegator AID]\n\nPrints the new identifier (AID).",
  async run(argv, io) {
    const { values } = parseArgs({
      args: argv,
      strict: true,
      options: { out: { type: "string" }, store: { type: "string" }, delegator: { type: "string" } },
    });
    if (!values.out) throw new UsageError("--out is required");
    await initKeys();
    const c = Controller.incept({
      signedAt: Date.now(),
      ...(values.delegator ? { delegator: values.delegator } : {}),
    });
    await saveController(c, values.out, io);
    if (values.store) {
      const store = openStore(values.store, io);
      store.addAll(c.events);
      store.close();
    }
    io.stdout.write(`${c.aid}\n`);
    return EXIT_OK;
  },
};

function parseEdges(specs: string[] | undefined, op: string | undefined): Edges | undefined {
  if (!specs?.length) return undefined;
  const edges: Edges = {};
  if (op) {
    if (op !== "AND" && op !== "OR") throw new UsageError("--edges-op must be AND or OR");
    edges.o = op;
  }
  for (const spec of specs) {
    // name=SAID[:OPERATOR][:pin=MIN-MAX][:grace=DAYS]
    const m = /^([A-Za-z][\w-]*)=([^:]+)((?::[^:]+)*)$/.exec(spec);
    if (!m)
      throw new UsageError(
        `--edge ${spec}: expected name=SAID[:I2I|NI2I|DI2I|NOT][:pin=MIN-MAX][:grace=DAYS]`,
      );
    const edge: { n: string; o?: EdgeOperator; pin?: { min?: number; max?: number }; grace?: number } = {
      n: m[2]!,
    };
    for (const part of m[3]!.split(":").filter(Boolean)) {
      if (["I2I", "NI2I", "DI2I", "NOT"].includes(part)) edge.o = part as EdgeOperator;
      else if (part.startsWith("pin=")) {
        const [min, max] = part.slice(4).split("-");
        edge.pin = { ...(min ? { min: Number(min) } : {}), ...(max ? { max: Number(max) } : {}) };
      } else if (part.startsWith("grace=")) edge.grace = Number(part.slice(6)) * 86_400_000;
      else throw new UsageError(`--edge ${spec}: unknown part ${part}`);
    }
    edges[m[1]!] = edge;
  }
  return edges;
}

const issue: Command = {
  name: ["credential", "issue"],
  summary: "issue a credential (signed, anchored in the issuer's key event log)",
  usage: [
    "usage: chronoseal credential issue --controller FILE --store DB --schema S [--issuee AID] [--dt T]",
    "         [--attr key=value]... [--edge name=SAID[:I2I|NI2I|DI2I|NOT][:pin=MIN-MAX][:grace=DAYS]]... [--edges-op AND|OR]",
    "",
    "Prints the credential's SAID.",
  ].join("\n"),
  async run(argv, io) {
    const { values } = parseArgs({
      args: argv,
      strict: true,
      options: {
        controller: { type: "string" },
        store: { type: "string" },
        schema: { type: "string" },
        issuee: { type: "string" },
        dt: { type: "string" },
        attr: { type: "string", multiple: true },
        edge: { type: "string", multiple: true },
        "edges-op": { type: "string" },
      },
    });
    const c = await loadController(when(values.controller, "--controller"), io);
    const store = openStore(values.store, io);
    const attributes: Record<string, string> = {};
    for (const a of values.attr ?? []) {
      const i = a.indexOf("=");
      if (i <= 0) throw new UsageError(`--attr ${a}: expected key=value`);
      attributes[a.slice(0, i)] = a.slice(i + 1);
    }
    const edges = parseEdges(values.edge, values["edges-op"]);
    const issued = c.issue({
      schema: when(values.schema, "--schema"),
      dt: values.dt ?? new Date().toISOString(),
      attributes,
      ...(values.issuee ? { issuee: values.issuee } : {}),
      ...(edges ? { edges } : {}),
    });
    store.addAll([...c.events, issued.credential, issued.iss]);
    store.close();
    await saveController(c, values.controller!, io);
    io.stdout.write(`${issued.credential.d}\n`);
    return EXIT_OK;
  },
};

const revoke: Command = {
  name: ["credential", "revoke"],
  summary: "revoke a credential (the revocation's datetime is --dt)",
  usage: "usage: chronoseal credential revoke --controller FILE --store DB --credential SAID [--dt T]",
  async run(argv, io) {
    const { values } = parseArgs({
      args: argv,
      strict: true,
      options: {
        controller: { type: "string" },
        store: { type: "string" },
        credential: { type: "string" },
        dt: { type: "string" },
      },
    });
    const c = await loadController(when(values.controller, "--controller"), io);
    const store = openStore(values.store, io);
    const said = when(values.credential, "--credential");
    const cred = store.credential(said);
    const iss = store.telEvents(said).find((e) => e.t === "iss");
    if (!cred || !iss) throw new InputError(`credential ${said}: not in the store (or no issue event)`);
    if (cred.i !== c.aid)
      throw new InputError(`credential ${said} was issued by ${cred.i}, not by this controller`);
    const { rev } = c.revoke(cred, iss, values.dt ?? new Date().toISOString(), Date.now());
    store.addAll([...c.events, rev]);
    store.close();
    await saveController(c, values.controller!, io);
    io.stdout.write(`${rev.d}\n`);
    return EXIT_OK;
  },
};

const reply: Command = {
  name: ["credential", "reply"],
  summary: 'sign and store a status reply: "not revoked as of T"',
  usage: "usage: chronoseal credential reply --controller FILE --store DB --credential SAID [--as-of T]",
  async run(argv, io) {
    const { values } = parseArgs({
      args: argv,
      strict: true,
      options: {
        controller: { type: "string" },
        store: { type: "string" },
        credential: { type: "string" },
        "as-of": { type: "string" },
      },
    });
    const c = await loadController(when(values.controller, "--controller"), io);
    const store = openStore(values.store, io);
    const r = c.reply(when(values.credential, "--credential"), values["as-of"] ?? new Date().toISOString());
    store.add(r);
    store.close();
    io.stdout.write(`${JSON.stringify(r)}\n`);
    return EXIT_OK;
  },
};

const validateCmd: Command = {
  name: ["credential", "validate"],
  summary: "was this credential (and its whole chain) validly issued as of T?",
  usage: [
    "usage: chronoseal credential validate SAID --store DB --valid-on T [--resolution 1d] [--trusted-root AID]... [--json]",
    "",
    "Prints the verdict and every link with its status and reason. Exit 0 only for a valid verdict.",
  ].join("\n"),
  async run(argv, io) {
    const { values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        store: { type: "string" },
        "valid-on": { type: "string" },
        resolution: { type: "string", default: "1d" },
        "trusted-root": { type: "string", multiple: true },
        json: { type: "boolean", default: false },
      },
    });
    if (positionals.length !== 1) throw new UsageError("expected one credential SAID");
    let resolution: number;
    try {
      resolution = parseResolution(values.resolution);
    } catch (e) {
      throw new UsageError((e as Error).message);
    }
    await initKeys();
    const store = openStore(values.store, io);
    let v: ReturnType<EvidenceStore["validate"]>;
    try {
      v = store.validate(positionals[0]!, {
        validOn: when(values["valid-on"], "--valid-on"),
        resolution,
        ...(values["trusted-root"] ? { trustedRoots: values["trusted-root"] } : {}),
      });
    } catch (e) {
      throw new InputError((e as Error).message);
    } finally {
      store.close();
    }
    if (values.json) io.stdout.write(`${JSON.stringify(v, null, 2)}\n`);
    else {
      io.stdout.write(`${v.valid ? "VALID" : v.status.toUpperCase()}: ${v.reason}\n`);
      for (const l of v.links)
        io.stdout.write(`  ${l.status.padEnd(17)} ${l.credential}  (${l.via})  ${l.reason}\n`);
      for (const e of v.edges)
        io.stdout.write(
          `  edge ${e.name} ${e.operator} → ${e.to}: ${e.result}${e.reason ? ` (${e.reason})` : ""}\n`,
        );
      if (v.missing.length) io.stdout.write(`  missing: ${v.missing.join(", ")}\n`);
      for (const p of v.duplicity) io.stdout.write(`  duplicity: ${p.reason}\n`);
    }
    return v.valid ? EXIT_OK : EXIT_INVALID;
  },
};

export const credentialCommands: Command[] = [incept, issue, revoke, reply, validateCmd];
