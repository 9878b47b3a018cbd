// A cache of Ed25519 verdicts in front of core's strict verifyBatch. A verdict is a pure
// function of (key, message, signature), so it may be reused for as long as the message bytes
// are the same object (the store keeps each parsed message for its lifetime); unknown items go
// to ONE verifyBatch call per batch, as KERI replay requires.
import { type VerifyItem, verifyBatch } from "@chronoseal/core";
import type { BatchVerifier } from "@chronoseal/keri";

function itemKey(item: VerifyItem): string {
  return Buffer.from(item.publicKey).toString("latin1") + Buffer.from(item.signature).toString("latin1");
}

export class VerdictCache {
  private readonly byMessage = new WeakMap<Uint8Array, Map<string, boolean>>();
  /** verifyBatch calls made (for tests and benchmarks). */
  batches = 0;
  /** Signatures verified (not answered from the cache). */
  verified = 0;

  readonly verify: BatchVerifier = (items) => {
    const out = new Array<boolean>(items.length);
    const todo: VerifyItem[] = [];
    const where: number[] = [];
    items.forEach((item, i) => {
      const hit = this.byMessage.get(item.message)?.get(itemKey(item));
      if (hit === undefined) {
        todo.push(item);
        where.push(i);
      } else out[i] = hit;
    });
    if (todo.length > 0) {
      this.batches++;
      this.verified += todo.length;
      const verdicts = verifyBatch(todo, { mode: "strict" });
      todo.forEach((item, j) => {
        const ok = verdicts[j] === true;
        out[where[j] as number] = ok;
        let m = this.byMessage.get(item.message);
        if (!m) {
          m = new Map();
          this.byMessage.set(item.message, m);
        }
        m.set(itemKey(item), ok);
      });
    }
    return out;
  };
}
