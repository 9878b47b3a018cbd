// Anchors in the mesh: an AnchorSink and AnchorSource backed by meshd sections. Each anchor note
// becomes a record of the append-only `lock-anchors` section (key: the note's hash, value:
// { door, note }) signed by the device key, which the network's admin lists among the section's
// writers; device keys are registered as records `device:<door>` → { door, key }. Heads go to the
// `lock-heads` section (policy latest-per-writer: the mesh keeps only each lock's newest), key
// `head:<door>`. Every mesh node then holds every lock's anchors, attested by the network's
// attestors (so their arrival time is trusted too), and an auditor reads them from any node —
// verified locally (mesh-read.ts), not taken on the node's word. A failed publication throws; the
// agent keeps the note and offers it again.
import type { KeyPair } from "@chronoseal/core";
import { toBase64 } from "@chronoseal/core";
import { type MeshEntry, signEntry } from "@chronoseal/mesh";
import { type AnchorSink, type AnchorSource, anchorHash } from "./anchors.js";
import {
  ANCHOR_SECTION,
  HEAD_SECTION,
  MeshAnchorError,
  type MeshAnchorView,
  readMeshAnchors,
} from "./mesh-read.js";

export interface MeshAnchorsOptions {
  /** Base URLs of mesh nodes (meshd); tried in order until one accepts. */
  nodes: string[];
  /** The network (its admin public key, base64). */
  network: string;
  /** Section name (default `lock-anchors`; its policy should be append-only). */
  section?: string;
  /** Section of the heads (default `lock-heads`; its policy should be latest-per-writer). */
  headSection?: string;
  /** The device key that signs the records (needed to publish, not to read). */
  keyPair?: KeyPair;
  /** Clock for the records' last_updated (default Date.now). */
  now?: () => number;
  /** Per-request timeout (default 5000 ms). */
  timeoutMs?: number;
}

interface SectionAnswer {
  records: { id: string; key: string; value: unknown; writer: string; time?: string }[];
}

export class MeshAnchors implements AnchorSink, AnchorSource {
  private readonly section: string;
  constructor(private readonly o: MeshAnchorsOptions) {
    if (o.nodes.length === 0) throw new MeshAnchorError("nodes: at least one mesh node URL is needed");
    this.section = o.section ?? ANCHOR_SECTION;
  }

  private record(key: string, value: unknown, section = this.section, at?: number): MeshEntry {
    const kp = this.o.keyPair;
    if (!kp) throw new MeshAnchorError("keyPair: a device key is needed to publish");
    const now = at ?? (this.o.now ?? Date.now)();
    return signEntry(
      {
        kind: "record",
        network: this.o.network,
        writer: toBase64(kp.publicKey),
        last_updated: new Date(now).toISOString(),
        section,
        key,
        value,
      },
      kp.secretKey,
      now,
    );
  }

  private lastHeadAt = 0;

  /**
   * Publishes a head as the lock's one record of the heads section: a newer one replaces it in
   * the mesh (last_updated strictly increases per publisher, even when the clock stalls).
   */
  async publishHead(note: string): Promise<void> {
    await this.flushRegistration();
    const door = /^— (\S+) /m.exec(note)?.[1] ?? "";
    const chain = note.slice(0, note.indexOf("\n")).replace(/^chronoseal-lock\//, "");
    const at = Math.max((this.o.now ?? Date.now)(), this.lastHeadAt + 1);
    this.lastHeadAt = at;
    await this.send(
      this.record(`head:${door}`, { door, chain, note }, this.o.headSection ?? HEAD_SECTION, at),
    );
  }

  private async send(entry: MeshEntry): Promise<void> {
    const errors: string[] = [];
    for (const node of this.o.nodes) {
      try {
        const r = await fetch(
          `${node.replace(/\/$/, "")}/v1/networks/${encodeURIComponent(this.o.network)}/entries`,
          {
            method: "POST",
            body: JSON.stringify([entry]),
            signal: AbortSignal.timeout(this.o.timeoutMs ?? 5000),
          },
        );
        if (r.ok) return;
        const body = await r.text();
        // 422: the node refused the record itself (e.g. the key is not a writer of the section).
        if (r.status === 422) throw new MeshAnchorError(`${node} refused the record: ${body}`);
        errors.push(`${node}: HTTP ${r.status} ${body}`);
      } catch (e) {
        if (e instanceof MeshAnchorError) throw e;
        errors.push(`${node}: ${String(e)}`);
      }
    }
    throw new MeshAnchorError(`no mesh node accepted the record (${errors.join("; ")})`);
  }

  async publish(note: string): Promise<void> {
    await this.flushRegistration();
    const door = /^— (\S+) /m.exec(note)?.[1];
    await this.send(this.record(anchorHash(note), { ...(door ? { door } : {}), note }));
  }

  private registration: MeshEntry | undefined;

  /**
   * Registers the device key. A lock must be able to start while the mesh is unreachable, so a
   * failed registration is kept and sent before the next anchor instead of failing the start.
   */
  async register(door: string, publicKey: string): Promise<void> {
    this.registration = this.record(`device:${door}`, { door, key: publicKey });
    await this.flushRegistration().catch(() => undefined);
  }

  private async flushRegistration(): Promise<void> {
    if (!this.registration) return;
    await this.send(this.registration);
    this.registration = undefined;
  }

  /** A section's records as a mesh node serves them — the node's word (for monitoring). */
  async records(section = this.section): Promise<SectionAnswer["records"]> {
    const errors: string[] = [];
    for (const node of this.o.nodes) {
      try {
        const r = await fetch(
          `${node.replace(/\/$/, "")}/v1/networks/${encodeURIComponent(this.o.network)}/sections/${encodeURIComponent(section)}`,
          { signal: AbortSignal.timeout(this.o.timeoutMs ?? 5000) },
        );
        if (!r.ok) throw new Error(`HTTP ${r.status}`);
        return ((await r.json()) as SectionAnswer).records;
      } catch (e) {
        errors.push(`${node}: ${String(e)}`);
      }
    }
    throw new MeshAnchorError(`no mesh node answered (${errors.join("; ")})`);
  }

  /**
   * Anchors, heads and device keys, verified locally from the state of the first node that
   * answers (see mesh-read.ts), with each note's earliest trusted attestation.
   */
  view(): Promise<MeshAnchorView> {
    return readMeshAnchors({
      nodes: this.o.nodes,
      network: this.o.network,
      section: this.section,
      ...(this.o.headSection ? { headSection: this.o.headSection } : {}),
    });
  }

  /**
   * Every anchor and head note of the sections, as a node serves them: cheap, and safe to take
   * from any node, since the auditor verifies each note with the door's device key (a node can
   * only withhold notes, as it could withhold them from its state). Attested times and device
   * keys are another matter: see view() and devices().
   */
  async notes(): Promise<string[]> {
    const out: string[] = [];
    for (const section of [this.section, this.o.headSection ?? HEAD_SECTION])
      for (const r of await this.records(section)) {
        const v = r.value as { note?: unknown };
        if (!r.key.startsWith("device:") && typeof v?.note === "string") out.push(v.note);
      }
    return out;
  }

  /** Device keys by door: each door's earliest attested registration (see mesh-read.ts). */
  async devices(): Promise<Map<string, string>> {
    return (await this.view()).devices;
  }
}
