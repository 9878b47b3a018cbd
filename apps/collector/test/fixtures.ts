// What the collector's process tests share beyond @chronoseal/testkit: the built executable, a
// signed first entry of a chain, and a POST of entries.
import { fileURLToPath } from "node:url";
import { formatTimestamp, type KeyPair, signDocument } from "@chronoseal/core";

export const main = fileURLToPath(new URL("../dist/main.js", import.meta.url));

/** A first entry (seq 0) of chain `<door>/<period>`, signed by `key` under the lock-entry rule. */
export function firstEntry(door: string, period: string, key: KeyPair): Record<string, unknown> {
  const at = Date.UTC(2025, 0, 6);
  return signDocument(
    {
      v: 1,
      chain: `${door}/${period}`,
      seq: 0,
      prev: "",
      door,
      time: formatTimestamp(at),
      event: "chain-opened",
    },
    { secretKey: key.secretKey, context: "lock-entry", signedAt: at },
  ) as Record<string, unknown>;
}

export async function post(
  base: string,
  entries: unknown[],
): Promise<{ status: number; body: Record<string, unknown> }> {
  const r = await fetch(`${base}/v1/entries`, { method: "POST", body: JSON.stringify(entries) });
  return { status: r.status, body: (await r.json()) as Record<string, unknown> };
}
