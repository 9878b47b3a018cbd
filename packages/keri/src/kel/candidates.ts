// Collects candidate key events from parsed messages: key events grouped by identifier and
// merged by SAID (the union of every copy's signatures and receipts, so a stripped copy adds
// nothing and takes nothing away), receipts (rct) attached to the events they receipt, and
// rejections for bodies that are not valid key events.
import type { FirstSeen, IndexedSignature, ReceiptCouple, SealSource } from "../cesr/attachments.js";
import type { CesrMessage } from "../cesr/stream.js";
import { KeriError } from "../errors.js";
import { KEY_EVENT_ILKS, type KeyEvent, parseKeyEvent } from "./event.js";
import type { KeyState } from "./state.js";
import type { RejectedEvent, RejectionCode, Source } from "./types.js";
import type { SignatureCheck } from "./verify.js";

export interface Candidate {
  readonly event: KeyEvent;
  readonly sources: Source[];
  readonly controllerSigs: IndexedSignature[];
  readonly witnessSigs: IndexedSignature[];
  readonly receipts: ReceiptCouple[];
  readonly sealSources: SealSource[];
  readonly firstSeen: FirstSeen[];
  before?: KeyState;
  after?: KeyState;
  invalid?: { code: RejectionCode; reason: string };
  /** Set when the prior event is missing or has no derivable state. */
  orphan?: "missing" | "pending";
  check?: SignatureCheck;
}

export interface LogInput {
  readonly prefix: string;
  readonly candidates: Map<string, Candidate>;
  readonly rejected: RejectedEvent[];
}

function addUnique<T>(into: T[], items: readonly T[], key: (t: T) => string): void {
  const seen = new Set(into.map(key));
  for (const item of items) {
    const k = key(item);
    if (!seen.has(k)) {
      seen.add(k);
      into.push(item);
    }
  }
}

/** Groups the key events of `messages` by prefix. Non-key messages other than rct are ignored. */
export function collectCandidates(messages: readonly CesrMessage[]): Map<string, LogInput> {
  const logs = new Map<string, LogInput>();
  const logOf = (prefix: string): LogInput => {
    let log = logs.get(prefix);
    if (!log) {
      log = { prefix, candidates: new Map(), rejected: [] };
      logs.set(prefix, log);
    }
    return log;
  };
  const receipts: CesrMessage[] = [];
  for (const m of messages) {
    if (m.ilk === "rct") {
      receipts.push(m);
      continue;
    }
    if (m.ilk === undefined || !(KEY_EVENT_ILKS as readonly string[]).includes(m.ilk)) continue;
    const source = { message: m.index, offset: m.offset };
    const prefix = typeof m.body.i === "string" ? m.body.i : "";
    const reject = (code: RejectionCode, reason: string) =>
      logOf(prefix).rejected.push({
        said: typeof m.body.d === "string" ? m.body.d : undefined,
        sn: undefined,
        ilk: m.ilk,
        sources: [source],
        code,
        reason,
      });
    if (!m.said.ok) {
      reject("ERR_KEL_SAID", m.said.message);
      continue;
    }
    let event: KeyEvent;
    try {
      event = parseKeyEvent(m.body, m.raw, m.layout);
    } catch (e) {
      if (!(e instanceof KeriError)) throw e;
      reject("ERR_KEL_MALFORMED", e.message);
      continue;
    }
    const log = logOf(event.prefix);
    let c = log.candidates.get(event.said);
    if (!c) {
      c = {
        event,
        sources: [],
        controllerSigs: [],
        witnessSigs: [],
        receipts: [],
        sealSources: [],
        firstSeen: [],
      };
      log.candidates.set(event.said, c);
    }
    c.sources.push(source);
    const a = m.attachments;
    addUnique(c.controllerSigs, a.controllerSigs, (s) => s.qb64);
    addUnique(c.witnessSigs, a.witnessSigs, (s) => s.qb64);
    addUnique(c.receipts, a.receipts, (r) => r.prefix + r.signature.qb64);
    addUnique(c.sealSources, a.sealSources, (s) => `${s.sn}:${s.digest}`);
    addUnique(c.firstSeen, a.firstSeen, (f) => f.dt);
  }
  for (const m of receipts) {
    const c =
      typeof m.body.i === "string" && typeof m.body.d === "string"
        ? logs.get(m.body.i)?.candidates.get(m.body.d)
        : undefined;
    if (!c || m.body.s !== c.event.sn.toString(16)) continue; // a receipt of an unknown event receipts nothing yet
    addUnique(c.witnessSigs, m.attachments.witnessSigs, (s) => s.qb64);
    addUnique(c.receipts, m.attachments.receipts, (r) => r.prefix + r.signature.qb64);
  }
  return logs;
}
