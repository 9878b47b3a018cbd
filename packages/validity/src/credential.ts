// ACDC credentials as validation reads them: issuer, registry, schema, issuee, the attributes
// the authority above a delegate may state (vLEI `gracePeriod`, chronoseal's `pin`), and the
// edge section as a tree of edge groups (AND / OR) and edges (I2I, NI2I, DI2I, NOT, schema
// constraint). Every field we use is checked with an exact FieldError: a string where a
// number belongs is an error, never a silent default. Limits written on an edge (`grace`,
// `pin`, …) are the delegate's own word: they are listed as ignored, never applied.
import { describeValue, FieldError } from "./errors.js";
import { DAY_MS } from "./time.js";

export type UnaryOperator = "I2I" | "NI2I" | "DI2I";
export type GroupOperator = "AND" | "OR";

export interface Edge {
  readonly kind: "edge";
  readonly label: string;
  /** Path of the edge block in the credential, e.g. `$.e.qvi`. */
  readonly path: string;
  /** SAID of the far node (the parent credential). */
  readonly node: string;
  /** Required schema SAID of the far node. */
  readonly schema: string | undefined;
  /** The unary operator written, or undefined for the default (I2I when the far node has an issuee). */
  readonly operator: UnaryOperator | undefined;
  readonly not: boolean;
  /** Fields of the edge block that validation does not use (reported). */
  readonly ignored: readonly string[];
}

export interface EdgeGroup {
  readonly kind: "group";
  readonly label: string;
  readonly path: string;
  readonly operator: GroupOperator;
  readonly members: readonly (Edge | EdgeGroup)[];
}

/** A delegator's pin: the range of its delegate's key event sequence numbers it may issue under. */
export interface Pin {
  readonly min: bigint | undefined;
  readonly max: bigint | undefined;
}

export interface Credential {
  readonly said: string;
  readonly issuer: string;
  readonly registry: string;
  readonly schema: string;
  /** Undefined when the credential has no issuee (an untargeted ACDC). */
  readonly issuee: string | undefined;
  /** The edge tree, or undefined for a credential without edges (a root). */
  readonly edges: EdgeGroup | undefined;
  /** Grace (ms) the authority that issued this credential grants its issuee's credentials. */
  readonly graceMs: number | undefined;
  readonly pin: Pin | undefined;
  readonly body: Readonly<Record<string, unknown>>;
}

/** A credential whose section we need is in compact form only (its SAID). */
export class CompactSectionError extends FieldError {
  readonly section: "a" | "e";
  readonly sectionSaid: string;
  constructor(section: "a" | "e", said: string) {
    super(
      `$.${section}`,
      `only the compact form (section SAID ${said}) is known; the full section is needed`,
    );
    this.section = section;
    this.sectionSaid = said;
  }
}

const UNARY = new Set(["I2I", "NI2I", "DI2I"]);
const EDGE_FIELDS = new Set(["d", "n", "s", "o", "w"]);

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}

function str(obj: Record<string, unknown>, key: string, path: string): string {
  const v = obj[key];
  if (typeof v !== "string" || v.length === 0)
    throw new FieldError(`${path}.${key}`, `expected a non-empty string, got ${describeValue(v)}`);
  return v;
}

function optStr(obj: Record<string, unknown>, key: string, path: string): string | undefined {
  return obj[key] === undefined ? undefined : str(obj, key, path);
}

const HEX = /^(0|[1-9a-f][0-9a-f]{0,31})$/;

function hexSn(v: unknown, path: string): bigint {
  if (typeof v !== "string" || !HEX.test(v))
    throw new FieldError(path, `expected a lowercase hex sequence number string, got ${describeValue(v)}`);
  return BigInt(`0x${v}`);
}

function parsePin(v: unknown, path: string): Pin {
  if (!isObject(v))
    throw new FieldError(path, `expected {min?, max?} of hex sequence numbers, got ${describeValue(v)}`);
  for (const k of Object.keys(v))
    if (k !== "min" && k !== "max")
      throw new FieldError(`${path}.${k}`, "unknown pin field (expected min, max)");
  const min = v.min === undefined ? undefined : hexSn(v.min, `${path}.min`);
  const max = v.max === undefined ? undefined : hexSn(v.max, `${path}.max`);
  if (min === undefined && max === undefined) throw new FieldError(path, "a pin needs min or max");
  if (min !== undefined && max !== undefined && min > max)
    throw new FieldError(path, `min ${min} > max ${max}`);
  return { min, max };
}

function parseGrace(v: unknown, path: string): number {
  if (typeof v !== "number" || !Number.isSafeInteger(v) || v < 0)
    throw new FieldError(path, `expected a non-negative integer number of days, got ${describeValue(v)}`);
  const ms = v * DAY_MS;
  if (!Number.isSafeInteger(ms)) throw new FieldError(path, `${v} days is out of range`);
  return ms;
}

function parseOperator(v: unknown, path: string): { operator: UnaryOperator | undefined; not: boolean } {
  const list = v === undefined ? [] : Array.isArray(v) ? v : [v];
  let operator: UnaryOperator | undefined;
  let not = false;
  for (const [i, op] of list.entries()) {
    const where = Array.isArray(v) ? `${path}[${i}]` : path;
    if (op === "NOT") {
      if (not) throw new FieldError(where, "NOT given twice");
      not = true;
    } else if (typeof op === "string" && UNARY.has(op)) {
      if (operator) throw new FieldError(where, `two unary operators (${operator}, ${op})`);
      operator = op as UnaryOperator;
    } else throw new FieldError(where, `expected I2I, NI2I, DI2I or NOT, got ${describeValue(op)}`);
  }
  if (Array.isArray(v) && v.length === 0) throw new FieldError(path, "an empty operator list");
  return { operator, not };
}

/** Parses an edge section (or nested group) iteratively: deep nesting cannot overflow. */
function parseEdges(section: Record<string, unknown>): EdgeGroup | undefined {
  interface Frame {
    obj: Record<string, unknown>;
    label: string;
    path: string;
    members: (Edge | EdgeGroup)[];
    operator: GroupOperator;
    parent: Frame | undefined;
  }
  const frameOf = (obj: Record<string, unknown>, label: string, path: string, parent?: Frame): Frame => {
    const o = obj.o;
    if (o !== undefined && o !== "AND" && o !== "OR")
      throw new FieldError(`${path}.o`, `expected AND or OR (edge group operator), got ${describeValue(o)}`);
    return { obj, label, path, members: [], operator: (o as GroupOperator | undefined) ?? "AND", parent };
  };
  const root = frameOf(section, "e", "$.e");
  const groups = new Map<Frame, EdgeGroup>();
  // Depth-first over the blocks; members are attached once a frame's own members are parsed.
  const stack: Frame[] = [root];
  const order: Frame[] = [];
  while (stack.length) {
    const f = stack.pop() as Frame;
    order.push(f);
    for (const [label, value] of Object.entries(f.obj)) {
      if (label === "d" || label === "o") continue;
      const path = `${f.path}.${label}`;
      if (!isObject(value))
        throw new FieldError(path, `expected an edge or edge group block, got ${describeValue(value)}`);
      if ("n" in value) {
        const node = str(value, "n", path);
        const { operator, not } = parseOperator(value.o, `${path}.o`);
        if (value.d !== undefined) str(value, "d", path);
        f.members.push({
          kind: "edge",
          label,
          path,
          node,
          schema: optStr(value, "s", path),
          operator,
          not,
          ignored: Object.keys(value).filter((k) => !EDGE_FIELDS.has(k)),
        });
      } else {
        const child = frameOf(value, label, path, f);
        f.members.push(child as unknown as EdgeGroup); // placeholder, replaced below
        stack.push(child);
      }
    }
  }
  for (let i = order.length - 1; i >= 0; i--) {
    const f = order[i] as Frame;
    const members = f.members.map((m) =>
      m.kind === "edge" ? m : (groups.get(m as unknown as Frame) as EdgeGroup),
    );
    groups.set(f, { kind: "group", label: f.label, path: f.path, operator: f.operator, members });
  }
  const top = groups.get(root) as EdgeGroup;
  return top.members.length === 0 ? undefined : top;
}

/** Reads a credential (an ACDC body whose SAIDs were already verified). */
export function parseCredential(body: Record<string, unknown>, said: string): Credential {
  const issuer = str(body, "i", "$");
  const registry = str(body, "ri", "$");
  const schema = str(body, "s", "$");
  const a = body.a;
  if (typeof a === "string") throw new CompactSectionError("a", a);
  if (!isObject(a))
    throw new FieldError("$.a", `expected the attribute section (an object), got ${describeValue(a)}`);
  const issuee = optStr(a, "i", "$.a");
  const graceMs = a.gracePeriod === undefined ? undefined : parseGrace(a.gracePeriod, "$.a.gracePeriod");
  const pin = a.pin === undefined ? undefined : parsePin(a.pin, "$.a.pin");
  const e = body.e;
  let edges: EdgeGroup | undefined;
  if (typeof e === "string") throw new CompactSectionError("e", e);
  if (e !== undefined) {
    if (!isObject(e))
      throw new FieldError("$.e", `expected the edge section (an object), got ${describeValue(e)}`);
    edges = parseEdges(e);
  }
  return { said, issuer, registry, schema, issuee, edges, graceMs, pin, body };
}

/** Every edge of a tree, in the order written (iterative). */
export function edgesOf(group: EdgeGroup | undefined): Edge[] {
  const out: Edge[] = [];
  if (!group) return out;
  const stack: (Edge | EdgeGroup)[] = [group];
  while (stack.length) {
    const m = stack.pop() as Edge | EdgeGroup;
    if (m.kind === "edge") out.push(m);
    else for (let i = m.members.length - 1; i >= 0; i--) stack.push(m.members[i] as Edge | EdgeGroup);
  }
  return out;
}
