// @chronoseal/witness: a C2SP tlog-witness (add-checkpoint, cosignature/v1 answers, durable
// per-origin state) and its client (submission with a consistency proof, 409 re-proving).
export { type CosignOptions, type SubmitResult, WitnessClient, type WitnessClientOptions } from "./client.js";
export {
  WitnessClientError,
  type WitnessClientErrorCode,
  WitnessConfigError,
  WitnessError,
  type WitnessErrorCode,
} from "./errors.js";
export { KnownLogs, parseLogs, type WitnessedLog } from "./logs.js";
export {
  type AddCheckpointRequest,
  formatAddCheckpoint,
  MAX_PROOF_LINES,
  parseAddCheckpoint,
  parseCosignatureLines,
  parseSize,
  parseSizeAnswer,
  SIZE_CONTENT_TYPE,
} from "./protocol.js";
export { MAX_ADD_CHECKPOINT_BODY, registerWitnessRoutes, type WitnessRouteOptions } from "./routes.js";
export { type OriginState, WitnessStore } from "./state.js";
export { parseWitnessTargets, type WitnessTarget, witnessVerifier } from "./targets.js";
export { type Cosignature, Witness, type WitnessLog, type WitnessOptions } from "./witness.js";
