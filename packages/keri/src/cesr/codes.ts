// CESR code tables (facts from the CESR specification's Master Code Table, as keripy implements
// it): derivation codes of primitives ("matter"), of indexed signatures, and of count codes.
// hs = hard size, ss = soft size, xs = extra (pre-pad) size inside the soft part, fs = full
// size in characters (null = variable, given by the soft part in quadlets), ls = lead bytes.

export interface MatterSizes {
  readonly name: string;
  readonly hs: number;
  readonly ss: number;
  readonly xs: number;
  readonly fs: number | null;
  readonly ls: number;
}

type Row = readonly [
  code: string,
  name: string,
  hs: number,
  ss: number,
  xs: number,
  fs: number | null,
  ls: number,
];

const MATTER_ROWS: readonly Row[] = [
  ["A", "Ed25519_Seed", 1, 0, 0, 44, 0],
  ["B", "Ed25519N", 1, 0, 0, 44, 0],
  ["C", "X25519", 1, 0, 0, 44, 0],
  ["D", "Ed25519", 1, 0, 0, 44, 0],
  ["E", "Blake3_256", 1, 0, 0, 44, 0],
  ["F", "Blake2b_256", 1, 0, 0, 44, 0],
  ["G", "Blake2s_256", 1, 0, 0, 44, 0],
  ["H", "SHA3_256", 1, 0, 0, 44, 0],
  ["I", "SHA2_256", 1, 0, 0, 44, 0],
  ["J", "ECDSA_256k1_Seed", 1, 0, 0, 44, 0],
  ["K", "Ed448_Seed", 1, 0, 0, 76, 0],
  ["L", "X448", 1, 0, 0, 76, 0],
  ["M", "Short", 1, 0, 0, 4, 0],
  ["N", "Big", 1, 0, 0, 12, 0],
  ["O", "X25519_Private", 1, 0, 0, 44, 0],
  ["P", "X25519_Cipher_Seed", 1, 0, 0, 124, 0],
  ["Q", "ECDSA_256r1_Seed", 1, 0, 0, 44, 0],
  ["R", "Tall", 1, 0, 0, 8, 0],
  ["S", "Large", 1, 0, 0, 16, 0],
  ["T", "Great", 1, 0, 0, 20, 0],
  ["U", "Vast", 1, 0, 0, 24, 0],
  ["V", "Label1", 1, 0, 0, 4, 1],
  ["W", "Label2", 1, 0, 0, 4, 0],
  ["X", "Tag3", 1, 3, 0, 4, 0],
  ["Y", "Tag7", 1, 7, 0, 8, 0],
  ["Z", "Tag11", 1, 11, 0, 12, 0],
  ["a", "Salt_256", 1, 0, 0, 44, 0],
  ["0A", "Salt_128", 2, 0, 0, 24, 0],
  ["0B", "Ed25519_Sig", 2, 0, 0, 88, 0],
  ["0C", "ECDSA_256k1_Sig", 2, 0, 0, 88, 0],
  ["0D", "Blake3_512", 2, 0, 0, 88, 0],
  ["0E", "Blake2b_512", 2, 0, 0, 88, 0],
  ["0F", "SHA3_512", 2, 0, 0, 88, 0],
  ["0G", "SHA2_512", 2, 0, 0, 88, 0],
  ["0H", "Long", 2, 0, 0, 8, 0],
  ["0I", "ECDSA_256r1_Sig", 2, 0, 0, 88, 0],
  ["0J", "Tag1", 2, 2, 1, 4, 0],
  ["0K", "Tag2", 2, 2, 0, 4, 0],
  ["0L", "Tag5", 2, 6, 1, 8, 0],
  ["0M", "Tag6", 2, 6, 0, 8, 0],
  ["0N", "Tag9", 2, 10, 1, 12, 0],
  ["0O", "Tag10", 2, 10, 0, 12, 0],
  ["1AAA", "ECDSA_256k1N", 4, 0, 0, 48, 0],
  ["1AAB", "ECDSA_256k1", 4, 0, 0, 48, 0],
  ["1AAC", "Ed448N", 4, 0, 0, 80, 0],
  ["1AAD", "Ed448", 4, 0, 0, 80, 0],
  ["1AAE", "Ed448_Sig", 4, 0, 0, 156, 0],
  ["1AAF", "Tag4", 4, 4, 0, 8, 0],
  ["1AAG", "DateTime", 4, 0, 0, 36, 0],
  ["1AAH", "X25519_Cipher_Salt", 4, 0, 0, 100, 0],
  ["1AAI", "ECDSA_256r1N", 4, 0, 0, 48, 0],
  ["1AAJ", "ECDSA_256r1", 4, 0, 0, 48, 0],
  ["1AAK", "Null", 4, 0, 0, 4, 0],
  ["1AAL", "No", 4, 0, 0, 4, 0],
  ["1AAM", "Yes", 4, 0, 0, 4, 0],
  ["1AAN", "Tag8", 4, 8, 0, 12, 0],
  ["1AAO", "Escape", 4, 0, 0, 4, 0],
  ["1AAP", "Empty", 4, 0, 0, 4, 0],
  ["4A", "StrB64_L0", 2, 2, 0, null, 0],
  ["5A", "StrB64_L1", 2, 2, 0, null, 1],
  ["6A", "StrB64_L2", 2, 2, 0, null, 2],
  ["7AAA", "StrB64_Big_L0", 4, 4, 0, null, 0],
  ["8AAA", "StrB64_Big_L1", 4, 4, 0, null, 1],
  ["9AAA", "StrB64_Big_L2", 4, 4, 0, null, 2],
  ["4B", "Bytes_L0", 2, 2, 0, null, 0],
  ["5B", "Bytes_L1", 2, 2, 0, null, 1],
  ["6B", "Bytes_L2", 2, 2, 0, null, 2],
  ["7AAB", "Bytes_Big_L0", 4, 4, 0, null, 0],
  ["8AAB", "Bytes_Big_L1", 4, 4, 0, null, 1],
  ["9AAB", "Bytes_Big_L2", 4, 4, 0, null, 2],
];

export const MATTER_SIZES: ReadonlyMap<string, MatterSizes> = new Map(
  MATTER_ROWS.map(([code, name, hs, ss, xs, fs, ls]) => [code, { name, hs, ss, xs, fs, ls }]),
);

/** Hard size of a matter code, selected by its first character. */
export function matterHardSize(first: string): number | undefined {
  if (/^[A-Za-z]$/.test(first)) return 1;
  if (first === "0" || first === "4" || first === "5" || first === "6") return 2;
  if (first === "1" || first === "2" || first === "3" || first === "7" || first === "8" || first === "9")
    return 4;
  return undefined;
}

/** Codes of cryptographic digests (self-addressing identifiers and SAIDs). */
export const DIGEST_CODES = new Set(["E", "F", "G", "H", "I", "0D", "0E", "0F", "0G"]);
/** Codes of public verification keys usable as identifier prefixes or witness identifiers. */
export const KEY_CODES = new Set(["B", "D", "1AAA", "1AAB", "1AAC", "1AAD", "1AAI", "1AAJ"]);
/** Non-transferable key codes (a prefix that can never rotate). */
export const NON_TRANSFERABLE_CODES = new Set(["B", "1AAA", "1AAC", "1AAI"]);
/** Codes of whole numbers (sequence numbers, first-seen ordinals, thresholds). */
export const NUMBER_CODES = new Set(["M", "0H", "R", "N", "S", "T", "0A", "U"]);

// ---------------------------------------------------------------------------------------------
// Indexed signatures. os = "other index" (ondex) size inside ss; main index size is ss - os.

export interface IndexerSizes {
  readonly name: string;
  readonly hs: number;
  readonly ss: number;
  readonly os: number;
  readonly fs: number;
  readonly ls: number;
  /** True for "current only" codes: the signature does not expose a prior next key. */
  readonly currentOnly: boolean;
}

type IRow = readonly [
  code: string,
  name: string,
  hs: number,
  ss: number,
  os: number,
  fs: number,
  crt: boolean,
];

const INDEXER_ROWS: readonly IRow[] = [
  ["A", "Ed25519_Sig", 1, 1, 0, 88, false],
  ["B", "Ed25519_Crt_Sig", 1, 1, 0, 88, true],
  ["C", "ECDSA_256k1_Sig", 1, 1, 0, 88, false],
  ["D", "ECDSA_256k1_Crt_Sig", 1, 1, 0, 88, true],
  ["E", "ECDSA_256r1_Sig", 1, 1, 0, 88, false],
  ["F", "ECDSA_256r1_Crt_Sig", 1, 1, 0, 88, true],
  ["0A", "Ed448_Sig", 2, 2, 1, 156, false],
  ["0B", "Ed448_Crt_Sig", 2, 2, 1, 156, true],
  ["2A", "Ed25519_Big_Sig", 2, 4, 2, 92, false],
  ["2B", "Ed25519_Big_Crt_Sig", 2, 4, 2, 92, true],
  ["2C", "ECDSA_256k1_Big_Sig", 2, 4, 2, 92, false],
  ["2D", "ECDSA_256k1_Big_Crt_Sig", 2, 4, 2, 92, true],
  ["2E", "ECDSA_256r1_Big_Sig", 2, 4, 2, 92, false],
  ["2F", "ECDSA_256r1_Big_Crt_Sig", 2, 4, 2, 92, true],
  ["3A", "Ed448_Big_Sig", 2, 6, 3, 160, false],
  ["3B", "Ed448_Big_Crt_Sig", 2, 6, 3, 160, true],
];

// The 2022 table (keripy 0.6, the vLEI samples): "B" was secp256k1, no ondex existed.
const INDEXER_ROWS_2022: readonly IRow[] = [
  ["A", "Ed25519_Sig", 1, 1, 0, 88, false],
  ["B", "ECDSA_256k1_Sig", 1, 1, 0, 88, false],
  ["0A", "Ed448_Sig", 2, 2, 0, 156, false],
];

function indexerMap(rows: readonly IRow[]): ReadonlyMap<string, IndexerSizes> {
  return new Map(
    rows.map(([code, name, hs, ss, os, fs, crt]) => [
      code,
      { name, hs, ss, os, fs, ls: 0, currentOnly: crt },
    ]),
  );
}

export const INDEXER_SIZES: ReadonlyMap<string, IndexerSizes> = indexerMap(INDEXER_ROWS);
export const INDEXER_SIZES_2022: ReadonlyMap<string, IndexerSizes> = indexerMap(INDEXER_ROWS_2022);

/** Indexed Ed25519 signature codes (the only signature scheme verified here). */
export const ED25519_INDEXED_CODES = new Set(["A", "B", "2A", "2B"]);

export function indexerHardSize(first: string): number | undefined {
  if (/^[A-Za-z]$/.test(first)) return 1;
  if (first === "0" || first === "1" || first === "2" || first === "3" || first === "4") return 2;
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// Count codes (CESR version 1). Two generations share one parser: the 2022 table (keripy 0.6,
// signify-ts 0.3: -J/-K sad-path signatures, -0V big attachment groups, --AAA stack version)
// and keripy's current table (-D with indexed signature groups, --V/--L big groups, -_AAA
// genus-version). Both count -V/-L in quadlets and everything else in items.

export interface CounterSizes {
  readonly name: string;
  readonly hs: number;
  readonly ss: number;
  readonly fs: number;
}

type CRow = readonly [code: string, name: string, hs: number, ss: number];

const COUNTER_ROWS: readonly CRow[] = [
  ["-A", "ControllerIdxSigs", 2, 2],
  ["-B", "WitnessIdxSigs", 2, 2],
  ["-C", "NonTransReceiptCouples", 2, 2],
  ["-D", "TransReceiptQuadruples", 2, 2],
  ["-E", "FirstSeenReplayCouples", 2, 2],
  ["-F", "TransIdxSigGroups", 2, 2],
  ["-G", "SealSourceCouples", 2, 2],
  ["-H", "TransLastIdxSigGroups", 2, 2],
  ["-I", "SealSourceTriples", 2, 2],
  ["-J", "SadPathSig", 2, 2],
  ["-K", "SadPathSigGroup", 2, 2],
  ["-L", "PathedMaterialQuadlets", 2, 2],
  ["-V", "AttachedMaterialQuadlets", 2, 2],
  ["-0V", "BigAttachedMaterialQuadlets", 3, 5],
  ["--V", "BigAttachmentGroup", 3, 5],
  ["--L", "BigPathedMaterialQuadlets", 3, 5],
  ["--AAA", "KERIProtocolStack", 5, 3],
  ["-_AAA", "KERIACDCGenusVersion", 5, 3],
];

export const COUNTER_SIZES: ReadonlyMap<string, CounterSizes> = new Map(
  COUNTER_ROWS.map(([code, name, hs, ss]) => [code, { name, hs, ss, fs: hs + ss }]),
);

/** Hard size of a count code from its first two characters, or undefined. */
export function counterHardSize(firstTwo: string): number | undefined {
  if (firstTwo.length < 2 || firstTwo[0] !== "-") return undefined;
  const c = firstTwo[1] as string;
  if (/^[A-Za-z]$/.test(c)) return 2;
  if (c === "0") return 3;
  if (c === "-" || c === "_") return 5; // "--AAA"/"-_AAA"; "--V" is resolved by the caller
  return undefined;
}
