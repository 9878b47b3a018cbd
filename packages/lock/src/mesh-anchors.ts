// Anchors in the mesh: an AnchorSink and AnchorSource backed by a meshd's append-only section.
// Each anchor note becomes a section record (key: the note's hash, value: { door, note }) signed
// by the device key, which the network's admin lists among the section's writers; device keys are
// registered as records `device:<door>` → { door, key }. Every mesh node then holds every lock's
// anchors, attested by the network's attestors (so their arrival time is trusted too), and an
// auditor reads them from any node. A failed publication throws; the agent keeps the note and
// offers it again (records are idempotent: the same note is the same record).
import { ChronosealError, type KeyPair, toBase64 } from "@chronoseal/core";
import { type MeshEntry, signEntry } from "@chronoseal/mesh";
import { type AnchorSink, type AnchorSource, anchorHash } from "./anchors.js";

export const ANCHOR_SECTION = "lock-anchors";

export class MeshAnchorError extends ChronosealError {
  constructor(message: string) {
    super("ERR_LOCK_MESH_ANCHORS", message);
    this.name = "MeshAnchorError";
  }
}

export interface MeshAnchorsOptions {
  /** Base URLs of mesh nodes (meshd); tried in order until one accepts. */
  nodes: string[];
  /** The network (its admin public key, base64). */
  network: string;
  /** Section name (default `lock-anchors`; its policy should be append-only). */
  section?: string;
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

  private record(key: string, value: unknown): MeshEntry {
    const kp = this.o.keyPair;
    if (!kp) throw new MeshAnchorError("keyPair: a device key is needed to publish");
    const now = (this.o.now ?? Date.now)();
    return signEntry(
      {
        kind: "record",
        network: this.o.network,
        writer: toBase64(kp.publicKey),
        last_updated: new Date(now).toISOString(),
        section: this.section,
        key,
        value,
      },
      kp.secretKey,
      now,
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

  /** The section's records as a mesh node serves them (attested time when attested). */
  async records(): Promise<SectionAnswer["records"]> {
    const errors: string[] = [];
    for (const node of this.o.nodes) {
      try {
        const r = await fetch(
          `${node.replace(/\/$/, "")}/v1/networks/${encodeURIComponent(this.o.network)}/sections/${encodeURIComponent(this.section)}`,
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

  /** Every anchor note in the section, in attested order (pending ones last). */
  async notes(): Promise<string[]> {
    const out: string[] = [];
    for (const r of await this.records()) {
      const v = r.value as { note?: unknown };
      if (!r.key.startsWith("device:") && typeof v?.note === "string") out.push(v.note);
    }
    return out;
  }

  /**
   * Device keys by door: the earliest attested registration of a door wins, and only one whose
   * record is signed by the key it registers.
   */
  async devices(): Promise<Map<string, string>> {
    const out = new Map<string, string>();
    for (const r of await this.records()) {
      const v = r.value as { door?: unknown; key?: unknown };
      if (!r.key.startsWith("device:") || typeof v?.door !== "string" || v.key !== r.writer) continue;
      if (!out.has(v.door)) out.set(v.door, v.key);
    }
    return out;
  }
}
