// The evidence a validation reads: credentials, key event logs, transaction event logs and
// status replies, looked up by id. The store implements this; tests may use MemoryEvidence.
import type { Credential, KeyEvent, StatusReply, TelEvent } from "./types.js";

export interface EvidenceView {
  credential(said: string): Credential | undefined;
  /** Every stored key event of `aid`, in any order. */
  keyEvents(aid: string): readonly KeyEvent[];
  /** Every stored transaction event of the credential `said`. */
  telEvents(said: string): readonly TelEvent[];
  /** Every stored status reply about the credential `said`. */
  replies(said: string): readonly StatusReply[];
  /** Changes whenever the evidence about `aid` changes (lets callers cache replayed logs). */
  version(aid: string): number;
}

type Doc = Credential | KeyEvent | TelEvent | StatusReply;

export function kindOf(doc: Doc): "credential" | "key-event" | "tel-event" | "reply" {
  const t = (doc as { t?: string }).t;
  if (t === "icp" || t === "rot" || t === "ixn") return "key-event";
  if (t === "iss" || t === "rev") return "tel-event";
  if (t === "rpy") return "reply";
  return "credential";
}

/** An in-memory EvidenceView (no persistence, no escrow bookkeeping). */
export class MemoryEvidence implements EvidenceView {
  private readonly creds = new Map<string, Credential>();
  private readonly kels = new Map<string, KeyEvent[]>();
  private readonly tels = new Map<string, TelEvent[]>();
  private readonly rpys = new Map<string, StatusReply[]>();
  private readonly versions = new Map<string, number>();

  add(...docs: Doc[]): this {
    for (const doc of docs) {
      switch (kindOf(doc)) {
        case "credential":
          this.creds.set(doc.d, doc as Credential);
          break;
        case "key-event": {
          const e = doc as KeyEvent;
          const list = this.kels.get(e.i) ?? [];
          if (!list.some((x) => x.d === e.d)) list.push(e);
          this.kels.set(e.i, list);
          this.versions.set(e.i, (this.versions.get(e.i) ?? 0) + 1);
          break;
        }
        case "tel-event": {
          const e = doc as TelEvent;
          const list = this.tels.get(e.i) ?? [];
          if (!list.some((x) => x.d === e.d)) list.push(e);
          this.tels.set(e.i, list);
          break;
        }
        case "reply": {
          const r = doc as StatusReply;
          const list = this.rpys.get(r.credential) ?? [];
          if (!list.some((x) => x.d === r.d)) list.push(r);
          this.rpys.set(r.credential, list);
          break;
        }
      }
    }
    return this;
  }

  credential(said: string) {
    return this.creds.get(said);
  }
  keyEvents(aid: string) {
    return this.kels.get(aid) ?? [];
  }
  telEvents(said: string) {
    return this.tels.get(said) ?? [];
  }
  replies(said: string) {
    return this.rpys.get(said) ?? [];
  }
  version(aid: string) {
    return this.versions.get(aid) ?? 0;
  }
}
