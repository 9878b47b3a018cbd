#!/usr/bin/env python3
"""Generates assembly/ed25519/fe.generated.ts: multiplication and squaring mod p = 2^255 - 19 on
ten signed limbs of 25.5 bits (limb i weighs 2^ceil(25.5*i): 26 bits for even i, 25 for odd),
with i64 products. f_i*g_j lands in limb (i+j) mod 10, times 19 when i+j >= 10 (2^255 = 19 mod p),
times 2 when i and j are both odd (the half bit of radix 2^25.5).

Three flavours of the same arithmetic:
  feMul / feSq / feSqN       scalar i64 (one element);
  feMul2 / feSq2 / feSq2N    two independent elements at once, one per lane of an i64x2 vector
                             (i64x2.extmul_low_i32x4_s: two signed 32x32->64 products per
                             instruction) when compiled with SIMD, two scalar calls otherwise.
Both give bit-identical limbs. The script also checks the limb bounds (see LOOSE / REDUCED below)
so that no i64 sum can overflow. Run: python3 scripts/gen-field.py
"""
import os

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "assembly", "ed25519", "fe.generated.ts")

BITS = [26 if i % 2 == 0 else 25 for i in range(10)]
# Input contract: every limb of a multiplication or squaring input is below LOOSE[i] in magnitude
# ("loose": a sum or difference of up to four reduced elements). Outputs are REDUCED.
REDUCED = [(1 << (b - 1)) + (1 << 12) for b in BITS]
LOOSE = [4 * r for r in REDUCED]
CARRY_ORDER = [0, 4, 1, 5, 2, 6, 3, 7, 4, 8, 9, 0]


def product_terms(square):
    """(i, j, factor) per output limb k: h_k = sum factor * f_i * g_j."""
    terms = {k: [] for k in range(10)}
    for i in range(10):
        for j in range(10):
            if square and j < i:
                continue
            f = 1
            if i % 2 == 1 and j % 2 == 1:
                f *= 2
            if i + j >= 10:
                f *= 19
            if square and i != j:
                f *= 2
            terms[(i + j) % 10].append((i, j, f))
    return terms


def check_bounds():
    """Worst-case magnitudes: products must fit comfortably in i64 (< 2^62 for the SIMD carry)."""
    for square in (False, True):
        h = [sum(f * LOOSE[i] * LOOSE[j] for (i, j, f) in product_terms(square)[k]) for k in range(10)]
        assert max(h) < 1 << 62, "product limbs overflow"
        # Rounded carries in CARRY_ORDER, tracking magnitudes.
        for i in CARRY_ORDER:
            c = (h[i] + (1 << (BITS[i] - 1))) >> BITS[i]
            h[i] = 1 << (BITS[i] - 1)
            h[(i + 1) % 10] += c * (19 if i == 9 else 1)
            assert max(h) < 1 << 62
        for i in range(10):
            assert h[i] <= REDUCED[i], ("output not reduced", i, h[i], REDUCED[i])
    # SIMD doubles odd limbs and 2*f_j in i32 lanes: must fit in i32; feSq2N multiplies reduced
    # limbs by 38 in i32 lanes.
    assert 4 * max(LOOSE) < 1 << 31
    assert 38 * max(REDUCED) < 1 << 31


def scalar_body(square, L, fin="f", gin="g"):
    src = "f" if square else "g"
    for i in range(10):
        L.append(f"  const f{i}: i64 = load<i32>({fin}, {4 * i});")
    if not square:
        for i in range(10):
            L.append(f"  const g{i}: i64 = load<i32>({gin}, {4 * i});")
    scalar_products(square, L)


def scalar_products(square, L):
    src = "f" if square else "g"
    for j in range(1, 10):
        L.append(f"  const {src}{j}_19: i64 = {src}{j} * 19;")
    for i in (1, 3, 5, 7, 9):
        L.append(f"  const f{i}_2: i64 = f{i} << 1;")
    if square:
        for j in range(10):
            L.append(f"  const f{j}_d: i64 = f{j} << 1;")
            if j >= 1:
                L.append(f"  const f{j}_d19: i64 = f{j}_19 << 1;")
    for k, ts in product_terms(square).items():
        parts = []
        for (i, j, f) in ts:
            a = f"f{i}_2" if (i % 2 == 1 and j % 2 == 1) else f"f{i}"
            if square and i != j:
                b = f"f{j}_d19" if i + j >= 10 else f"f{j}_d"
            else:
                b = f"{src}{j}_19" if i + j >= 10 else f"{src}{j}"
            parts.append(f"{a} * {b}")
        L.append(f"  let h{k}: i64 = " + " + ".join(parts) + ";")


def scalar_carry(L):
    L.append("  let c: i64;")
    for i in CARRY_ORDER:
        b = BITS[i]
        L.append(f"  c = (h{i} + {1 << (b - 1)}) >> {b};")
        L.append(f"  h{(i + 1) % 10} += {'c * 19' if i == 9 else 'c'};")
        L.append(f"  h{i} -= c << {b};")


def scalar_fn(square):
    L = []
    name = "feSq" if square else "feMul"
    L.append(f"/** h = {'f²' if square else 'f·g'} mod p (inputs loose, output reduced). */")
    L.append(f"export function {name}(h: usize, f: usize{'' if square else ', g: usize'}): void {{")
    scalar_body(square, L)
    scalar_carry(L)
    for i in range(10):
        L.append(f"  store<i32>(h, <i32>h{i}, {4 * i});")
    L.append("}")
    return "\n".join(L)


def scalar_sqn():
    L = ["/** h = f^(2^n) mod p, n ≥ 1: n squarings without leaving registers. */",
         "export function feSqN(h: usize, f: usize, n: i32): void {"]
    for i in range(10):
        L.append(f"  let a{i}: i64 = load<i32>(f, {4 * i});")
    L.append("  do {")
    body = []
    for i in range(10):
        body.append(f"  const f{i}: i64 = a{i};")
    scalar_products(True, body)
    scalar_carry(body)
    for i in range(10):
        body.append(f"  a{i} = <i64><i32>h{i};")
    L += ["  " + x for x in body]
    L.append("  } while (--n > 0);")
    for i in range(10):
        L.append(f"  store<i32>(h, <i32>a{i}, {4 * i});")
    L.append("}")
    return "\n".join(L)


# ---- SIMD: lane 0 and lane 1 hold two independent elements -----------------------------------


def vsum(ts):
    e = ts[0]
    for t in ts[1:]:
        e = f"i64x2.add({e}, {t})"
    return e


def simd_products(square, L, premul19=False):
    """Expects packed v128 F0, F2, …, F8 (and G0 … G8): Fk = [a1_k, a2_k, a1_k+1, a2_k+1], i.e.
    limb k of both lanes in the low i32 pair and limb k + 1 in the high pair. A product f_i·g_j
    uses extmul_low (i even) or extmul_high (i odd) and, when j has the other parity, a copy of
    G with its halves swapped. With premul19 (squarings of reduced inputs only: 38·|f| must fit
    in i32) the factor 19 of the wrapped terms is applied to the operand in i32 lanes instead of
    to the i64 sums."""
    src = "F" if square else "G"
    needed = {}
    # multiplier → name suffix
    suffix = {1: "", 2: "d", 19: "n", 38: "m"}

    def vec(name, limb, half, mult):
        base = limb & ~1
        swapped = (limb & 1) != half
        v = f"{name}{suffix[mult]}{base}{'s' if swapped else ''}"
        needed[v] = (name, base, mult, swapped)
        return v

    body = []
    for k, ts in product_terms(square).items():
        lo, hi = [], []
        for (i, j, f) in ts:
            half = i & 1
            wrapped = i + j >= 10
            a = vec("F", i, half, 2 if (i % 2 == 1 and j % 2 == 1) else 1)
            bm = 2 if (square and i != j) else 1
            if premul19 and wrapped:
                bm *= 19
            b = vec(src, j, half, bm)
            op = "extmul_low_i32x4_s" if half == 0 else "extmul_high_i32x4_s"
            (hi if wrapped else lo).append(f"i64x2.{op}({a}, {b})")
        if hi and not premul19:
            # 19·t = 16·t + 2·t + t
            body.append(f"  const t{k} = {vsum(hi)};")
            body.append(
                f"  let h{k} = i64x2.add(i64x2.add(i64x2.add(i64x2.shl(t{k}, 4), i64x2.shl(t{k}, 1)), t{k}), {vsum(lo)});"
            )
        else:
            body.append(f"  let h{k} = {vsum(lo + hi)};")
    # Definitions, each after what it derives from: ×2 and ×19 from the plain vector, ×38 from
    # ×19, swaps last.
    defs = []
    done = set()

    def define(name, base, mult, swapped):
        v = f"{name}{suffix[mult]}{base}{'s' if swapped else ''}"
        if v in done:
            return v
        if swapped:
            plain = define(name, base, mult, False)
            defs.append(f"  const {v} = i32x4.shuffle({plain}, {plain}, 2, 3, 0, 1);")
        elif mult == 2:
            defs.append(f"  const {v} = i32x4.shl({name}{base}, 1);")
        elif mult == 19:
            defs.append(f"  const {v} = i32x4.mul({name}{base}, i32x4.splat(19));")
        elif mult == 38:
            n19 = define(name, base, 19, False)
            defs.append(f"  const {v} = i32x4.shl({n19}, 1);")
        done.add(v)
        return v

    for (name, base, mult, swapped) in sorted(needed.values(), key=lambda t: (t[3], t[2], t[0], t[1])):
        if mult == 1 and not swapped:
            done.add(f"{name}{base}")
            continue
        define(name, base, mult, swapped)
    L += defs + body


def simd_carry(L):
    # Rounded arithmetic carry without i64x2.shr_s (slow on x64): bias by 2^62 so the value is
    # non-negative, shift logically, subtract the bias back. Valid while |h| < 2^62.
    L.append("  let c: v128;")
    for i in CARRY_ORDER:
        b = BITS[i]
        L.append(f"  c = i64x2.sub(i64x2.shr_u(i64x2.add(h{i}, i64x2.splat({(1 << 62) + (1 << (b - 1))})), {b}), i64x2.splat({1 << (62 - b)}));")
        if i == 9:
            L.append("  h0 = i64x2.add(h0, i64x2.add(i64x2.add(i64x2.shl(c, 4), i64x2.shl(c, 1)), c));")
        else:
            L.append(f"  h{i + 1} = i64x2.add(h{i + 1}, c);")
        L.append(f"  h{i} = i64x2.sub(h{i}, i64x2.shl(c, {b}));")


def simd_load(name, p1, p2, L, kw="const"):
    for k in range(0, 10, 2):
        L.append(
            f"  {kw} {name}{k} = i32x4.shuffle(v128.load64_zero({p1}, {4 * k}), v128.load64_zero({p2}, {4 * k}), 0, 4, 1, 5);"
        )


def simd_store(L):
    # [h_k lane 1, h_k+1 lane 1, h_k lane 2, h_k+1 lane 2]: one shuffle, two 64-bit stores.
    for k in range(0, 10, 2):
        L.append(f"  const o{k} = i32x4.shuffle(h{k}, h{k + 1}, 0, 4, 2, 6);")
        L.append(f"  v128.store64_lane(r1, o{k}, 0, {4 * k});")
        L.append(f"  v128.store64_lane(r2, o{k}, 1, {4 * k});")


def simd_fn(square):
    L = []
    if square:
        L.append("/** r1 = a1², r2 = a2² (independent; any aliasing allowed). */")
        L.append("export function feSq2(r1: usize, a1: usize, r2: usize, a2: usize): void {")
        L.append("  if (!ASC_FEATURE_SIMD) {")
        L.append("    feSq(r1, a1);")
        L.append("    feSq(r2, a2);")
        L.append("    return;")
        L.append("  }")
        simd_load("F", "a1", "a2", L)
    else:
        L.append("/** r1 = a1·b1, r2 = a2·b2 (independent; any aliasing allowed). */")
        L.append("export function feMul2(r1: usize, a1: usize, b1: usize, r2: usize, a2: usize, b2: usize): void {")
        L.append("  if (!ASC_FEATURE_SIMD) {")
        L.append("    feMul(r1, a1, b1);")
        L.append("    feMul(r2, a2, b2);")
        L.append("    return;")
        L.append("  }")
        simd_load("F", "a1", "a2", L)
        simd_load("G", "b1", "b2", L)
    simd_products(square, L)
    simd_carry(L)
    simd_store(L)
    L.append("}")
    return "\n".join(L)


def simd_sqn():
    L = ["/** r1 = a1^(2^n), r2 = a2^(2^n), n ≥ 1, without leaving registers. Inputs must be reduced. */",
         "export function feSq2N(r1: usize, a1: usize, r2: usize, a2: usize, n: i32): void {",
         "  if (!ASC_FEATURE_SIMD) {",
         "    feSqN(r1, a1, n);",
         "    feSqN(r2, a2, n);",
         "    return;",
         "  }"]
    simd_load("S", "a1", "a2", L, "let")
    L.append("  do {")
    body = []
    for k in range(0, 10, 2):
        body.append(f"  const F{k} = S{k};")
    simd_products(True, body, premul19=True)
    simd_carry(body)
    for k in range(0, 10, 2):
        body.append(f"  S{k} = i32x4.shuffle(h{k}, h{k + 1}, 0, 2, 4, 6);")
    L += ["  " + x for x in body]
    L.append("  } while (--n > 0);")
    for k in range(0, 10, 2):
        L.append(f"  const o{k} = i32x4.shuffle(S{k}, S{k}, 0, 2, 1, 3);")
        L.append(f"  v128.store64_lane(r1, o{k}, 0, {4 * k});")
        L.append(f"  v128.store64_lane(r2, o{k}, 1, {4 * k});")
    L.append("}")
    return "\n".join(L)


def carry_fn():
    L = ["/** Carries h in place so every limb is reduced again (after chains of additions). */",
         "export function feCarry(h: usize): void {"]
    for i in range(10):
        L.append(f"  let h{i}: i64 = load<i32>(h, {4 * i});")
    scalar_carry(L)
    for i in range(10):
        L.append(f"  store<i32>(h, <i32>h{i}, {4 * i});")
    L.append("}")
    return "\n".join(L)


check_bounds()
header = [
    "// Generated by scripts/gen-field.py — do not edit.",
    "// Field multiplication and squaring mod 2^255 − 19 on ten limbs of 25.5 bits (i32 in memory,",
    "// i64 products). Inputs: limbs below 4× the reduced bound (sums of up to four reduced",
    "// elements); outputs reduced: |limb| ≤ 2^25 (even) / 2^24 (odd), plus a few units.",
    "",
    "",
]
with open(OUT, "w") as fh:
    fh.write("\n".join(header) + "\n")
    fh.write("\n\n".join([scalar_fn(False), scalar_fn(True), scalar_sqn(), carry_fn(),
                          simd_fn(False), simd_fn(True), simd_sqn()]) + "\n")
print("wrote", OUT)
