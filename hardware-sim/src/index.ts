// @chronoseal/hardware-sim: a seeded, virtual-time lock fleet with faults and adversaries.
export { type AdversaryOptions, type AdversaryPlanItem, AdversaryProxy } from "./adversary.js";
export type { AnchorAttestation, AnchorCosignature, AnchorReport } from "./anchor-report.js";
export {
  type ActionOutcome,
  checkAgainstTruth,
  type DoorComparison,
  type EventOutcome,
  type EventStatus,
  type TruthComparison,
} from "./check.js";
export { type DemoOptions, runDemo } from "./demo.js";
export { DeviceClock, SimDriver } from "./driver.js";
export { type ClockPlan, type FaultOptions, type FaultPlan, type PlannedCut, planFaults } from "./faults.js";
export { FAULT_GLOSSARY, FINDING_GLOSSARY, type GlossaryEntry, TAMPER_GLOSSARY } from "./glossary.js";
export { type Door, doorId, type Fleet, type ModelOptions, makeFleet, planPhysical } from "./model.js";
export { PowerGate, PowerObserver } from "./power.js";
export { Rng } from "./prng.js";
export {
  type BuildReportOptions,
  buildFleetReport,
  type DoorReport,
  type FleetReport,
  type ReportRun,
  type TimelineEvent,
} from "./report.js";
export { renderHtml } from "./report-html.js";
export { type AnchorFactory, deviceKeyPair, type FleetOptions, type FleetRun, runFleet } from "./runner.js";
export { runSystemSim, type SystemSimOptions, type SystemSimResult } from "./sim-run.js";
export type { FalsePositive, FaultRow, TamperRow, TruthReport } from "./story.js";
export { type System, startSystem } from "./system.js";
export {
  ADVERSARY_MODES,
  type AdversaryAction,
  type AdversaryMode,
  type EntryRef,
  EXPECTED_FINDING,
  type FaultKind,
  type FaultRecord,
  type GroundTruth,
  type PhysicalEvent,
  type PhysicalKind,
} from "./truth.js";
