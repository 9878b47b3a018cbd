// Public API of the jcs area: RFC 8785 canonicalization and strict I-JSON parsing.
export {
  type CanonicalizationCode,
  CanonicalizationError,
  type CanonicalizeOptions,
  canonicalize,
  DEFAULT_MAX_DEPTH,
} from "./canonicalize.js";
export { JsonParseError, type ParseJsonOptions, parseJson } from "./parse.js";
