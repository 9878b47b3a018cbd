// @chronoseal/hardware-sim: a seeded, virtual-time lock fleet with faults and adversaries.
export type { DoorReport, FleetReport, TimelineEvent } from "./report.js";
