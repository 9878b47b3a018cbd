// Validity: validations per second of a 4-link vLEI-shaped chain (root → QVI → LE → ECR → …,
// I2I edges) whose four issuers each have 100 events in their key event logs (interactions,
// a rotation every 20, the registry and issuance anchors), over real KERI/ACDC evidence.
// - ingest: a new store imports the whole evidence (parse, SAIDs, one verifyBatch for all 400
//   KEL signatures, KEL replay) and validates once — what a verifier pays when evidence arrives;
// - cold: a fresh Validator over the ingested store — every credential's facts (ACDC fields,
//   schema check with ajv, TEL resolution and anchors, replies) computed from scratch;
// - warm: the store's Validator with its facts cached — the windowed judgement of the chain at
//   T, cycling through four T's (verdicts are never cached).
// Targets from issue 15: warm ≥ 20,000/s, cold ≥ 1,000/s.
import { init, sha256 } from "@chronoseal/core";
import { EvidenceStore, KeriController, saidifySchema, Validator } from "@chronoseal/validity";
import { inRounds, measure, quick, ratio, type SuiteResult } from "../harness.js";

const DAY = 86_400_000;
const utf8 = new TextEncoder();

function buildEvidence(): {
  parts: Uint8Array[];
  leaf: string;
  root: string;
  schema: Record<string, unknown>;
} {
  const t = (d: number) => Date.UTC(2025, 0, 1) + d * DAY;
  const schema = saidifySchema({
    $schema: "http://json-schema.org/draft-07/schema#",
    title: "bench credential",
    type: "object",
    properties: {
      a: { type: "object", properties: { dt: { type: "string", format: "date-time" } }, required: ["dt"] },
    },
    required: ["v", "d", "i", "ri", "s", "a"],
  });
  const ctl = [0, 1, 2, 3, 4].map((i) =>
    KeriController.incept({ seed: sha256(utf8.encode(`bench-validity-${i}`)) }),
  );
  const parts: Uint8Array[] = ctl.map((c) => c.message);
  let parent: string | undefined;
  for (let i = 0; i < 4; i++) {
    const issuer = (ctl[i] as (typeof ctl)[number]).controller;
    // 100 events: inception, 97 padding events (a rotation every 20), registry and issuance anchors.
    for (let k = 1; k <= 97; k++) {
      if (k % 20 === 0) parts.push(issuer.rotate());
      else parts.push(issuer.interact([{ i: issuer.prefix, s: "0", d: issuer.prefix }]).message);
    }
    const issued = issuer.issue({
      schema: schema.said,
      issuee: (ctl[i + 1] as (typeof ctl)[number]).controller.prefix,
      dt: t(2 + i),
      attributes: { LEI: `50670${i}GE1G29325QX363` },
      ...(parent ? { edges: { up: { n: parent, o: "I2I" } } } : {}),
    });
    if (issuer.sn !== 99n) throw new Error(`bench: issuer ${i} has ${issuer.sn + 1n} events, expected 100`);
    parts.push(...issued.messages);
    parent = issued.said;
  }
  return {
    parts,
    leaf: parent as string,
    root: (ctl[0] as (typeof ctl)[number]).controller.prefix,
    schema: schema.doc,
  };
}

export async function validitySuite(): Promise<SuiteResult> {
  await init();
  const { parts, leaf, root, schema } = buildEvidence();
  const stream = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    stream.set(p, at);
    at += p.length;
  }
  const Ts = [35, 40, 45, 50].map((d) => Date.UTC(2025, 0, 1) + d * DAY);
  const opts = (validOn: number) => ({ validOn, resolution: DAY, trustedRoots: [root] });
  const store = new EvidenceStore();
  store.import(schema);
  store.import(stream);
  for (const T of Ts) {
    const v = store.validate(leaf, opts(T));
    if (!v.valid || v.links.length !== 4)
      throw new Error(`bench: unexpected verdict ${v.status}: ${v.reason}`);
  }
  const kelEvents = store.evidence.kel.length;
  const ingest = await measure(
    "4-link chain, 100 events per KEL",
    "ingest (new store, import, validate)",
    () => {
      const s = new EvidenceStore();
      s.import(schema);
      s.import(stream);
      if (!s.validate(leaf, opts(Ts[0] as number)).valid) throw new Error("bench: ingest verdict");
    },
    { unit: "validation", time: quick ? 300 : 2000 },
  );
  let i = 0;
  const [cold, warm] = await inRounds(
    "4-link chain, 100 events per KEL",
    { unit: "validation", time: quick ? 200 : 1000 },
    [
      [
        "validate (cold: fresh Validator)",
        () => new Validator(store.evidence).validate(leaf, opts(Ts[i++ & 3] as number)),
      ],
      ["validate (warm: facts cached)", () => store.validate(leaf, opts(Ts[i++ & 3] as number))],
    ] as const,
  );
  const met = (rate: number, target: number) => (rate >= target ? "met" : "NOT met");
  return {
    suite: "validity",
    measurements: [ingest, cold, warm],
    ratios: [ratio("warm vs cold", warm, cold), ratio("cold vs ingest", cold, ingest)],
    notes: [
      `Targets (issue 15): warm ≥ 20,000 validations/s — ${met(warm.unitsPerSec, 20_000)} (${Math.round(warm.unitsPerSec).toLocaleString("en-US")}/s); cold ≥ 1,000/s — ${met(cold.unitsPerSec, 1_000)} (${Math.round(cold.unitsPerSec).toLocaleString("en-US")}/s).`,
      `Evidence: ${kelEvents} key events (4 issuers × 100, plus the holder's inception), 4 registries, 4 credentials with their iss events, one schema; ingest verifies every KEL signature in one verifyBatch call.`,
      "Cold and warm run in alternating rounds in one process; a shared machine moves absolute rates, not the ratio.",
    ],
  };
}
