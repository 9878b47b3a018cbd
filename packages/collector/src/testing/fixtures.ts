// Signed entry chains for storage and collector tests (made with the lock package's own functions).
import { formatTimestamp, initKeys, type KeyPair, keyPairFromSeed, toBase64 } from "@chronoseal/core";
import { entryHash, type LockEntry, signEntry } from "@chronoseal/lock";

export interface Device {
  door: string;
  keyPair: KeyPair;
  publicKey: string;
}

export async function device(door: string, seed: number): Promise<Device> {
  await initKeys();
  const keyPair = keyPairFromSeed(new Uint8Array(32).fill(seed));
  return { door, keyPair, publicKey: toBase64(keyPair.publicKey) };
}

const USER = "WgkOAAHXvvNvbwsXgUgbdcEKbtiu37eaTbSl2vIHpB0=";

/** n entries of a chain, one a second, starting after `from`. */
export function chain(
  d: Device,
  n: number,
  period = "2025-01",
  from: { seq: number; prev: string } = { seq: 0, prev: "" },
): LockEntry[] {
  const out: LockEntry[] = [];
  let prev = from.prev;
  const t0 = Date.UTC(2025, 0, 6, 8);
  for (let seq = from.seq; seq < from.seq + n; seq++) {
    const time = t0 + seq * 1000;
    const e = signEntry(
      {
        v: 1,
        chain: `${d.door}/${period}`,
        seq,
        prev,
        door: d.door,
        time: formatTimestamp(time),
        event: seq === 0 ? "chain-opened" : "opened",
        ...(seq ? { user: USER } : {}),
      },
      d.keyPair.secretKey,
      time,
    );
    out.push(e);
    prev = entryHash(e);
  }
  return out;
}

export function unsigned(e: LockEntry): LockEntry {
  const { signatures: _s, ...rest } = e;
  return rest;
}
