// Byte spans of a serialized JSON body: where each object member's value starts and ends in the
// UTF-8 bytes. SAIDs are computed over the exact bytes a producer signed, so verification
// replaces the SAID field's bytes in place instead of re-serializing (re-serializing changes
// Python-written numbers such as 1.0 and JavaScript's order of integer-like keys).
// Grammar errors name the byte offset; values themselves are parsed by core's strict parseJson.

export type Span = ObjectSpan | ArraySpan | ScalarSpan;

export interface ObjectSpan {
  readonly kind: "object";
  readonly start: number;
  readonly end: number;
  readonly members: readonly { readonly key: string; readonly value: Span }[];
}

interface ArraySpan {
  readonly kind: "array";
  readonly start: number;
  readonly end: number;
  readonly items: readonly Span[];
}

interface ScalarSpan {
  readonly kind: "string" | "number" | "literal";
  readonly start: number;
  readonly end: number;
}

export class JsonSpanError extends Error {
  readonly offset: number;
  constructor(message: string, offset: number) {
    super(`${message} at byte ${offset}`);
    this.name = "JsonSpanError";
    this.offset = offset;
  }
}

const MAX_DEPTH = 512;
const decoder = new TextDecoder("utf-8", { fatal: true });

/**
 * Scans `bytes[start, end)` as one compact JSON value (no whitespace outside strings) and returns
 * its span tree. Throws JsonSpanError naming the byte offset of the first problem.
 */
export function scanJson(bytes: Uint8Array, start = 0, end = bytes.length): Span {
  let pos = start;
  // Iterative parser: an explicit stack keeps 10,000-deep hostile input from overflowing.
  type Frame = {
    kind: "object" | "array";
    start: number;
    members: { key: string; value: Span }[];
    items: Span[];
    key?: string;
  };
  const stack: Frame[] = [];
  let result: Span | undefined;

  const fail = (msg: string, at = pos): never => {
    throw new JsonSpanError(msg, at);
  };
  const expect = (ch: number, what: string) => {
    if (pos >= end) fail(`expected ${what}, input ended`);
    if (bytes[pos] !== ch) fail(`expected ${what}, got ${describe(bytes[pos] as number)}`);
    pos++;
  };
  const scanString = (): ScalarSpan => {
    const s = pos;
    pos++;
    for (;;) {
      if (pos >= end) fail("unterminated string", s);
      const b = bytes[pos] as number;
      if (b === 0x22) break;
      if (b < 0x20) fail("control character in string");
      pos += b === 0x5c ? 2 : 1;
    }
    pos++;
    return { kind: "string", start: s, end: pos };
  };
  const scanScalar = (): ScalarSpan => {
    const s = pos;
    const b = bytes[pos] as number;
    if (b === 0x22) return scanString();
    for (const lit of LITERALS) {
      if (matches(bytes, pos, end, lit)) {
        pos += lit.length;
        return { kind: "literal", start: s, end: pos };
      }
    }
    if (b === 0x2d || (b >= 0x30 && b <= 0x39)) {
      while (pos < end && isNumberByte(bytes[pos] as number)) pos++;
      return { kind: "number", start: s, end: pos };
    }
    return fail(`unexpected ${describe(b)}`);
  };
  const complete = (span: Span) => {
    const top = stack[stack.length - 1];
    if (!top) {
      result = span;
      return;
    }
    if (top.kind === "object") top.members.push({ key: top.key as string, value: span });
    else top.items.push(span);
  };

  // Each loop turn is at the start of a value (or at the end of a container).
  for (;;) {
    if (pos >= end) fail("expected a value, input ended");
    const b = bytes[pos] as number;
    if (b === 0x7b || b === 0x5b) {
      if (stack.length >= MAX_DEPTH) fail(`nesting deeper than ${MAX_DEPTH}`);
      const frame: Frame = { kind: b === 0x7b ? "object" : "array", start: pos, members: [], items: [] };
      stack.push(frame);
      pos++;
      const close = b === 0x7b ? 0x7d : 0x5d;
      if (pos < end && bytes[pos] === close) {
        // empty container: fall through to the closing logic below
      } else {
        if (frame.kind === "object") {
          if (bytes[pos] !== 0x22) fail("expected a member name");
          const k = scanString();
          frame.key = decodeKey(bytes, k);
          expect(0x3a, '":"');
        }
        continue;
      }
    } else {
      complete(scanScalar());
    }
    // Close finished containers, then move to the next member or item.
    for (;;) {
      const top = stack[stack.length - 1];
      if (!top) {
        if (pos !== end) fail(`unexpected ${describe(bytes[pos] as number)} after the value`);
        return result as Span;
      }
      const close = top.kind === "object" ? 0x7d : 0x5d;
      if (pos < end && bytes[pos] === close) {
        pos++;
        stack.pop();
        complete(
          top.kind === "object"
            ? { kind: "object", start: top.start, end: pos, members: top.members }
            : { kind: "array", start: top.start, end: pos, items: top.items },
        );
        continue;
      }
      expect(0x2c, `"," or "${top.kind === "object" ? "}" : "]"}"`);
      if (top.kind === "object") {
        if (pos >= end || bytes[pos] !== 0x22) fail("expected a member name");
        const k = scanString();
        top.key = decodeKey(bytes, k);
        expect(0x3a, '":"');
      }
      break;
    }
  }
}

const LITERALS = [
  new TextEncoder().encode("true"),
  new TextEncoder().encode("false"),
  new TextEncoder().encode("null"),
];

function matches(bytes: Uint8Array, pos: number, end: number, lit: Uint8Array): boolean {
  if (end - pos < lit.length) return false;
  for (let i = 0; i < lit.length; i++) if (bytes[pos + i] !== lit[i]) return false;
  return true;
}

function isNumberByte(b: number): boolean {
  return (b >= 0x30 && b <= 0x39) || b === 0x2d || b === 0x2b || b === 0x2e || b === 0x65 || b === 0x45;
}

function decodeKey(bytes: Uint8Array, span: ScalarSpan): string {
  try {
    return JSON.parse(decoder.decode(bytes.subarray(span.start, span.end))) as string;
  } catch {
    throw new JsonSpanError("invalid member name", span.start);
  }
}

function describe(b: number): string {
  if (b === 0x20 || b === 0x0a || b === 0x0d || b === 0x09) return "whitespace (bodies must be compact JSON)";
  return b >= 0x20 && b < 0x7f
    ? JSON.stringify(String.fromCharCode(b))
    : `byte 0x${b.toString(16).padStart(2, "0")}`;
}

/** The member `key` of an object span, or undefined. */
export function member(span: Span, key: string): Span | undefined {
  if (span.kind !== "object") return undefined;
  return span.members.find((m) => m.key === key)?.value;
}
