// Validity: validations per second of a 4-link delegation chain whose issuers each have 100
// events in their key event logs; cold (fresh store: every signature verified, in one batch)
// and warm (verified signatures and replayed logs cached).
import { initKeys } from "@chronoseal/core";
import { Controller, type Evidence, EvidenceStore } from "@chronoseal/validity";
import { measure, ratio, type SuiteResult } from "../harness.js";

const DAY = 86_400_000;

export async function validitySuite(): Promise<SuiteResult> {
  await initKeys();
  const t = (d: number) => Date.UTC(2025, 0, 1) + d * DAY;
  const ctl = [0, 1, 2, 3, 4].map(() => Controller.incept({ signedAt: t(0) }));
  const evidence: Evidence[] = [];
  let parent: string | undefined;
  for (let i = 0; i < 4; i++) {
    const issuer = ctl[i]!;
    // Pad each issuer's log to 100 events: interactions, with a rotation every 20.
    for (let k = 1; issuer.events.length < 98; k++) {
      if (k % 20 === 0) issuer.rotate(t(1));
      else issuer.interact([{ i: `Eseal-${i}-${k}`, s: 0, d: `Edigest-${i}-${k}` }], t(1));
    }
    const issued = issuer.issue({
      issuee: ctl[i + 1]!.aid,
      schema: `Eschema${i}`,
      dt: t(2 + i),
      ...(parent ? { edges: { up: { n: parent, o: "I2I" as const } } } : {}),
    });
    evidence.push(issued.credential, issued.iss);
    parent = issued.credential.d;
  }
  for (const c of ctl) evidence.push(...c.events);
  const leaf = parent!;
  const opts = { validOn: t(30), resolution: DAY, trustedRoots: [ctl[0]!.aid] };
  const sigCount = evidence.reduce((n, e) => n + Object.keys(e.signatures ?? {}).length, 0);

  const cold = await measure(
    "4-link chain, 100 events per log",
    "validate (cold: new store)",
    () => {
      const store = new EvidenceStore();
      store.addAll(evidence);
      const v = store.validate(leaf, opts);
      if (!v.valid) throw new Error(`unexpected verdict ${v.status}: ${v.reason}`);
      store.close();
    },
    { unit: "validation", time: 3000 },
  );
  const store = new EvidenceStore();
  store.addAll(evidence);
  store.validate(leaf, opts);
  const batchesBefore = store.context.signatures.batches;
  const warm = await measure(
    "4-link chain, 100 events per log",
    "validate (warm)",
    () => {
      store.validate(leaf, opts);
    },
    { unit: "validation", time: 2000 },
  );
  const coldStore = new EvidenceStore();
  coldStore.addAll(evidence);
  coldStore.validate(leaf, opts);
  return {
    suite: "validity",
    measurements: [cold, warm],
    ratios: [ratio("warm vs cold", warm, cold)],
    notes: [
      `Warm target: ≥ 5,000 validations/s; measured ${Math.round(warm.unitsPerSec).toLocaleString("en-US")}/s.`,
      `A cold validation checks ${sigCount} signatures with ${coldStore.context.signatures.batches} verifyBatch call(s); warm validations made ${store.context.signatures.batches - batchesBefore} calls.`,
    ],
  };
}
