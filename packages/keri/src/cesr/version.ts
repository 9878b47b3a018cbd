// Version strings of KERI/ACDC message bodies (CESR version 1): "KERI10JSON00012b_" is protocol,
// major and minor version (hex digits), serialization kind, and the body size in bytes as six
// lowercase hex digits, ending in "_". The size makes a stream self-framing.
import { CesrError } from "../errors.js";

export interface VersionString {
  readonly protocol: "KERI" | "ACDC";
  readonly major: number;
  readonly minor: number;
  readonly kind: "JSON";
  /** Size of the whole serialized body in bytes. */
  readonly size: number;
}

export const VERSION_STRING_LENGTH = 17;
const V1 = /^([A-Z]{4})([0-9a-f])([0-9a-f])([A-Z]{4})([0-9a-f]{6})_$/;
const V2 = /^[A-Z]{4}[0-9A-Za-z_-]{3}[0-9A-Za-z_-]{3}[A-Z]{4}[0-9A-Za-z_-]{4}\.$/;

/** Parses a version string; `offset` locates it in a stream for error messages. */
export function parseVersionString(vs: string, offset = 0): VersionString {
  if (typeof vs !== "string") throw new TypeError(`version string: expected string, got ${typeof vs}`);
  const m = V1.exec(vs);
  if (!m) {
    if (V2.test(vs))
      throw new CesrError(
        "ERR_CESR_VERSION",
        `CESR version 2 message ${JSON.stringify(vs)} is not supported`,
        offset,
      );
    throw new CesrError(
      "ERR_CESR_VERSION",
      `malformed version string ${JSON.stringify(vs.slice(0, 24))}`,
      offset,
    );
  }
  const [, protocol, major, minor, kind, size] = m as unknown as [
    string,
    string,
    string,
    string,
    string,
    string,
  ];
  if (protocol !== "KERI" && protocol !== "ACDC") {
    throw new CesrError("ERR_CESR_VERSION", `unknown protocol ${protocol} in version string`, offset);
  }
  if (major !== "1")
    throw new CesrError("ERR_CESR_VERSION", `unsupported ${protocol} major version ${major}`, offset);
  if (kind !== "JSON") {
    const known = kind === "CBOR" || kind === "MGPK" || kind === "CESR";
    throw new CesrError(
      "ERR_CESR_VERSION",
      `${known ? "unsupported" : "unknown"} serialization kind ${kind}`,
      offset,
    );
  }
  return {
    protocol,
    major: 1,
    minor: Number.parseInt(minor, 16),
    kind: "JSON",
    size: Number.parseInt(size, 16),
  };
}

/** Formats a version-1 JSON version string. */
export function formatVersionString(protocol: "KERI" | "ACDC", size: number, minor = 0): string {
  if (!Number.isSafeInteger(size) || size < 0 || size > 0xffffff)
    throw new RangeError(`body size ${size} out of range [0, 16777215]`);
  if (!Number.isSafeInteger(minor) || minor < 0 || minor > 15)
    throw new RangeError(`minor version ${minor} out of range [0, 15]`);
  return `${protocol}1${minor.toString(16)}JSON${size.toString(16).padStart(6, "0")}_`;
}
