// Store helpers for tests: import pieces in a given order, validate with the chain's root.
import { EvidenceStore, type Verdict } from "../src/index.js";
import { type Chain, DAY } from "./fixture.js";

export function storeOf(...pieces: (Uint8Array | Record<string, unknown>[])[]): EvidenceStore {
  const store = new EvidenceStore();
  for (const p of pieces) {
    const r = store.import(p);
    const bad = r.items.find((i) => i.status === "rejected");
    if (bad) throw new Error(`rejected: ${bad.reason}`);
  }
  return store;
}

export function chainStore(chain: Chain, extra: Uint8Array[] = []): EvidenceStore {
  return storeOf(chain.schemas, ...chain.messages, ...extra);
}

export function verdict(chain: Chain, extra: Uint8Array[], validOn: number, said = chain.ecrCred): Verdict {
  return chainStore(chain, extra).validate(said, {
    validOn,
    resolution: DAY,
    trustedRoots: [chain.root.prefix],
  });
}

export function linkStatus(v: Verdict, said: string): string | undefined {
  return v.links.find((l) => l.credential === said)?.status;
}
