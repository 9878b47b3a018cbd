// Generates the fully unrolled SHA-2 compression functions in assembly/hash/*.generated.ts:
// rounds (scalar SHA-256 and SHA-512), rounds256s (SHA-256 with a v128 message schedule, SIMD
// build) and rounds4 (four-lane SHA-256 for batches, SIMD build).
//
// The message schedule lives in 16 rotating locals (w0..w15) and the eight working variables are
// renamed instead of shifted, so the optimizer sees straight-line code.
//
// Run after editing this file: pnpm gen:assembly (or node scripts/gen-sha-rounds.mjs [outDir]);
// CI regenerates and diffs.
import { writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const HERE = dirname(fileURLToPath(import.meta.url));
const OUT = join(process.argv[2] ?? join(HERE, "..", "assembly"), "hash");

const words = (s) => s.trim().split(/\s+/);

const K256 = words(`0x428a2f98 0x71374491 0xb5c0fbcf 0xe9b5dba5 0x3956c25b 0x59f111f1 0x923f82a4 0xab1c5ed5
0xd807aa98 0x12835b01 0x243185be 0x550c7dc3 0x72be5d74 0x80deb1fe 0x9bdc06a7 0xc19bf174
0xe49b69c1 0xefbe4786 0x0fc19dc6 0x240ca1cc 0x2de92c6f 0x4a7484aa 0x5cb0a9dc 0x76f988da
0x983e5152 0xa831c66d 0xb00327c8 0xbf597fc7 0xc6e00bf3 0xd5a79147 0x06ca6351 0x14292967
0x27b70a85 0x2e1b2138 0x4d2c6dfc 0x53380d13 0x650a7354 0x766a0abb 0x81c2c92e 0x92722c85
0xa2bfe8a1 0xa81a664b 0xc24b8b70 0xc76c51a3 0xd192e819 0xd6990624 0xf40e3585 0x106aa070
0x19a4c116 0x1e376c08 0x2748774c 0x34b0bcb5 0x391c0cb3 0x4ed8aa4a 0x5b9cca4f 0x682e6ff3
0x748f82ee 0x78a5636f 0x84c87814 0x8cc70208 0x90befffa 0xa4506ceb 0xbef9a3f7 0xc67178f2`);

const K512 =
  words(`0x428a2f98d728ae22 0x7137449123ef65cd 0xb5c0fbcfec4d3b2f 0xe9b5dba58189dbbc 0x3956c25bf348b538
0x59f111f1b605d019 0x923f82a4af194f9b 0xab1c5ed5da6d8118 0xd807aa98a3030242 0x12835b0145706fbe
0x243185be4ee4b28c 0x550c7dc3d5ffb4e2 0x72be5d74f27b896f 0x80deb1fe3b1696b1 0x9bdc06a725c71235
0xc19bf174cf692694 0xe49b69c19ef14ad2 0xefbe4786384f25e3 0x0fc19dc68b8cd5b5 0x240ca1cc77ac9c65
0x2de92c6f592b0275 0x4a7484aa6ea6e483 0x5cb0a9dcbd41fbd4 0x76f988da831153b5 0x983e5152ee66dfab
0xa831c66d2db43210 0xb00327c898fb213f 0xbf597fc7beef0ee4 0xc6e00bf33da88fc2 0xd5a79147930aa725
0x06ca6351e003826f 0x142929670a0e6e70 0x27b70a8546d22ffc 0x2e1b21385c26c926 0x4d2c6dfc5ac42aed
0x53380d139d95b3df 0x650a73548baf63de 0x766a0abb3c77b2a8 0x81c2c92e47edaee6 0x92722c851482353b
0xa2bfe8a14cf10364 0xa81a664bbc423001 0xc24b8b70d0f89791 0xc76c51a30654be30 0xd192e819d6ef5218
0xd69906245565a910 0xf40e35855771202a 0x106aa07032bbd1b8 0x19a4c116b8d2d0c8 0x1e376c085141ab53
0x2748774cdf8eeb99 0x34b0bcb5e19b48a8 0x391c0cb3c5c95a63 0x4ed8aa4ae3418acb 0x5b9cca4f7763e373
0x682e6ff3d6b2b8a3 0x748f82ee5defb2fc 0x78a5636f43172f60 0x84c87814a1f0ab72 0x8cc702081a6439ec
0x90befffa23631e28 0xa4506cebde82bde9 0xbef9a3f7b2c67915 0xc67178f2e372532b 0xca273eceea26619c
0xd186b8c721c0c207 0xeada7dd6cde0eb1e 0xf57d4f7fee6ed178 0x06f067aa72176fba 0x0a637dc5a2c898a6
0x113f9804bef90dae 0x1b710b35131c471b 0x28db77f523047d84 0x32caab7b40c72493 0x3c9ebe0a15c9bebc
0x431d67c49c100d4c 0x4cc5d4becb3e42b6 0x597f299cfc657e2a 0x5fcb6fab3ad6faec 0x6c44198c4a475817`);

if (K256.length !== 64 || K512.length !== 80)
  throw new Error("gen-sha-rounds: wrong number of round constants");

const REGS = [..."abcdefgh"];

/**
 * One compression function, scalar. fast: Ch as g ^ (e & (f ^ g)) and Maj as
 * b ^ ((a ^ b) & (b ^ c)), reusing the previous round's a ^ b as this round's b ^ c (three
 * operations each instead of four and five).
 */
function scalar(name, T, K, rounds, wbytes, S0, S1, s0, s1, fast = false) {
  let regs = [...REGS];
  const lines = [];
  lines.push(`/** Compresses one ${16 * wbytes}-byte block at \`block\` into the state at \`state\`. */`);
  lines.push(`export function ${name}(state: usize, block: usize): void {`);
  for (const [i, r] of regs.entries()) lines.push(`  let ${r} = load<${T}>(state, ${i * wbytes});`);
  for (let t = 0; t < 16; t++) lines.push(`  let w${t} = bswap<${T}>(load<${T}>(block, ${t * wbytes}));`);
  lines.push(`  let t1: ${T};`);
  lines.push(`  let t2: ${T};`);
  if (fast) {
    lines.push(`  let ab: ${T};`);
    lines.push(`  let bc: ${T} = b ^ c;`);
  }
  for (let t = 0; t < rounds; t++) {
    const [a, b, c, d, e, f, g, h] = regs;
    if (t >= 16) {
      const i = t % 16;
      const w15 = `w${(t - 15) % 16}`;
      const w2 = `w${(t - 2) % 16}`;
      const w7 = `w${(t - 7) % 16}`;
      lines.push(`  w${i} += ${s0(w15)} + ${w7} + ${s1(w2)};`);
    }
    const w = `w${t % 16}`;
    if (fast) {
      lines.push(`  t1 = ${h} + (${S1(e)}) + (${g} ^ (${e} & (${f} ^ ${g}))) + <${T}>${K[t]} + ${w};`);
      lines.push(`  ab = ${a} ^ ${b};`);
      lines.push(`  t2 = (${S0(a)}) + (${b} ^ (ab & bc));`);
      lines.push("  bc = ab;");
    } else {
      lines.push(`  t1 = ${h} + (${S1(e)}) + ((${e} & ${f}) ^ (~${e} & ${g})) + <${T}>${K[t]} + ${w};`);
      lines.push(`  t2 = (${S0(a)}) + ((${a} & ${b}) ^ (${a} & ${c}) ^ (${b} & ${c}));`);
    }
    lines.push(`  ${d} += t1;`);
    lines.push(`  ${h} = t1 + t2;`);
    regs = [h, a, b, c, d, e, f, g];
  }
  for (const [i, r] of REGS.entries())
    lines.push(`  store<${T}>(state, load<${T}>(state, ${i * wbytes}) + ${r}, ${i * wbytes});`);
  lines.push("}");
  return lines.join("\n");
}

const rot32 = (x, n) => `rotr<u32>(${x}, ${n})`;
const rot64 = (x, n) => `rotr<u64>(${x}, ${n})`;
/** Rotate right of each i32 lane. */
const R = (x, n) => `v128.or(i32x4.shr_u(${x}, ${n}), i32x4.shl(${x}, ${32 - n}))`;

/**
 * Four-lane SHA-256 (one message per v128 lane) for batches. The whole message schedule is
 * expanded into WV (64 × v128) first, so the rounds keep only the state and a few temporaries in
 * registers (V8 has 16 vector registers; a rolling 16-word window beside the state spills).
 */
function simd() {
  let regs = [...REGS];
  const L = [];
  // The round constants, each splatted to four lanes, are read from a table (a memory operand of
  // the add) instead of being rebuilt as a v128 constant every round: on par or slightly faster.
  L.push("const KV: usize = memory.data<u32>([");
  for (let i = 0; i < 64; i += 2)
    L.push(
      `  ${[K256[i], K256[i], K256[i], K256[i], K256[i + 1], K256[i + 1], K256[i + 1], K256[i + 1]].join(", ")},`,
    );
  L.push("], 16);");
  L.push("");
  L.push("/**");
  L.push(" * Four-lane SHA-256 compression: message words for the block in WV (the first 16 of 64 ×");
  L.push(" * v128; the rest is scratch for the schedule), state in `state` (8 × v128). Lanes whose bit");
  L.push(" * in `active` is clear keep their old state.");
  L.push(" */");
  L.push("export function compress256x4(state: usize, WV: usize, active: v128): void {");
  L.push("  let x: v128;");
  L.push("  let y: v128;");
  for (let t = 16; t < 64; t++) {
    L.push(`  x = v128.load(WV, ${(t - 15) * 16});`);
    L.push(`  y = v128.load(WV, ${(t - 2) * 16});`);
    const s0 = `v128.xor(v128.xor(${R("x", 7)}, ${R("x", 18)}), i32x4.shr_u(x, 3))`;
    const s1 = `v128.xor(v128.xor(${R("y", 17)}, ${R("y", 19)}), i32x4.shr_u(y, 10))`;
    L.push(
      `  v128.store(WV, i32x4.add(i32x4.add(v128.load(WV, ${(t - 16) * 16}), ${s0}), i32x4.add(v128.load(WV, ${(t - 7) * 16}), ${s1})), ${t * 16});`,
    );
  }
  for (const [i, r] of regs.entries()) L.push(`  let ${r} = v128.load(state, ${i * 16});`);
  L.push("  let t1: v128;");
  L.push("  let t2: v128;");
  L.push("  let ab: v128;");
  L.push("  let bc = v128.xor(b, c);");
  for (let t = 0; t < 64; t++) {
    const [a, b, c, d, e, f, g, h] = regs;
    const w = `v128.load(WV, ${t * 16})`;
    const S1 = `v128.xor(v128.xor(${R(e, 6)}, ${R(e, 11)}), ${R(e, 25)})`;
    const ch = `v128.xor(v128.and(${e}, ${f}), v128.andnot(${g}, ${e}))`;
    L.push(
      `  t1 = i32x4.add(i32x4.add(${h}, ${S1}), i32x4.add(i32x4.add(${ch}, v128.load(KV, ${t * 16})), ${w}));`,
    );
    const S0 = `v128.xor(v128.xor(${R(a, 2)}, ${R(a, 13)}), ${R(a, 22)})`;
    // Maj = b ^ ((a ^ b) & (b ^ c)); this round's a ^ b is the next round's b ^ c.
    L.push(`  ab = v128.xor(${a}, ${b});`);
    L.push(`  t2 = i32x4.add(${S0}, v128.xor(${b}, v128.and(ab, bc)));`);
    L.push("  bc = ab;");
    L.push(`  ${d} = i32x4.add(${d}, t1);`);
    L.push(`  ${h} = i32x4.add(t1, t2);`);
    regs = [h, a, b, c, d, e, f, g];
  }
  for (const [i, r] of REGS.entries()) {
    const prev = `prev${r.toUpperCase()}`;
    L.push(`  const ${prev} = v128.load(state, ${i * 16});`);
    L.push(`  v128.store(state, v128.bitselect(i32x4.add(${prev}, ${r}), ${prev}, active), ${i * 16});`);
  }
  L.push("}");
  return L.join("\n");
}

/**
 * Single-message SHA-256 for the SIMD build: the message schedule is computed four words at a
 * time in v128 lanes (W[t..t+3] from W[t-16..t-1]; sigma1 of lanes 2 and 3 needs lanes 0 and 1 of
 * the same vector, so it is applied twice) and stored with K added; the rounds stay scalar and
 * read W[t] + K[t] from memory, which also frees registers for them.
 */
function simdSchedule256() {
  const L = [];
  L.push("const WK: usize = memory.data(256, 16);");
  L.push("const K: usize = memory.data<u32>([");
  for (let i = 0; i < 64; i += 8) L.push(`  ${K256.slice(i, i + 8).join(", ")},`);
  L.push("]);");
  L.push("");
  L.push("/** Compresses one 64-byte block at `block` into the state at `state` (SIMD build only). */");
  L.push("export function compress256s(state: usize, block: usize): void {");
  const s0 = (x) => `v128.xor(v128.xor(${R(x, 7)}, ${R(x, 18)}), i32x4.shr_u(${x}, 3))`;
  const s1 = (x) => `v128.xor(v128.xor(${R(x, 17)}, ${R(x, 19)}), i32x4.shr_u(${x}, 10))`;
  const bswap = "3, 2, 1, 0, 7, 6, 5, 4, 11, 10, 9, 8, 15, 14, 13, 12";
  for (let j = 0; j < 4; j++) {
    L.push(`  let x${j} = v128.load(block, ${j * 16});`);
    L.push(`  x${j} = i8x16.shuffle(x${j}, x${j}, ${bswap});`);
    L.push(`  v128.store(WK, i32x4.add(x${j}, v128.load(K, ${j * 16})), ${j * 16});`);
  }
  L.push("  let p: v128;");
  L.push("  let q: v128;");
  L.push("  let r: v128;");
  const next1 = "4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19"; // lanes 1..3 of x, lane 0 of y
  const next2 = "8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23"; // lanes 2..3 of x, 0..1 of y
  const high = "8, 9, 10, 11, 12, 13, 14, 15, 8, 9, 10, 11, 12, 13, 14, 15"; // lanes 2, 3, 2, 3
  let vregs = ["x0", "x1", "x2", "x3"];
  for (let k = 4; k < 16; k++) {
    const [X0, X1, X2, X3] = vregs; // W[t-16..t-13], W[t-12..t-9], W[t-8..t-5], W[t-4..t-1]
    L.push(`  p = i8x16.shuffle(${X0}, ${X1}, ${next1});`); // W[t-15..t-12]
    L.push(`  q = i8x16.shuffle(${X2}, ${X3}, ${next1});`); // W[t-7..t-4]
    L.push(`  p = i32x4.add(i32x4.add(${X0}, ${s0("p")}), q);`);
    L.push(`  q = i8x16.shuffle(${X3}, ${X3}, ${high});`); // W[t-2], W[t-1] (lanes 0, 1)
    L.push(`  r = i32x4.add(p, ${s1("q")});`); // lanes 0 and 1 final
    L.push(`  q = i8x16.shuffle(${X3}, r, ${next2});`); // W[t-2], W[t-1], W[t], W[t+1]
    L.push(`  ${X0} = i32x4.add(p, ${s1("q")});`);
    L.push(`  v128.store(WK, i32x4.add(${X0}, v128.load(K, ${k * 16})), ${k * 16});`);
    vregs = [X1, X2, X3, X0];
  }
  let regs = [...REGS];
  for (const [i, r] of regs.entries()) L.push(`  let ${r} = load<u32>(state, ${i * 4});`);
  L.push("  let t1: u32;");
  L.push("  let t2: u32;");
  L.push("  let ab: u32;");
  L.push("  let bc: u32 = b ^ c;");
  for (let t = 0; t < 64; t++) {
    const [a, b, c, d, e, f, g, h] = regs;
    L.push(
      `  t1 = ${h} + (${rot32(e, 6)} ^ ${rot32(e, 11)} ^ ${rot32(e, 25)}) + (${g} ^ (${e} & (${f} ^ ${g}))) + load<u32>(WK, ${t * 4});`,
    );
    L.push(`  ab = ${a} ^ ${b};`);
    L.push(`  t2 = (${rot32(a, 2)} ^ ${rot32(a, 13)} ^ ${rot32(a, 22)}) + (${b} ^ (ab & bc));`);
    L.push("  bc = ab;");
    L.push(`  ${d} += t1;`);
    L.push(`  ${h} = t1 + t2;`);
    regs = [h, a, b, c, d, e, f, g];
  }
  for (const [i, r] of REGS.entries())
    L.push(`  store<u32>(state, load<u32>(state, ${i * 4}) + ${r}, ${i * 4});`);
  L.push("}");
  return L.join("\n");
}

const header = "// Generated by scripts/gen-sha-rounds.mjs (pnpm gen:assembly) — do not edit.\n";
const sha256 = scalar(
  "compress256",
  "u32",
  K256,
  64,
  4,
  (a) => `${rot32(a, 2)} ^ ${rot32(a, 13)} ^ ${rot32(a, 22)}`,
  (e) => `${rot32(e, 6)} ^ ${rot32(e, 11)} ^ ${rot32(e, 25)}`,
  (x) => `(${rot32(x, 7)} ^ ${rot32(x, 18)} ^ (${x} >>> 3))`,
  (x) => `(${rot32(x, 17)} ^ ${rot32(x, 19)} ^ (${x} >>> 10))`,
  true,
);
const sha512 = scalar(
  "compress512",
  "u64",
  K512,
  80,
  8,
  (a) => `${rot64(a, 28)} ^ ${rot64(a, 34)} ^ ${rot64(a, 39)}`,
  (e) => `${rot64(e, 14)} ^ ${rot64(e, 18)} ^ ${rot64(e, 41)}`,
  (x) => `(${rot64(x, 1)} ^ ${rot64(x, 8)} ^ (${x} >>> 7))`,
  (x) => `(${rot64(x, 19)} ^ ${rot64(x, 61)} ^ (${x} >>> 6))`,
);
writeFileSync(join(OUT, "rounds.generated.ts"), `${header}${sha256}\n\n${sha512}\n`);
writeFileSync(join(OUT, "rounds256s.generated.ts"), `${header}${simdSchedule256()}\n`);
writeFileSync(join(OUT, "rounds4.generated.ts"), `${header}${simd()}\n`);
console.log("wrote rounds.generated.ts, rounds256s.generated.ts and rounds4.generated.ts");
