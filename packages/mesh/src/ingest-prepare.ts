// The expensive half of an ingest, done away from the node's event loop (ingest-worker.ts) or,
// without a worker, in slices that yield between them: decode and parse the body, check it
// against the schema, count its entries (more than the cap: 413), compute the ids and verify
// every writer signature and attestation. The checks are the state's own: the body is ingested
// into a scratch NetworkState seeded with the receiving state's current settings, so what
// passes here is exactly what ingest would accept. What comes back is only what passed, in
// chunks, with the verdicts, so the node's state takes each chunk without verifying anything
// again (NetworkState.ingest with `ids` and `verified`), and with the rejections counted.
import {
  DEFAULT_MAX_SIGNATURES,
  parseJson,
  type SignatureEntry,
  type SignatureMap,
  verifySignatureMaps,
} from "@chronoseal/core";
import { ATTESTATION, type MeshEntry } from "./entries.js";
import { checkDataJson } from "./schema.js";
import { type IngestReport, NetworkState, type VerifiedSignature } from "./state.js";

export interface PrepareRequest {
  network: string;
  /** The request body as received (UTF-8 JSON). */
  body: Uint8Array;
  /** `data`: a data.json (a peer's push); `entries`: an array of signed entries (a write). */
  shape: "data" | "entries";
  /** Most entries accepted in one request (more: 413 ERR_TOO_MANY_ENTRIES). */
  maxEntries: number;
  /** The receiving state's current settings entry (who may write, who attests). */
  settings?: MeshEntry | undefined;
  /** Entries per slice of verification and per chunk handed back (default 1000). */
  sliceSize?: number;
}

export interface PreparedChunk {
  entries: MeshEntry[];
  ids: string[];
  attestations: Record<string, SignatureMap>;
  /** Verdicts of the valid signatures in this chunk (signature → what was verified). */
  verified: [string, VerifiedSignature][];
}

export type PrepareResult =
  | { ok: true; chunks: PreparedChunk[]; report: IngestReport; entries: number }
  | { ok: false; status: 400 | 413; code: string; error: string };

const utf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });
const fail = (status: 400 | 413, code: string, error: string): PrepareResult => ({
  ok: false,
  status,
  code,
  error,
});

function add(into: Record<string, number | undefined>, from: Record<string, number | undefined> = {}) {
  for (const [k, n] of Object.entries(from)) if (n) into[k] = (into[k] ?? 0) + n;
}

/**
 * Checks and verifies a body. `pause` is awaited between slices (the inline path passes a
 * setImmediate, so the event loop keeps serving; a worker passes nothing).
 */
export async function prepareIngest(
  req: PrepareRequest,
  pause: () => Promise<void> = async () => {},
): Promise<PrepareResult> {
  let text: string;
  try {
    text = utf8.decode(req.body);
  } catch {
    return fail(400, "ERR_ENCODING", "body is not valid UTF-8");
  }
  if (text === "") return fail(400, "ERR_JSON", "empty body: expected JSON");
  let value: unknown;
  try {
    value = parseJson(text);
  } catch (e) {
    return fail(400, "ERR_JSON", (e as Error).message);
  }
  text = "";
  if (req.shape === "entries") {
    if (!Array.isArray(value)) return fail(400, "ERR_MALFORMED", "expected an array of signed entries");
    value = { version: 1, network: req.network, entries: value, attestations: {} };
  }
  // The cap is checked before the schema, so an oversized request costs no validation.
  const count = (value as { entries?: unknown })?.entries;
  if (Array.isArray(count) && count.length > req.maxEntries)
    return fail(
      413,
      "ERR_TOO_MANY_ENTRIES",
      `${count.length} entries: at most ${req.maxEntries} per request`,
    );
  let data: ReturnType<typeof checkDataJson>;
  try {
    data = checkDataJson(value);
  } catch (e) {
    return fail(400, "ERR_MALFORMED", (e as Error).message);
  }
  if (data.network !== req.network) return fail(400, "ERR_NETWORK", "network mismatch");
  value = undefined;

  const verified = new Map<string, VerifiedSignature>();
  const scratch = new NetworkState(req.network, { verified });
  if (req.settings) scratch.ingest([req.settings]);
  const seeded = new Set(scratch.entries.keys());
  const report: IngestReport = { added: 0, attestationsAdded: 0, rejected: {}, rejectedAttestations: {} };
  const size = req.sliceSize ?? 1000;
  // Settings first (who may write depends on them), then the rest in slices.
  const entries = [...data.entries].sort(
    (a, b) => Number(b.kind === "settings") - Number(a.kind === "settings"),
  );
  for (let i = 0; i < entries.length; i += size) {
    if (i > 0) await pause();
    const r = scratch.ingest(entries.slice(i, i + size));
    add(report.rejected, r.rejected);
  }
  // Attestations: of entries in the body through the scratch state; of others (entries the
  // receiving node may hold) verified here, by the current attestors only.
  const attestors = new Set(scratch.settings()?.attestors ?? []);
  const held: Record<string, unknown> = {};
  const loose: { id: string; key: string; entry: SignatureEntry }[] = [];
  let untrusted = 0;
  let malformed = 0;
  for (const [id, map] of Object.entries(data.attestations)) {
    if (scratch.entries.has(id)) {
      held[id] = map;
      continue;
    }
    if (map === null || typeof map !== "object" || Object.keys(map).length > DEFAULT_MAX_SIGNATURES) {
      malformed++;
      continue;
    }
    for (const [key, entry] of Object.entries(map)) {
      if (attestors.has(key)) loose.push({ id, key, entry });
      else untrusted++;
    }
  }
  const ids = Object.keys(held);
  for (let i = 0; i < ids.length; i += size) {
    await pause();
    const part: Record<string, unknown> = {};
    for (const id of ids.slice(i, i + size)) part[id] = held[id];
    add(report.rejectedAttestations!, scratch.ingest([], part).rejectedAttestations);
  }
  const looseOk: Record<string, SignatureMap> = {};
  for (let i = 0; i < loose.length; i += size) {
    await pause();
    const part = loose.slice(i, i + size);
    const verdicts = verifySignatureMaps(
      part.map((c) => ({ hash: c.id, signatures: { [c.key]: c.entry } })),
      { trusted: attestors, context: ATTESTATION, now: Number.MAX_SAFE_INTEGER - 1 },
    );
    part.forEach((c, j) => {
      const v = verdicts[j]!.valid[0];
      if (v === undefined || v.key !== c.key) {
        report.rejectedAttestations!["invalid-signature"] =
          (report.rejectedAttestations!["invalid-signature"] ?? 0) + 1;
        return;
      }
      looseOk[c.id] = { ...looseOk[c.id], [c.key]: c.entry };
      verified.set(c.entry.signature, {
        context: ATTESTATION,
        hash: c.id,
        key: c.key,
        signed_at: c.entry.signed_at,
        entryContext: c.entry.context,
        signedAt: v.signedAt,
      });
    });
  }
  if (untrusted)
    report.rejectedAttestations!.untrusted = (report.rejectedAttestations!.untrusted ?? 0) + untrusted;
  if (malformed)
    report.rejectedAttestations!.malformed = (report.rejectedAttestations!.malformed ?? 0) + malformed;
  if (Object.keys(report.rejectedAttestations!).length === 0) delete report.rejectedAttestations;

  // What passed, in chunks: settings first, each entry with its attestations and verdicts.
  const passed = [...scratch.entries].filter(([id]) => !seeded.has(id));
  passed.sort(([, a], [, b]) => Number(b.kind === "settings") - Number(a.kind === "settings"));
  const chunks: PreparedChunk[] = [];
  const sigsOf = (map: SignatureMap | undefined, out: [string, VerifiedSignature][]) => {
    for (const s of Object.values(map ?? {})) {
      const v = verified.get(s.signature);
      if (v) out.push([s.signature, v]);
    }
  };
  for (let i = 0; i < passed.length; i += size) {
    const chunk: PreparedChunk = { entries: [], ids: [], attestations: {}, verified: [] };
    for (const [id, e] of passed.slice(i, i + size)) {
      chunk.entries.push(e);
      chunk.ids.push(id);
      const w = (e.signatures as SignatureMap)[e.writer];
      const v = w ? verified.get(w.signature) : undefined;
      if (w && v) chunk.verified.push([w.signature, v]);
      const att = scratch.attestations.get(id);
      if (att && Object.keys(att).length) {
        chunk.attestations[id] = att;
        sigsOf(att, chunk.verified);
      }
    }
    chunks.push(chunk);
  }
  if (Object.keys(looseOk).length) {
    const chunk: PreparedChunk = { entries: [], ids: [], attestations: looseOk, verified: [] };
    for (const map of Object.values(looseOk)) sigsOf(map, chunk.verified);
    chunks.push(chunk);
  }
  return { ok: true, chunks, report, entries: data.entries.length };
}
