// @chronoseal/validity: "was this delegated credential validly issued as of T?" — over real
// KERI/ACDC evidence (key event logs, registries and transaction events, ACDCs, schemas).
export {
  type CredentialArgs,
  type EdgeSpec,
  keriDateTime,
  makeBackedIssuance,
  makeBackedRevocation,
  makeCredential,
  makeIssuance,
  makeRegistryInception,
  makeRevocation,
  makeStatusReply,
  transSignatureGroup,
} from "./build.js";
export { CONTROLLER_FORMAT, type ControllerFile, type Issued, KeriController } from "./controller.js";
export {
  CompactSectionError,
  type Credential,
  type Edge,
  type EdgeGroup,
  type GroupOperator,
  type Pin,
  parseCredential,
  type UnaryOperator,
} from "./credential.js";
export { type DuplicityProof, type ProofCheck, verifyDuplicityProof } from "./duplicity.js";
export { ControllerError, EvidenceError, FieldError, StoreError, WindowError } from "./errors.js";
export { Evidence, type ImportItem, type ImportReport } from "./evidence.js";
export type { Facts } from "./facts.js";
export type { Missing, MissingKind } from "./missing.js";
export type { Note } from "./notes.js";
export { parseReply, REPLY_ROUTE_PREFIX, type StatusReply } from "./reply.js";
export { checkAgainstSchema, parseSchemaDocument, type SchemaDocument, saidifySchema } from "./schema.js";
export type { CredentialStatus } from "./status.js";
export { type EvidenceKind, MemoryStorage, SqliteStorage, type Storage } from "./storage.js";
export { type EscrowEntry, EvidenceStore } from "./store.js";
export { type CredentialEvent, parseTelEvent, type TelEvent, type TelIlk } from "./tel.js";
export {
  compareInstants,
  DAY_MS,
  formatInstant,
  type Instant,
  issuanceCounts,
  parseInstant,
  parseResolution,
  parseValidOn,
  revocationCounts,
  windowOf,
} from "./time.js";
export {
  type EdgeVerdict,
  type LinkStatus,
  type LinkVerdict,
  type ValidateOptions,
  Validator,
  type Verdict,
} from "./validate.js";
