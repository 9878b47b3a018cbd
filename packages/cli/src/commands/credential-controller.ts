// `chronoseal credential incept | approve | rotate | schema | issue | revoke | reply`: make
// real KERI/ACDC evidence to build test chains. A controller file (JSON, mode 0600) holds an
// identifier's secret key seeds and where its log stands; every message made goes into the
// evidence store. `incept` never overwrites an existing controller file without --force.
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { init, parseJson } from "@chronoseal/core";
import {
  ControllerError,
  type ControllerFile,
  type EvidenceStore,
  KeriController,
  saidifySchema,
} from "@chronoseal/validity";
import { type Command, EXIT_OK, InputError, type Io, UsageError } from "../command.js";
import { checkOutputs, isStdout, writeOutput } from "../output.js";
import { aidFlag, saidFlag } from "../values.js";
import { openStore } from "./credential-store.js";

function loadController(file: string | undefined, io: Io): KeriController {
  if (!file) throw new UsageError("--controller is required");
  const path = resolve(io.cwd, file);
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (e) {
    throw new InputError(`cannot read controller ${file}: ${(e as NodeJS.ErrnoException).code ?? e}`);
  }
  try {
    return KeriController.fromJSON(parseJson(text) as ControllerFile);
  } catch (e) {
    throw new InputError(`controller ${file}: ${(e as Error).message}`);
  }
}

/** Writes the controller (its secret seeds: mode 0600) atomically, replacing the one read. */
async function saveController(c: KeriController, file: string, io: Io): Promise<void> {
  await writeOutput(file, controllerText(c), io, { force: true, mode: 0o600 });
}

const controllerText = (c: KeriController) => `${JSON.stringify(c.toJSON(), null, 2)}\n`;

/** Prints `json` with --json, else `text` (a line). */
function say(io: Io, json: boolean, text: string, value: Record<string, unknown>): void {
  io.stdout.write(json ? `${JSON.stringify(value, null, 2)}\n` : `${text}\n`);
}

/** Imports freshly made messages; any refusal is a bug in what we made, reported as such. */
function store(s: EvidenceStore, messages: readonly Uint8Array[]): void {
  const r = s.import(Buffer.concat(messages.map((m) => Buffer.from(m))));
  const bad = r.items.find((i) => i.status === "rejected");
  if (bad) throw new Error(`the store refused a message we made: ${bad.reason}`);
}

function withStore<T>(path: string | undefined, io: Io, fn: (s: EvidenceStore) => T): T {
  const s = openStore(path, io);
  try {
    return fn(s);
  } finally {
    s.close();
  }
}

function controllerErrors<T>(fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof ControllerError) throw new InputError(e.message);
    throw e;
  }
}

const incept: Command = {
  name: ["credential", "incept"],
  summary: "create an identifier (icp, or dip with --delegator) with pre-rotated keys, in a controller file",
  usage: [
    "usage: chronoseal credential incept --out CONTROLLER.json|- --store DB [--delegator AID] [--keys N] [--force] [--json]",
    "",
    "Prints the identifier (--json: {prefix, controller}). A delegated identifier counts only once",
    "its delegator approves it (chronoseal credential approve). An existing controller file is",
    "never replaced without --force (checked before the inception is made); --out - prints the",
    "controller (its secret seeds) instead, and the identifier goes to stderr.",
  ].join("\n"),
  async run(argv, io) {
    const { values } = parseArgs({
      args: argv,
      strict: true,
      options: {
        out: { type: "string" },
        store: { type: "string" },
        delegator: { type: "string" },
        keys: { type: "string", default: "1" },
        force: { type: "boolean", default: false },
        json: { type: "boolean", default: false },
      },
    });
    if (!values.out) throw new UsageError("--out is required");
    if (!values.store) throw new UsageError("--store is required");
    const keys = Number(values.keys);
    if (!/^[0-9]+$/.test(values.keys) || keys < 1 || keys > 16) throw new UsageError("--keys must be 1..16");
    const delegator = values.delegator === undefined ? undefined : aidFlag(values.delegator, "--delegator");
    await checkOutputs([values.out], io, values.force);
    await init();
    const { controller, message } = KeriController.incept({
      keys,
      ...(delegator ? { delegator } : {}),
    });
    // The store is opened first (it must be usable), then the controller (its keys) is saved,
    // then the inception stored: no identifier reaches the store whose keys were not kept.
    const s = openStore(values.store, io);
    try {
      await writeOutput(values.out, controllerText(controller), io, { force: values.force, mode: 0o600 });
      store(s, [message]);
    } finally {
      s.close();
    }
    if (isStdout(values.out)) io.stderr.write(`${controller.prefix}\n`);
    else say(io, values.json, controller.prefix, { prefix: controller.prefix, controller: values.out });
    return EXIT_OK;
  },
};

const approve: Command = {
  name: ["credential", "approve"],
  summary: "as a delegator, anchor a delegate's inception in this controller's key event log",
  usage: [
    "usage: chronoseal credential approve --controller DELEGATOR.json --store DB --delegate AID [--json]",
    "",
    "Prints `approved DELEGATE`; --json: {delegator, delegate, sn} (sn: the anchoring event, hex).",
  ].join("\n"),
  async run(argv, io) {
    const { values } = parseArgs({
      args: argv,
      strict: true,
      options: {
        controller: { type: "string" },
        store: { type: "string" },
        delegate: { type: "string" },
        json: { type: "boolean", default: false },
      },
    });
    if (!values.delegate) throw new UsageError("--delegate is required");
    const delegate = aidFlag(values.delegate, "--delegate");
    await init();
    const c = loadController(values.controller, io);
    withStore(values.store, io, (s) => {
      const dip = s.evidence.kel.find((m) => m.ilk === "dip" && m.body.i === delegate);
      if (!dip) throw new InputError(`no delegated inception (dip) of ${delegate} in the store`);
      if (dip.body.di !== c.prefix)
        throw new InputError(`${delegate} names ${String(dip.body.di)} as its delegator, not ${c.prefix}`);
      store(s, [c.approve({ i: delegate, s: "0", d: String(dip.body.d) })]);
    });
    await saveController(c, values.controller as string, io);
    say(io, values.json, `approved ${delegate}`, {
      delegator: c.prefix,
      delegate,
      sn: c.sn.toString(16),
    });
    return EXIT_OK;
  },
};

const rotate: Command = {
  name: ["credential", "rotate"],
  summary: "rotate a controller's keys to the pre-committed next keys",
  usage: [
    "usage: chronoseal credential rotate --controller FILE --store DB [--json]",
    "",
    "Prints `rotated PREFIX to sn N` (hex); --json: {prefix, sn}.",
  ].join("\n"),
  async run(argv, io) {
    const { values } = parseArgs({
      args: argv,
      strict: true,
      options: {
        controller: { type: "string" },
        store: { type: "string" },
        json: { type: "boolean", default: false },
      },
    });
    await init();
    const c = loadController(values.controller, io);
    withStore(values.store, io, (s) => store(s, [c.rotate()]));
    await saveController(c, values.controller as string, io);
    const sn = c.sn.toString(16);
    say(io, values.json, `rotated ${c.prefix} to sn ${sn}`, { prefix: c.prefix, sn });
    return EXIT_OK;
  },
};

const schema: Command = {
  name: ["credential", "schema"],
  summary: "give a JSON Schema its SAID ($id) and put it in the store",
  usage: [
    "usage: chronoseal credential schema FILE.json --store DB [--out SAIDIFIED.json|- [--force]] [--json]",
    "",
    "Prints the schema's SAID (--json: {said, out}). --out writes the saidified schema (an existing",
    "file only with --force); --out - prints it instead, and the SAID goes to stderr.",
  ].join("\n"),
  async run(argv, io) {
    const { values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        store: { type: "string" },
        out: { type: "string" },
        force: { type: "boolean", default: false },
        json: { type: "boolean", default: false },
      },
    });
    if (positionals.length !== 1) throw new UsageError("expected one schema FILE");
    if (values.force && !values.out) throw new UsageError("--force needs --out");
    if (values.out) await checkOutputs([values.out], io, values.force);
    await init();
    let doc: unknown;
    try {
      doc = parseJson(readFileSync(resolve(io.cwd, positionals[0] as string), "utf8"));
    } catch (e) {
      throw new InputError(`${positionals[0]}: ${(e as Error).message}`);
    }
    if (doc === null || typeof doc !== "object" || Array.isArray(doc))
      throw new InputError(`${positionals[0]}: expected a JSON Schema object`);
    const made = saidifySchema(doc as Record<string, unknown>);
    withStore(values.store, io, (s) => {
      const r = s.import(made.doc);
      if (r.rejected) throw new InputError(`schema refused: ${r.items[0]?.reason}`);
    });
    if (values.out)
      await writeOutput(values.out, `${JSON.stringify(made.doc, null, 2)}\n`, io, { force: values.force });
    if (isStdout(values.out)) io.stderr.write(`${made.said}\n`);
    else say(io, values.json, made.said, { said: made.said, out: values.out ?? null });
    return EXIT_OK;
  },
};

/** --edge label=SAID[:I2I|NI2I|DI2I][:NOT][:s=SCHEMA] */
function parseEdges(
  specs: readonly string[] | undefined,
  op: string | undefined,
): Record<string, unknown> | undefined {
  if (!specs?.length) {
    if (op) throw new UsageError("--edges-op needs at least one --edge");
    return undefined;
  }
  const edges: Record<string, unknown> = {};
  if (op) {
    if (op !== "AND" && op !== "OR") throw new UsageError("--edges-op must be AND or OR");
    edges.o = op;
  }
  for (const spec of specs) {
    const m = /^([A-Za-z][\w-]*)=([A-Za-z0-9_-]+)((?::[^:]+)*)$/.exec(spec);
    if (!m || m[1] === "d" || m[1] === "o")
      throw new UsageError(`--edge ${spec}: expected label=SAID[:I2I|NI2I|DI2I][:NOT][:s=SCHEMA]`);
    const edge: Record<string, unknown> = { n: saidFlag(m[2] as string, `--edge ${m[1]}`) };
    const ops: string[] = [];
    for (const part of (m[3] as string).split(":").filter(Boolean)) {
      if (["I2I", "NI2I", "DI2I", "NOT"].includes(part)) ops.push(part);
      else if (part.startsWith("s=")) edge.s = saidFlag(part.slice(2), `--edge ${m[1]} s=`);
      else
        throw new UsageError(
          `--edge ${spec}: unknown part ${part} (limits such as grace and pins belong in the parent credential)`,
        );
    }
    if (ops.length === 1) edge.o = ops[0];
    else if (ops.length > 1) edge.o = ops;
    edges[m[1] as string] = edge;
  }
  return edges;
}

function parseAttributes(
  plain: readonly string[] | undefined,
  json: readonly string[] | undefined,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const split = (a: string, flag: string) => {
    const i = a.indexOf("=");
    if (i <= 0) throw new UsageError(`${flag} ${a}: expected key=value`);
    return [a.slice(0, i), a.slice(i + 1)] as const;
  };
  for (const a of plain ?? []) {
    const [k, v] = split(a, "--attr");
    out[k] = v;
  }
  for (const a of json ?? []) {
    const [k, v] = split(a, "--attr-json");
    try {
      out[k] = parseJson(v);
    } catch (e) {
      throw new UsageError(`--attr-json ${k}: ${(e as Error).message}`);
    }
  }
  return out;
}

const issue: Command = {
  name: ["credential", "issue"],
  summary: "issue an ACDC: its registry (first time), its iss event, and the KEL event anchoring it",
  usage: [
    "usage: chronoseal credential issue --controller FILE --store DB --schema SAID [--issuee AID] [--dt T] [--json]",
    "         [--attr key=value]... [--attr-json key=JSON]... [--edge label=SAID[:I2I|NI2I|DI2I][:NOT][:s=SCHEMA]]...",
    "         [--edges-op AND|OR]",
    "",
    "Limits on what the issuee may issue go in its credential's attributes: --attr-json gracePeriod=90",
    '(days, the vLEI rule) and --attr-json \'pin={"max":"5"}\' (its key event sequence numbers, hex).',
    "Prints the credential's SAID (--json: {said, issuer, issuee}). SAID and AID values are checked",
    "(complete qb64 digests and identifiers) before anything is signed.",
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
        "attr-json": { type: "string", multiple: true },
        edge: { type: "string", multiple: true },
        "edges-op": { type: "string" },
        json: { type: "boolean", default: false },
      },
    });
    if (!values.schema) throw new UsageError("--schema is required");
    const schema = saidFlag(values.schema, "--schema");
    const issuee = values.issuee === undefined ? undefined : aidFlag(values.issuee, "--issuee");
    const attributes = parseAttributes(values.attr, values["attr-json"]);
    const edges = parseEdges(values.edge, values["edges-op"]);
    await init();
    const c = loadController(values.controller, io);
    const issued = controllerErrors(() =>
      c.issue({
        schema,
        dt: values.dt ?? new Date().toISOString(),
        attributes,
        ...(issuee ? { issuee } : {}),
        ...(edges ? { edges } : {}),
      }),
    );
    withStore(values.store, io, (s) => store(s, issued.messages));
    await saveController(c, values.controller as string, io);
    say(io, values.json, issued.said, { said: issued.said, issuer: c.prefix, issuee: issuee ?? null });
    return EXIT_OK;
  },
};

const revoke: Command = {
  name: ["credential", "revoke"],
  summary: "revoke a credential this controller issued (the revocation states --dt)",
  usage:
    "usage: chronoseal credential revoke --controller FILE --store DB --credential SAID [--dt T] [--json]\n\nPrints the rev event's SAID (--json: {said, credential}).",
  async run(argv, io) {
    const { values } = parseArgs({
      args: argv,
      strict: true,
      options: {
        controller: { type: "string" },
        store: { type: "string" },
        credential: { type: "string" },
        dt: { type: "string" },
        json: { type: "boolean", default: false },
      },
    });
    if (!values.credential) throw new UsageError("--credential is required");
    const credential = saidFlag(values.credential, "--credential");
    await init();
    const c = loadController(values.controller, io);
    const rev = controllerErrors(() => c.revoke(credential, values.dt ?? new Date().toISOString()));
    withStore(values.store, io, (s) => store(s, rev.messages));
    await saveController(c, values.controller as string, io);
    say(io, values.json, rev.said, { said: rev.said, credential });
    return EXIT_OK;
  },
};

const reply: Command = {
  name: ["credential", "reply"],
  summary: "sign a status reply (KERI rpy): the credential's state as of T, under the current keys",
  usage:
    "usage: chronoseal credential reply --controller FILE --store DB --credential SAID [--as-of T] [--json]\n\nPrints the reply (CESR; --json: {credential, reply}).",
  async run(argv, io) {
    const { values } = parseArgs({
      args: argv,
      strict: true,
      options: {
        controller: { type: "string" },
        store: { type: "string" },
        credential: { type: "string" },
        "as-of": { type: "string" },
        json: { type: "boolean", default: false },
      },
    });
    if (!values.credential) throw new UsageError("--credential is required");
    const credential = saidFlag(values.credential, "--credential");
    await init();
    const c = loadController(values.controller, io);
    const rpy = controllerErrors(() => c.reply(credential, values["as-of"] ?? new Date().toISOString()));
    withStore(values.store, io, (s) => store(s, [rpy]));
    const text = Buffer.from(rpy).toString("latin1");
    say(io, values.json, text, { credential, reply: text });
    return EXIT_OK;
  },
};

export const controllerCommands: Command[] = [incept, approve, rotate, schema, issue, revoke, reply];
