// One rule, one place: BLAKE3 in this package is core's WebAssembly BLAKE3, reached only through
// src/blake3.ts; @noble/hashes is a test oracle, never imported by src/.
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { blake3 as nobleBlake3 } from "@noble/hashes/blake3.js";
import fc from "fast-check";
import { expect, it } from "vitest";
import { blake3 } from "../../src/blake3.js";

const src = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "src");

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? files(join(dir, e.name)) : [join(dir, e.name)],
  );
}

it("no module but src/blake3.ts imports a BLAKE3 implementation; nothing in src/ imports @noble", () => {
  for (const f of files(src)) {
    const text = readFileSync(f, "utf8");
    expect(text, relative(src, f)).not.toMatch(/@noble\//);
    if (relative(src, f) !== "blake3.ts")
      expect(text, relative(src, f)).not.toMatch(/\bblake3\b[^;]*from "@chronoseal\/core"/s);
  }
  expect(readFileSync(join(src, "blake3.ts"), "utf8")).toMatch(/from "@chronoseal\/core"/);
});

it("core's BLAKE3 agrees with @noble/hashes at 32 and 64 bytes (property, boundary lengths)", () => {
  for (const n of [0, 1, 63, 64, 65, 1023, 1024, 1025, 2048, 4097]) {
    const data = Uint8Array.from({ length: n }, (_, i) => i % 251);
    expect([...blake3(data)]).toEqual([...nobleBlake3(data)]);
  }
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 3000 }), (data) => {
      expect([...blake3(data)]).toEqual([...nobleBlake3(data)]);
      expect([...blake3(data, 64)]).toEqual([...nobleBlake3(data, { dkLen: 64 })]);
    }),
    { seed: 1406, numRuns: 200 },
  );
});
