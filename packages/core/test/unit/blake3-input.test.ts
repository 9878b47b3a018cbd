// BLAKE3 input validation and hostile callers: wrong types and lengths get TypeError or
// RangeError with exact messages; options are read once; a Uint8Array subclass whose getters
// call BLAKE3 themselves cannot mix another hasher's state into a call; a failed call leaves
// hashers usable.
import { afterAll, expect, it } from "vitest";
import { blake3, blake3Batch, blake3DeriveKey, blake3Packed, createBlake3 } from "../../src/hash/blake3.js";
import { selectBlake3Build } from "../../src/wasm/blake3.js";
import { hex, noble, pool, utf8 } from "../blake3-helpers.js";

const bytes = pool(3 << 20, 0xbad);
const key = bytes.slice(0, 32);

afterAll(() => selectBlake3Build(undefined));

function thrown(fn: () => unknown): Error {
  try {
    fn();
  } catch (e) {
    return e as Error;
  }
  throw new Error("expected a throw");
}

function expectError(fn: () => unknown, type: ErrorConstructor, message: string): void {
  const e = thrown(fn);
  expect(e).toBeInstanceOf(type);
  expect(e.message).toBe(message);
}

it("rejects data that is not a Uint8Array", () => {
  for (const [value, got] of [
    ["abc", "string"],
    [null, "null"],
    [[1, 2], "array"],
    [new ArrayBuffer(4), "ArrayBuffer"],
    [new Uint16Array(2), "Uint16Array"],
    [undefined, "undefined"],
  ] as const) {
    const message = `data: expected Uint8Array, got ${got}`;
    expectError(() => blake3(value as never), TypeError, message);
    expectError(() => createBlake3().update(value as never), TypeError, message);
    expectError(() => blake3DeriveKey("c", value as never), TypeError, message);
    expectError(() => blake3Packed(value as never, new Uint32Array([0])), TypeError, message);
  }
});

it("wants a key of exactly 32 bytes", () => {
  for (const len of [0, 16, 31, 33, 64]) {
    const message = `key: expected Uint8Array of length 32, got length=${len}`;
    expectError(() => blake3(new Uint8Array(1), { key: new Uint8Array(len) }), RangeError, message);
    expectError(() => createBlake3({ key: new Uint8Array(len) }), RangeError, message);
    expectError(() => blake3Batch([new Uint8Array(1)], { key: new Uint8Array(len) }), RangeError, message);
  }
  expectError(
    () => blake3(new Uint8Array(1), { key: "k".repeat(32) as never }),
    TypeError,
    "key: expected Uint8Array, got string",
  );
  expectError(
    () => blake3(new Uint8Array(1), { key, context: "c" }),
    TypeError,
    "options: key (keyed hash) and context (derive key) exclude each other",
  );
});

it("wants a well-formed string context", () => {
  expectError(
    () => blake3(new Uint8Array(1), { context: utf8("c") as never }),
    TypeError,
    "context: expected string, got Uint8Array",
  );
  expectError(
    () => blake3DeriveKey(7 as never, new Uint8Array(1)),
    TypeError,
    "context: expected string, got number",
  );
  // A lone surrogate would be encoded as U+FFFD, so "a\ud800" and "a\ufffd" would derive one key.
  expectError(
    () => blake3DeriveKey("a\ud800", new Uint8Array(1)),
    RangeError,
    "context: lone surrogate U+D800 at index 1",
  );
  expectError(
    () => createBlake3({ context: "ok \udc00" }),
    RangeError,
    "context: lone surrogate U+DC00 at index 3",
  );
  expect(hex(blake3DeriveKey("😀", new Uint8Array(1)))).toBe(
    hex(noble(new Uint8Array(1), { context: "😀" })),
  );
});

it("wants dkLen and offset to be integers in range", () => {
  const m = new Uint8Array(1);
  for (const bad of [-1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 32]) {
    const message = `dkLen: expected an integer from 0 to 4294967295, got ${bad}`;
    expectError(() => blake3(m, { dkLen: bad }), RangeError, message);
    expectError(() => blake3DeriveKey("c", m, bad), RangeError, message);
    expectError(() => createBlake3().digest(bad), RangeError, message);
  }
  expectError(() => blake3(m, { dkLen: "32" as never }), TypeError, "dkLen: expected number, got string");
  expectError(() => createBlake3().digest(32n as never), TypeError, "dkLen: expected number, got bigint");
  expectError(
    () => blake3(m, { offset: -64 }),
    RangeError,
    `offset: expected an integer from 0 to ${2 ** 53 - 1 - 32}, got -64`,
  );
  expectError(
    () => blake3(m, { offset: 2 ** 53 - 10, dkLen: 64 }),
    RangeError,
    `offset: expected an integer from 0 to ${2 ** 53 - 1 - 64}, got ${2 ** 53 - 10}`,
  );
});

it("wants options to be an object, and createBlake3 takes no output length", () => {
  for (const [value, got] of [
    [null, "null"],
    [5, "number"],
    ["key", "string"],
    [[], "array"],
  ] as const) {
    const message = `options: expected object, got ${got}`;
    expectError(() => blake3(new Uint8Array(1), value as never), TypeError, message);
    expectError(() => createBlake3(value as never), TypeError, message);
    expectError(() => blake3Batch([], value as never), TypeError, message);
    expectError(
      () => blake3Packed(new Uint8Array(0), new Uint32Array([0]), undefined, value as never),
      TypeError,
      message,
    );
  }
  expectError(
    () => createBlake3({ dkLen: 64 } as never),
    TypeError,
    "options: createBlake3 takes no dkLen or offset; pass the length to digest()",
  );
});

it("checks batches and packed batches", () => {
  expectError(() => blake3Batch("abc" as never), TypeError, "messages: expected array, got string");
  expectError(
    () => blake3Batch([new Uint8Array(1), "x" as never]),
    TypeError,
    "messages[1]: expected Uint8Array, got string",
  );
  const data = new Uint8Array(10);
  expectError(
    () => blake3Packed(data, [0, 10] as never),
    TypeError,
    "offsets: expected Uint32Array, got array",
  );
  expectError(
    () => blake3Packed(data, new Uint32Array(0)),
    RangeError,
    "offsets: expected at least 1 entry, got 0",
  );
  expectError(
    () => blake3Packed(data, new Uint32Array([0, 5, 4])),
    RangeError,
    "offsets: entry 2 (4) is below entry 1 (5)",
  );
  expectError(
    () => blake3Packed(data, new Uint32Array([0, 11])),
    RangeError,
    "offsets: last entry 11 exceeds data length 10",
  );
  expectError(
    () => blake3Packed(data, new Uint32Array([0, 5, 10]), new Uint8Array(63)),
    RangeError,
    "out: expected Uint8Array of length >= 64, got length=63",
  );
});

it("reads each option once: a getter cannot pass the check with one value and hash with another", () => {
  let reads = 0;
  const opts = {
    get key() {
      reads++;
      return reads === 1 ? key : new Uint8Array(5);
    },
  };
  expect(hex(blake3(utf8("m"), opts))).toBe(hex(noble(utf8("m"), { key })));
  expect(reads).toBe(1);
});

it("a Uint8Array subclass whose getters call BLAKE3 cannot disturb a hasher's state", () => {
  for (const build of ["scalar", "simd"] as const) {
    selectBlake3Build(build);
    const inner = createBlake3();
    class Meddling extends Uint8Array {
      override get length(): number {
        blake3(bytes.subarray(0, 5000));
        inner.update(bytes.subarray(0, 3000));
        blake3Batch([bytes.subarray(0, 2000)]);
        return 3;
      }
      override subarray(begin?: number, end?: number) {
        blake3(bytes.subarray(0, 7000), { key });
        return super.subarray(begin, end);
      }
    }
    const big = new Meddling(bytes.buffer, 0, (1 << 20) + 4321);
    const plainBig = bytes.subarray(0, (1 << 20) + 4321);
    const h = createBlake3();
    h.update(bytes.subarray(0, 100));
    h.update(big);
    h.update(big);
    const want = new Uint8Array(100 + 2 * plainBig.length);
    want.set(bytes.subarray(0, 100));
    want.set(plainBig, 100);
    want.set(plainBig, 100 + plainBig.length);
    expect(hex(h.digest()), build).toBe(hex(noble(want)));
    expect(hex(blake3(big)), build).toBe(hex(noble(plainBig)));
    expect(hex(blake3Batch([big, bytes.subarray(0, 10)])[0]!), build).toBe(hex(noble(plainBig)));
    // A key whose length getter lies is measured by its real size.
    class ShortKey extends Uint8Array {
      override get length(): number {
        return 32;
      }
    }
    expectError(
      () => blake3(new Uint8Array(1), { key: new ShortKey(31) }),
      RangeError,
      "key: expected Uint8Array of length 32, got length=31",
    );
  }
});

it("a failed call leaves a hasher usable and unchanged", () => {
  const h = createBlake3();
  h.update(bytes.subarray(0, 2000));
  thrown(() => h.update("x" as never));
  thrown(() => h.digest(-1));
  thrown(() => blake3(new Uint8Array(1), { key: new Uint8Array(3) }));
  h.update(bytes.subarray(2000, 5000));
  expect(hex(h.digest())).toBe(hex(noble(bytes.subarray(0, 5000))));
});
