// Generates assembly/ed25519/fe.generated.ts: multiplication and squaring mod p = 2^255 - 19 on
// ten signed limbs of 25.5 bits (limb i weighs 2^ceil(25.5*i): 26 bits for even i, 25 for odd),
// with i64 products. f_i*g_j lands in limb (i+j) mod 10, times 19 when i+j >= 10 (2^255 = 19 mod p),
// times 2 when i and j are both odd (the half bit of radix 2^25.5).
//
// Three flavours of the same arithmetic:
//   feMul / feSq / feSqN       scalar i64 (one element);
//   feMul2 / feSq2 / feSq2N    two independent elements at once, one per lane of an i64x2 vector
//                              (i64x2.extmul_low_i32x4_s: two signed 32x32->64 products per
//                              instruction) when compiled with SIMD, two scalar calls otherwise.
// Both give bit-identical limbs. The script also checks the limb bounds (see LOOSE / REDUCED below,
// in BigInt: the worst cases exceed 2^53) so that no i64 sum can overflow.
//
// Run: pnpm gen:assembly (or node scripts/gen-field.mjs [outDir]); CI regenerates and diffs.
import { writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const HERE = dirname(fileURLToPath(import.meta.url));
const OUT = join(process.argv[2] ?? join(HERE, "..", "assembly"), "ed25519", "fe.generated.ts");

const range = (a, b) => Array.from({ length: b - a }, (_, i) => a + i);
const BITS = range(0, 10).map((i) => (i % 2 === 0 ? 26 : 25));
// Input contract: every limb of a multiplication or squaring input is below LOOSE[i] in magnitude
// ("loose": a sum or difference of up to four reduced elements). Outputs are REDUCED.
const REDUCED = BITS.map((b) => (1n << BigInt(b - 1)) + (1n << 12n));
const LOOSE = REDUCED.map((r) => 4n * r);
const CARRY_ORDER = [0, 4, 1, 5, 2, 6, 3, 7, 4, 8, 9, 0];

/** [i, j, factor] per output limb k: h_k = sum factor * f_i * g_j. */
function productTerms(square) {
  const terms = range(0, 10).map(() => []);
  for (let i = 0; i < 10; i++) {
    for (let j = 0; j < 10; j++) {
      if (square && j < i) continue;
      let f = 1;
      if (i % 2 === 1 && j % 2 === 1) f *= 2;
      if (i + j >= 10) f *= 19;
      if (square && i !== j) f *= 2;
      terms[(i + j) % 10].push([i, j, f]);
    }
  }
  return terms;
}

function assert(cond, ...what) {
  if (!cond) throw new Error(`gen-field: bound check failed: ${what.join(" ")}`);
}

/** The largest of some BigInts (Math.max takes numbers only). */
function max(xs) {
  let m = xs[0];
  for (const x of xs) if (x > m) m = x;
  return m;
}

/** Worst-case magnitudes: products must fit comfortably in i64 (< 2^62 for the SIMD carry). */
function checkBounds() {
  const LIMIT = 1n << 62n;
  for (const square of [false, true]) {
    const terms = productTerms(square);
    const h = range(0, 10).map((k) =>
      terms[k].reduce((s, [i, j, f]) => s + BigInt(f) * LOOSE[i] * LOOSE[j], 0n),
    );
    assert(max(h) < LIMIT, "product limbs overflow");
    // Rounded carries in CARRY_ORDER, tracking magnitudes.
    for (const i of CARRY_ORDER) {
      const b = BigInt(BITS[i]);
      const c = (h[i] + (1n << (b - 1n))) >> b;
      h[i] = 1n << (b - 1n);
      h[(i + 1) % 10] += c * (i === 9 ? 19n : 1n);
      assert(max(h) < LIMIT, "carry overflow");
    }
    for (let i = 0; i < 10; i++) assert(h[i] <= REDUCED[i], "output not reduced", i, h[i], REDUCED[i]);
  }
  // SIMD doubles odd limbs and 2*f_j in i32 lanes: must fit in i32; feSq2N multiplies reduced
  // limbs by 38 in i32 lanes.
  assert(4n * max(LOOSE) < 1n << 31n, "loose limbs overflow i32");
  assert(38n * max(REDUCED) < 1n << 31n, "38 * reduced limbs overflow i32");
}

function scalarBody(square, L, fin = "f", gin = "g") {
  for (let i = 0; i < 10; i++) L.push(`  const f${i}: i64 = load<i32>(${fin}, ${4 * i});`);
  if (!square) for (let i = 0; i < 10; i++) L.push(`  const g${i}: i64 = load<i32>(${gin}, ${4 * i});`);
  scalarProducts(square, L);
}

function scalarProducts(square, L) {
  const src = square ? "f" : "g";
  for (let j = 1; j < 10; j++) L.push(`  const ${src}${j}_19: i64 = ${src}${j} * 19;`);
  for (const i of [1, 3, 5, 7, 9]) L.push(`  const f${i}_2: i64 = f${i} << 1;`);
  if (square) {
    for (let j = 0; j < 10; j++) {
      L.push(`  const f${j}_d: i64 = f${j} << 1;`);
      if (j >= 1) L.push(`  const f${j}_d19: i64 = f${j}_19 << 1;`);
    }
  }
  productTerms(square).forEach((ts, k) => {
    const parts = ts.map(([i, j]) => {
      const a = i % 2 === 1 && j % 2 === 1 ? `f${i}_2` : `f${i}`;
      let b;
      if (square && i !== j) b = i + j >= 10 ? `f${j}_d19` : `f${j}_d`;
      else b = i + j >= 10 ? `${src}${j}_19` : `${src}${j}`;
      return `${a} * ${b}`;
    });
    L.push(`  let h${k}: i64 = ${parts.join(" + ")};`);
  });
}

function scalarCarry(L) {
  L.push("  let c: i64;");
  for (const i of CARRY_ORDER) {
    const b = BITS[i];
    L.push(`  c = (h${i} + ${1 << (b - 1)}) >> ${b};`);
    L.push(`  h${(i + 1) % 10} += ${i === 9 ? "c * 19" : "c"};`);
    L.push(`  h${i} -= c << ${b};`);
  }
}

function scalarFn(square) {
  const L = [];
  const name = square ? "feSq" : "feMul";
  L.push(`/** h = ${square ? "f²" : "f·g"} mod p (inputs loose, output reduced). */`);
  L.push(`export function ${name}(h: usize, f: usize${square ? "" : ", g: usize"}): void {`);
  scalarBody(square, L);
  scalarCarry(L);
  for (let i = 0; i < 10; i++) L.push(`  store<i32>(h, <i32>h${i}, ${4 * i});`);
  L.push("}");
  return L.join("\n");
}

function scalarSqN() {
  const L = [
    "/** h = f^(2^n) mod p, n ≥ 1: n squarings without leaving registers. */",
    "export function feSqN(h: usize, f: usize, n: i32): void {",
  ];
  for (let i = 0; i < 10; i++) L.push(`  let a${i}: i64 = load<i32>(f, ${4 * i});`);
  L.push("  do {");
  const body = [];
  for (let i = 0; i < 10; i++) body.push(`  const f${i}: i64 = a${i};`);
  scalarProducts(true, body);
  scalarCarry(body);
  for (let i = 0; i < 10; i++) body.push(`  a${i} = <i64><i32>h${i};`);
  L.push(...body.map((x) => `  ${x}`));
  L.push("  } while (--n > 0);");
  for (let i = 0; i < 10; i++) L.push(`  store<i32>(h, <i32>a${i}, ${4 * i});`);
  L.push("}");
  return L.join("\n");
}

// ---- SIMD: lane 0 and lane 1 hold two independent elements -----------------------------------

function vsum(ts) {
  let e = ts[0];
  for (const t of ts.slice(1)) e = `i64x2.add(${e}, ${t})`;
  return e;
}

/**
 * Expects packed v128 F0, F2, …, F8 (and G0 … G8): Fk = [a1_k, a2_k, a1_k+1, a2_k+1], i.e. limb k
 * of both lanes in the low i32 pair and limb k + 1 in the high pair. A product f_i·g_j uses
 * extmul_low (i even) or extmul_high (i odd) and, when j has the other parity, a copy of G with
 * its halves swapped. With premul19 (squarings of reduced inputs only: 38·|f| must fit in i32)
 * the factor 19 of the wrapped terms is applied to the operand in i32 lanes instead of to the
 * i64 sums.
 */
function simdProducts(square, L, premul19 = false) {
  const src = square ? "F" : "G";
  /** vector name → [name, base, mult, swapped], in first-use order */
  const needed = new Map();
  // multiplier → name suffix
  const suffix = { 1: "", 2: "d", 19: "n", 38: "m" };
  const nameOf = (name, base, mult, swapped) => `${name}${suffix[mult]}${base}${swapped ? "s" : ""}`;

  const vec = (name, limb, half, mult) => {
    const base = limb & ~1;
    const swapped = (limb & 1) !== half;
    const v = nameOf(name, base, mult, swapped);
    needed.set(v, [name, base, mult, swapped]);
    return v;
  };

  const body = [];
  productTerms(square).forEach((ts, k) => {
    const lo = [];
    const hi = [];
    for (const [i, j] of ts) {
      const half = i & 1;
      const wrapped = i + j >= 10;
      const a = vec("F", i, half, i % 2 === 1 && j % 2 === 1 ? 2 : 1);
      let bm = square && i !== j ? 2 : 1;
      if (premul19 && wrapped) bm *= 19;
      const b = vec(src, j, half, bm);
      const op = half === 0 ? "extmul_low_i32x4_s" : "extmul_high_i32x4_s";
      (wrapped ? hi : lo).push(`i64x2.${op}(${a}, ${b})`);
    }
    if (hi.length > 0 && !premul19) {
      // 19·t = 16·t + 2·t + t
      body.push(`  const t${k} = ${vsum(hi)};`);
      body.push(
        `  let h${k} = i64x2.add(i64x2.add(i64x2.add(i64x2.shl(t${k}, 4), i64x2.shl(t${k}, 1)), t${k}), ${vsum(lo)});`,
      );
    } else {
      body.push(`  let h${k} = ${vsum([...lo, ...hi])};`);
    }
  });
  // Definitions, each after what it derives from: ×2 and ×19 from the plain vector, ×38 from
  // ×19, swaps last.
  const defs = [];
  const done = new Set();

  const define = (name, base, mult, swapped) => {
    const v = nameOf(name, base, mult, swapped);
    if (done.has(v)) return v;
    if (swapped) {
      const plain = define(name, base, mult, false);
      defs.push(`  const ${v} = i32x4.shuffle(${plain}, ${plain}, 2, 3, 0, 1);`);
    } else if (mult === 2) {
      defs.push(`  const ${v} = i32x4.shl(${name}${base}, 1);`);
    } else if (mult === 19) {
      defs.push(`  const ${v} = i32x4.mul(${name}${base}, i32x4.splat(19));`);
    } else if (mult === 38) {
      const n19 = define(name, base, 19, false);
      defs.push(`  const ${v} = i32x4.shl(${n19}, 1);`);
    }
    done.add(v);
    return v;
  };

  // Ordered by (swapped, mult, name, base), as tuples compare.
  const cmp = (x, y) => (x < y ? -1 : x > y ? 1 : 0);
  const order = [...needed.values()].sort(
    (a, b) => cmp(Number(a[3]), Number(b[3])) || cmp(a[2], b[2]) || cmp(a[0], b[0]) || cmp(a[1], b[1]),
  );
  for (const [name, base, mult, swapped] of order) {
    if (mult === 1 && !swapped) {
      done.add(`${name}${base}`);
      continue;
    }
    define(name, base, mult, swapped);
  }
  L.push(...defs, ...body);
}

function simdCarry(L) {
  // Rounded arithmetic carry without i64x2.shr_s (slow on x64): bias by 2^62 so the value is
  // non-negative, shift logically, subtract the bias back. Valid while |h| < 2^62.
  L.push("  let c: v128;");
  for (const i of CARRY_ORDER) {
    const b = BITS[i];
    const bias = (1n << 62n) + (1n << BigInt(b - 1));
    L.push(
      `  c = i64x2.sub(i64x2.shr_u(i64x2.add(h${i}, i64x2.splat(${bias})), ${b}), i64x2.splat(${1n << BigInt(62 - b)}));`,
    );
    if (i === 9) L.push("  h0 = i64x2.add(h0, i64x2.add(i64x2.add(i64x2.shl(c, 4), i64x2.shl(c, 1)), c));");
    else L.push(`  h${i + 1} = i64x2.add(h${i + 1}, c);`);
    L.push(`  h${i} = i64x2.sub(h${i}, i64x2.shl(c, ${b}));`);
  }
}

function simdLoad(name, p1, p2, L, kw = "const") {
  for (let k = 0; k < 10; k += 2)
    L.push(
      `  ${kw} ${name}${k} = i32x4.shuffle(v128.load64_zero(${p1}, ${4 * k}), v128.load64_zero(${p2}, ${4 * k}), 0, 4, 1, 5);`,
    );
}

function simdStore(L) {
  // [h_k lane 1, h_k+1 lane 1, h_k lane 2, h_k+1 lane 2]: one shuffle, two 64-bit stores.
  for (let k = 0; k < 10; k += 2) {
    L.push(`  const o${k} = i32x4.shuffle(h${k}, h${k + 1}, 0, 4, 2, 6);`);
    L.push(`  v128.store64_lane(r1, o${k}, 0, ${4 * k});`);
    L.push(`  v128.store64_lane(r2, o${k}, 1, ${4 * k});`);
  }
}

function simdFn(square) {
  const L = [];
  if (square) {
    L.push("/** r1 = a1², r2 = a2² (independent; any aliasing allowed). */");
    L.push("export function feSq2(r1: usize, a1: usize, r2: usize, a2: usize): void {");
    L.push("  if (!ASC_FEATURE_SIMD) {", "    feSq(r1, a1);", "    feSq(r2, a2);", "    return;", "  }");
    simdLoad("F", "a1", "a2", L);
  } else {
    L.push("/** r1 = a1·b1, r2 = a2·b2 (independent; any aliasing allowed). */");
    L.push(
      "export function feMul2(r1: usize, a1: usize, b1: usize, r2: usize, a2: usize, b2: usize): void {",
    );
    L.push(
      "  if (!ASC_FEATURE_SIMD) {",
      "    feMul(r1, a1, b1);",
      "    feMul(r2, a2, b2);",
      "    return;",
      "  }",
    );
    simdLoad("F", "a1", "a2", L);
    simdLoad("G", "b1", "b2", L);
  }
  simdProducts(square, L);
  simdCarry(L);
  simdStore(L);
  L.push("}");
  return L.join("\n");
}

function simdSqN() {
  const L = [
    "/** r1 = a1^(2^n), r2 = a2^(2^n), n ≥ 1, without leaving registers. Inputs must be reduced. */",
    "export function feSq2N(r1: usize, a1: usize, r2: usize, a2: usize, n: i32): void {",
    "  if (!ASC_FEATURE_SIMD) {",
    "    feSqN(r1, a1, n);",
    "    feSqN(r2, a2, n);",
    "    return;",
    "  }",
  ];
  simdLoad("S", "a1", "a2", L, "let");
  L.push("  do {");
  const body = [];
  for (let k = 0; k < 10; k += 2) body.push(`  const F${k} = S${k};`);
  simdProducts(true, body, true);
  simdCarry(body);
  for (let k = 0; k < 10; k += 2) body.push(`  S${k} = i32x4.shuffle(h${k}, h${k + 1}, 0, 2, 4, 6);`);
  L.push(...body.map((x) => `  ${x}`));
  L.push("  } while (--n > 0);");
  for (let k = 0; k < 10; k += 2) {
    L.push(`  const o${k} = i32x4.shuffle(S${k}, S${k}, 0, 2, 1, 3);`);
    L.push(`  v128.store64_lane(r1, o${k}, 0, ${4 * k});`);
    L.push(`  v128.store64_lane(r2, o${k}, 1, ${4 * k});`);
  }
  L.push("}");
  return L.join("\n");
}

function carryFn() {
  const L = [
    "/** Carries h in place so every limb is reduced again (after chains of additions). */",
    "export function feCarry(h: usize): void {",
  ];
  for (let i = 0; i < 10; i++) L.push(`  let h${i}: i64 = load<i32>(h, ${4 * i});`);
  scalarCarry(L);
  for (let i = 0; i < 10; i++) L.push(`  store<i32>(h, <i32>h${i}, ${4 * i});`);
  L.push("}");
  return L.join("\n");
}

checkBounds();
const header = [
  "// Generated by scripts/gen-field.mjs (pnpm gen:assembly) — do not edit.",
  "// Field multiplication and squaring mod 2^255 − 19 on ten limbs of 25.5 bits (i32 in memory,",
  "// i64 products). Inputs: limbs below 4× the reduced bound (sums of up to four reduced",
  "// elements); outputs reduced: |limb| ≤ 2^25 (even) / 2^24 (odd), plus a few units.",
  "",
  "",
];
const functions = [
  scalarFn(false),
  scalarFn(true),
  scalarSqN(),
  carryFn(),
  simdFn(false),
  simdFn(true),
  simdSqN(),
];
writeFileSync(OUT, `${header.join("\n")}\n${functions.join("\n\n")}\n`);
console.log("wrote", OUT);
