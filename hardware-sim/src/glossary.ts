// The report's glossary: one short explanation per finding kind the lock auditor can emit (typed
// by @chronoseal/lock's FindingKind, so a kind without an entry fails the typecheck, and a test
// walks lock's FINDING_KINDS), and per fault and tampering mode the simulator injects.
import type { FindingKind } from "@chronoseal/lock";
import type { AdversaryMode, FaultKind } from "./truth.js";

export interface GlossaryEntry {
  /** One or two sentences, plain text. */
  meaning: string;
  /** Informational: reported, but the chain still counts as verified. */
  informational?: boolean;
}

export const FINDING_GLOSSARY: Readonly<Record<FindingKind, GlossaryEntry>> = {
  dropped: {
    meaning:
      "Entries the lock wrote (an anchor or a later entry proves they exist) that the collector's log does not contain.",
  },
  altered: {
    meaning:
      "Entries whose content is not what the lock signed: the signature or the hash link does not match, or the entry is malformed.",
  },
  backdated: {
    meaning:
      "Entries whose time was moved earlier than the lock wrote them (before their signature time, the entry before them, or an anchor).",
  },
  reordered: {
    meaning: "Entries the collector delivered out of sequence order.",
  },
  replayed: {
    meaning: "An identical entry delivered more than once.",
  },
  forked: {
    meaning: "A second, different entry under a sequence number already used: two histories of one chain.",
  },
  unproven: {
    meaning:
      "In a compacted archive (signatures kept only at anchors), entries without a signature that no intact hash link ties to a valid one.",
  },
  unanchored: {
    meaning:
      "The tail of a chain after its newest anchor or head: nothing yet proves its length, so a collector could cut it short unnoticed. Shrinks as the lock anchors.",
    informational: true,
  },
  "clock-skew": {
    meaning:
      "Genuine, signed entries dated before the entry before them: the lock's clock went back (a clock jump), not tampering.",
    informational: true,
  },
  "missing-final-anchor": {
    meaning:
      "A chain that was closed (or replaced by the next period's chain) but whose final anchor is missing.",
  },
  "anchor-mismatch": {
    meaning:
      "Entries that verify one by one but do not build the Merkle tree an anchor signed: the log is not the one the lock anchored.",
  },
  "bad-anchor": {
    meaning:
      "An anchor that does not verify with the door's key, or does not link into the chain of the door's anchors.",
  },
  unlinked: {
    meaning:
      "A genesis anchor that links to a previous chain's final anchor the auditor does not have: history before it is unaccounted for.",
  },
  unwitnessed: {
    meaning:
      "Anchored entries that no anchor cosigned by the required number of witnesses covers: the anchors exist, but the witnesses that would stop the lock or the mesh from showing different histories to different auditors have not vouched for them.",
  },
  "unknown-device": {
    meaning: "No device key is known for the door, so none of its entries can be verified.",
  },
};

/** The faults the simulator injects (ground truth), as the report names them. */
export const FAULT_GLOSSARY: Readonly<Record<FaultKind | "held-open", string>> = {
  "power-cut":
    "The lock lost power: what was not yet fsynced is gone (a torn cut hits while an entry is written). On restart the lock writes a signed recovered entry that records the gap; passages during the outage leave no entry.",
  "clock-jump":
    "The lock's clock jumped forward or back. Entries keep the device's time; a jump back shows as informational clock-skew.",
  partition:
    "The lock could not reach the collector; it kept its entries on disk and delivered them when the network came back.",
  "held-open":
    "The door stayed open past 60 s; the lock wrote a held-open entry (a physical event, not a fault).",
};

/** What the tampering collector proxy does in each mode, and the finding the auditor must report. */
export const TAMPER_GLOSSARY: Readonly<Record<AdversaryMode, string>> = {
  drop: "leaves an entry out of the export (expected finding: dropped)",
  reorder: "swaps two consecutive entries (expected: reordered)",
  alter: "changes an entry's user or time after signing (expected: altered, or backdated)",
  replay: "delivers an entry a second time (expected: replayed)",
  fork: "adds a changed second entry under the same sequence number (expected: forked)",
};
