// Writes assembly/blake3/compress.generated.ts: the BLAKE3 compression function fully unrolled
// (7 rounds, the message permutation applied here at generation time), once with u32 locals
// (scalar) and once with i32x4 lanes (four independent compressions at once, SIMD build only).
//
// Usage: node scripts/gen-blake3.mjs [--check]   (--check: exit 1 if the committed file differs)
import { readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const outFile = join(root, "assembly", "blake3", "compress.generated.ts");

// BLAKE3 spec §2.2: the message word permutation applied after every round.
const PERMUTATION = [2, 6, 3, 10, 7, 0, 4, 13, 1, 11, 12, 5, 9, 14, 15, 8];
// The eight G applications of a round: four columns, then four diagonals.
const G_STATE = [
  [0, 4, 8, 12],
  [1, 5, 9, 13],
  [2, 6, 10, 14],
  [3, 7, 11, 15],
  [0, 5, 10, 15],
  [1, 6, 11, 12],
  [2, 7, 8, 13],
  [3, 4, 9, 14],
];
const IV = [0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a];

/** For each round, which original message word each of the 16 positions holds. */
function schedules() {
  const out = [];
  let s = [...Array(16).keys()];
  for (let r = 0; r < 7; r++) {
    out.push(s);
    s = PERMUTATION.map((p) => s[p]);
  }
  return out;
}

const hex = (n) => `0x${n.toString(16).padStart(8, "0")}`;

/** Emits the rounds with `ops` supplying add, xor and the four rotations. */
function rounds(ops, msg) {
  const lines = [];
  for (const [r, s] of schedules().entries()) {
    lines.push(`  // round ${r}`);
    for (const [g, [a, b, c, d]] of G_STATE.entries()) {
      const mx = msg(s[2 * g]);
      const my = msg(s[2 * g + 1]);
      lines.push(
        `  v${a} = ${ops.add(ops.add(`v${a}`, `v${b}`), mx)};`,
        `  v${d} = ${ops.rot(ops.xor(`v${d}`, `v${a}`), 16)};`,
        `  v${c} = ${ops.add(`v${c}`, `v${d}`)};`,
        `  v${b} = ${ops.rot(ops.xor(`v${b}`, `v${c}`), 12)};`,
        `  v${a} = ${ops.add(ops.add(`v${a}`, `v${b}`), my)};`,
        `  v${d} = ${ops.rot(ops.xor(`v${d}`, `v${a}`), 8)};`,
        `  v${c} = ${ops.add(`v${c}`, `v${d}`)};`,
        `  v${b} = ${ops.rot(ops.xor(`v${b}`, `v${c}`), 7)};`,
      );
    }
  }
  return lines;
}

function scalar() {
  const ops = {
    add: (x, y) => `${x} + ${y}`,
    xor: (x, y) => `(${x} ^ ${y})`,
    rot: (x, n) => `rotr<u32>(${x}, ${n})`,
  };
  const lines = [
    "/**",
    " * One compression. `cv` holds 8 words, `block` 16 (little-endian). Writes the first 8 output",
    " * words (the chaining value) to `out`, and all 16 when `full` (extended output). Everything is",
    " * loaded before anything is stored, so `out` may overlap `cv` or `block`.",
    " */",
    "export function compress(",
    "  cv: usize,",
    "  block: usize,",
    "  ctrLo: u32,",
    "  ctrHi: u32,",
    "  blockLen: u32,",
    "  flags: u32,",
    "  out: usize,",
    "  full: bool,",
    "): void {",
  ];
  for (let i = 0; i < 8; i++) lines.push(`  const c${i} = load<u32>(cv, ${i * 4});`);
  for (let i = 0; i < 16; i++) lines.push(`  const m${i} = load<u32>(block, ${i * 4});`);
  for (let i = 0; i < 8; i++) lines.push(`  let v${i} = c${i};`);
  for (let i = 0; i < 4; i++) lines.push(`  let v${8 + i}: u32 = ${hex(IV[i])};`);
  lines.push("  let v12 = ctrLo;", "  let v13 = ctrHi;", "  let v14 = blockLen;", "  let v15 = flags;");
  lines.push(...rounds(ops, (i) => `m${i}`));
  for (let i = 0; i < 8; i++) lines.push(`  store<u32>(out, v${i} ^ v${i + 8}, ${i * 4});`);
  lines.push("  if (full) {");
  for (let i = 0; i < 8; i++) lines.push(`    store<u32>(out, v${i + 8} ^ c${i}, ${32 + i * 4});`);
  lines.push("  }", "}");
  return lines;
}

function simd() {
  const rot = (x, n) => {
    // Rotations by 16 and 8 move whole bytes: one byte shuffle. 12 and 7: two shifts and an or.
    if (n === 16) return `i8x16.shuffle(${x}, ${x}, 2, 3, 0, 1, 6, 7, 4, 5, 10, 11, 8, 9, 14, 15, 12, 13)`;
    if (n === 8) return `i8x16.shuffle(${x}, ${x}, 1, 2, 3, 0, 5, 6, 7, 4, 9, 10, 11, 8, 13, 14, 15, 12)`;
    return `rot${n}(${x})`;
  };
  const ops = {
    add: (x, y) => `i32x4.add(${x}, ${y})`,
    xor: (x, y) => `v128.xor(${x}, ${y})`,
    rot,
  };
  const lines = [
    "// @ts-ignore: decorator",
    "@inline function rot12(x: v128): v128 {",
    "  return v128.or(i32x4.shr_u(x, 12), i32x4.shl(x, 20));",
    "}",
    "",
    "// @ts-ignore: decorator",
    "@inline function rot7(x: v128): v128 {",
    "  return v128.or(i32x4.shr_u(x, 7), i32x4.shl(x, 25));",
    "}",
    "",
    "/**",
    " * Four compressions at once, one per i32x4 lane (SIMD build only). `cv` holds 8 vectors (word",
    " * i of the four chaining values), `msg` 16 (word i of the four blocks). Writes 8 vectors to",
    " * `out`, or 16 when `full`. `out` may be `cv` or `msg`: both are read before the words they",
    " * hold are overwritten.",
    " */",
    "export function compress4(",
    "  cv: usize,",
    "  msg: usize,",
    "  ctrLo: v128,",
    "  ctrHi: v128,",
    "  blockLen: v128,",
    "  flags: v128,",
    "  out: usize,",
    "  full: bool,",
    "): void {",
  ];
  for (let i = 0; i < 8; i++) lines.push(`  let v${i} = v128.load(cv, ${i * 16});`);
  for (let i = 0; i < 4; i++) lines.push(`  let v${8 + i} = i32x4.splat(${hex(IV[i])});`);
  lines.push("  let v12 = ctrLo;", "  let v13 = ctrHi;", "  let v14 = blockLen;", "  let v15 = flags;");
  // Message words are read from memory where used: 16 state vectors already fill the registers.
  lines.push(...rounds(ops, (i) => `v128.load(msg, ${i * 16})`));
  lines.push("  if (full) {");
  for (let i = 0; i < 8; i++)
    lines.push(`    v128.store(out, v128.xor(v${i + 8}, v128.load(cv, ${i * 16})), ${128 + i * 16});`);
  lines.push("  }");
  for (let i = 0; i < 8; i++) lines.push(`  v128.store(out, v128.xor(v${i}, v${i + 8}), ${i * 16});`);
  lines.push("}");
  return lines;
}

const source = [
  "// Generated by scripts/gen-blake3.mjs — do not edit.",
  "// The BLAKE3 compression function (7 rounds, message permutation unrolled).",
  "",
  ...scalar(),
  "",
  ...simd(),
  "",
].join("\n");
if (process.argv.includes("--check")) {
  if (readFileSync(outFile, "utf8") !== source) {
    console.error(`blake3: ${outFile} differs from the generator's output; run node scripts/gen-blake3.mjs`);
    process.exit(1);
  }
  console.log(`blake3: ${outFile} is up to date`);
} else {
  writeFileSync(outFile, source);
  console.log(`blake3: wrote ${outFile}`);
}
