// @chronoseal/keri: CESR primitives and streams, SAIDs, and key event logs as KERI has them.
export * from "./cesr/attachments.js";
export * from "./cesr/b64.js";
export * from "./cesr/codes.js";
export * from "./cesr/counter.js";
export * from "./cesr/indexer.js";
export * from "./cesr/matter.js";
export * from "./cesr/stream.js";
export * from "./cesr/version.js";
export * from "./digest.js";
export * from "./errors.js";
export * from "./said.js";
