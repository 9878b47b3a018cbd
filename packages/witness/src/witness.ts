// A C2SP tlog-witness (c2sp.org/tlog-witness): add-checkpoint verifies a log's checkpoint against
// the keys it trusts for the origin and the consistency proof from the size it last cosigned, then
// records the new checkpoint durably and answers with a cosignature/v1 line
// (c2sp.org/tlog-cosignature) by its own key. The checks, in the spec's order:
//   body shape, note and checkpoint syntax                         → 400
//   origin not witnessed                                           → 404
//   no signature by a trusted key of the origin verifies           → 403
//   old size above the checkpoint's size                           → 400
//   old size ≠ the witness's size for the origin (0 if none)       → 409 with that size
//   old = new size: a proof, or another root than the one recorded → 422 / 409 (and evidence kept)
//   old = 0 < new size: any proof                                  → 422
//   the consistency proof from (old size, recorded root)           → 422
//   record {size, root, note, timestamp} (atomic, fsynced), cosign → 200
// Cosignature timestamps never go back for an origin (max of the clock and the last one), so the
// statement "as of t, the largest tree I saw had this root" stays true even if the clock steps back.
import {
  checkConsistency,
  checkNote,
  emptyRoot,
  formatVerifierKey,
  fromBase64,
  type NoteSigner,
  parseCheckpoint,
  parseNote,
  signatureLines,
  toBase64,
} from "@chronoseal/core";
import { WitnessConfigError, WitnessError } from "./errors.js";
import { KnownLogs, type WitnessedLog } from "./logs.js";
import { parseAddCheckpoint } from "./protocol.js";
import { WitnessStore } from "./state.js";

export type WitnessLog = (
  level: "info" | "warn" | "error",
  message: string,
  fields: Record<string, unknown>,
) => void;

export interface WitnessOptions {
  /** The witness's name and Ed25519 key; it signs cosignature/v1 whatever `type` says. */
  signer: NoteSigner;
  /** The logs it witnesses. */
  logs: readonly WitnessedLog[];
  /** Its state directory (or an open store). */
  store: string | WitnessStore;
  /** Clock, ms since the epoch (default Date.now). */
  now?: () => number;
  /** Where refusals and evidence are reported (default: nowhere). */
  log?: WitnessLog;
}

export interface Cosignature {
  origin: string;
  size: number;
  /** The cosignature/v1 line(s), each ending in a newline. */
  lines: string;
  timestamp: number;
}

const fail = (code: ConstructorParameters<typeof WitnessError>[0], message: string, size?: number) =>
  new WitnessError(code, message, size === undefined ? {} : { size });

export class Witness {
  readonly name: string;
  /** The witness's verifier key (type 0x04), what clients configure. */
  readonly vkey: string;
  readonly store: WitnessStore;
  private readonly signer: NoteSigner;
  private readonly logs: KnownLogs;
  private readonly now: () => number;
  private readonly log: WitnessLog;

  constructor(o: WitnessOptions) {
    if (!o?.signer || !(o.signer.secretKey instanceof Uint8Array) || o.signer.secretKey.length !== 64)
      throw new WitnessConfigError("signer: expected { name, secretKey (64 bytes) }");
    this.signer = { name: o.signer.name, secretKey: o.signer.secretKey, type: "cosignature/v1" };
    try {
      this.vkey = formatVerifierKey(o.signer.name, o.signer.secretKey.subarray(32), "cosignature/v1");
    } catch (e) {
      throw new WitnessConfigError(`signer: ${(e as Error).message}`);
    }
    this.name = o.signer.name;
    this.logs = new KnownLogs(o.logs);
    this.now = o.now ?? Date.now;
    this.log = o.log ?? (() => {});
    this.store = typeof o.store === "string" ? WitnessStore.open(o.store) : o.store;
  }

  /** Number of configured logs (exact origins and prefixes). */
  get logCount(): number {
    return this.logs.size;
  }

  /** Handles an add-checkpoint body: the cosignature lines, or a WitnessError with its status. */
  async addCheckpoint(body: string): Promise<Cosignature> {
    const req = parseAddCheckpoint(body);
    let text: string;
    let cp: ReturnType<typeof parseCheckpoint>;
    try {
      text = parseNote(req.note).text;
      cp = parseCheckpoint(text);
    } catch (e) {
      throw fail("ERR_WITNESS_MALFORMED", `checkpoint: ${(e as Error).message}`);
    }
    const origin = cp.origin;
    const keys = this.logs.keysFor(origin);
    if (!keys)
      throw fail("ERR_WITNESS_UNKNOWN_ORIGIN", `unknown origin ${JSON.stringify(origin.slice(0, 200))}`);
    const opened = checkNote(req.note, keys);
    if (opened.signatures.length === 0)
      throw fail("ERR_WITNESS_FORBIDDEN", `no signature by a key trusted for ${origin} verifies`);
    if (req.oldSize > cp.size)
      throw fail(
        "ERR_WITNESS_MALFORMED",
        `old size ${req.oldSize} is above the checkpoint's size ${cp.size}`,
      );
    return this.store.serialize(origin, () => {
      const state = this.store.get(origin);
      const size = state?.size ?? 0;
      const fields = { origin, old: req.oldSize, size: cp.size, witnessSize: size };
      if (req.oldSize !== size)
        throw fail("ERR_WITNESS_CONFLICT", `old size ${req.oldSize} is not the witness's size ${size}`, size);
      const root = toBase64(cp.root);
      if (req.oldSize === cp.size) {
        if (req.proof.length)
          throw fail("ERR_WITNESS_BAD_PROOF", "equal sizes take an empty consistency proof");
        const recorded = state?.root ?? toBase64(emptyRoot());
        if (root !== recorded) {
          if (state) {
            const path = this.store.recordEvidence(origin, size, state.note, req.note);
            this.log("error", "the log signed two checkpoints of one size with different roots", {
              ...fields,
              evidence: path,
            });
          }
          throw fail("ERR_WITNESS_CONFLICT", `size ${size} was cosigned with another root hash`, size);
        }
      } else if (req.oldSize === 0) {
        if (req.proof.length) throw fail("ERR_WITNESS_BAD_PROOF", "a proof from size 0 must be empty");
      } else {
        const v = checkConsistency(
          req.oldSize,
          cp.size,
          fromBase64(state!.root, "root", 32),
          cp.root,
          req.proof,
        );
        if (!v.ok) {
          this.log("warn", "a log-signed checkpoint came with a consistency proof that does not verify", {
            ...fields,
            reason: v.reason,
          });
          throw fail("ERR_WITNESS_BAD_PROOF", `consistency proof from size ${req.oldSize}: ${v.message}`);
        }
      }
      const timestamp = Math.max(Math.floor(this.now() / 1000), state?.timestamp ?? 0);
      this.store.put({ origin, size: cp.size, root, timestamp, note: req.note });
      this.log("info", "cosigned", { origin, size: cp.size, timestamp });
      return {
        origin,
        size: cp.size,
        timestamp,
        lines: signatureLines(req.note, [this.signer], { timestamp }),
      };
    });
  }

  close(): void {
    this.store.close();
  }
}
