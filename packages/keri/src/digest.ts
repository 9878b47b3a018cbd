// Digests by CESR code: the code of a SAID or next-key digest names its algorithm. Supported:
// Blake3-256 (E), Blake3-512 (0D), SHA2-256 (I) and SHA2-512 (0G); others are typed errors.
import { sha256, sha512 } from "@chronoseal/core";
import { blake3 } from "./blake3.js";
import { encodeMatter, type Layout } from "./cesr/matter.js";
import { KeriError } from "./errors.js";

export const SUPPORTED_DIGEST_CODES: readonly string[] = ["E", "0D", "I", "0G"];

/** Raw digest of `data` under the algorithm that `code` names. */
export function digestRaw(code: string, data: Uint8Array): Uint8Array {
  switch (code) {
    case "E":
      return blake3(data);
    case "0D":
      return blake3(data, 64);
    case "I":
      return sha256(data);
    case "0G":
      return sha512(data);
    default:
      throw new KeriError(
        "ERR_KERI_DIGEST",
        `unsupported digest code ${JSON.stringify(code)} (supported: E, 0D, I, 0G)`,
      );
  }
}

/** qb64 digest of `data` under `code` (default Blake3-256, "E"). */
export function digest(data: Uint8Array, code = "E", layout: Layout = "current"): string {
  return encodeMatter(code, digestRaw(code, data), { layout });
}
