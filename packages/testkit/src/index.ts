// @chronoseal/testkit (private, not published): what the apps' end-to-end tests share.
export { write } from "./files.js";
export { describeDaemonFlags, type FlagsSuite } from "./flags.js";
export { freePort } from "./port.js";
export { LoggedProcess, type LoggedProcessOptions, type LogLine } from "./process.js";
export {
  describeVectors,
  readVector,
  readVectorJson,
  VLEI_STREAMS,
  vectorPath,
  vectorsDir,
  vleiStream,
} from "./vectors.js";
