// Collector configuration (JSON file): where to listen, where to store, which devices exist.
import { readFileSync } from "node:fs";
import { parseJson } from "@chronoseal/core";

export interface CollectorConfig {
  /** host:port (default 127.0.0.1:7440). */
  listen: string;
  storage: { type: "sqlite"; path: string } | { type: "postgres"; url: string };
  /** door → base64 device public key. */
  devices: Record<string, string>;
}

export function loadConfig(path: string): CollectorConfig {
  const raw = parseJson(readFileSync(path, "utf8")) as Partial<CollectorConfig>;
  const listen = raw.listen ?? "127.0.0.1:7440";
  if (!/^[^:]+:\d+$/.test(listen)) throw new Error(`config ${path}: listen must be host:port`);
  const s = raw.storage;
  if (
    !s ||
    (s.type === "sqlite" && typeof s.path !== "string") ||
    (s.type === "postgres" && typeof s.url !== "string") ||
    (s.type !== "sqlite" && s.type !== "postgres")
  ) {
    throw new Error(
      `config ${path}: storage must be { "type": "sqlite", "path" } or { "type": "postgres", "url" }`,
    );
  }
  if (!raw.devices || typeof raw.devices !== "object")
    throw new Error(`config ${path}: devices must map doors to base64 public keys`);
  return { listen, storage: s, devices: raw.devices };
}
