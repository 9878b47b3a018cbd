// The fleet report: a JSON object describing one simulated run, door by door (ground truth joined
// with the auditor's verdicts). `buildFleetReport` fills it; `renderHtml` (report-html.ts) draws it.

/** One simulated run: summary counts and a timeline per door. */
export interface FleetReport {
  title: string;
  generatedAt: string;
  seed: number;
  locks: number;
  days: number;
  from: string;
  to: string;
  summary: {
    doors: number;
    verified: number;
    tampered: number;
    physicalEvents: number;
    reconstructed: number;
    missing: number;
    findings: Record<string, number>;
    wallMs?: number;
  };
  doors: DoorReport[];
}

/** One door: its chains, verdict, timeline, the auditor's findings and the faults it suffered. */
export interface DoorReport {
  door: string;
  chains: string[];
  verified: boolean;
  /** The door's timeline: ground truth joined with the audit. */
  events: TimelineEvent[];
  findings: { chain: string; kind: string; seqs: number[]; ranges: [number, number][]; detail: string }[];
  /** power-cut, clock-jump, partition, held-open, … */
  faults: { time: string; kind: string; detail?: string }[];
}

/** One line of a door's timeline. */
export interface TimelineEvent {
  time: string;
  event: string;
  seq?: number;
  chain?: string;
  status: "verified" | "tampered" | "missing" | "recovered";
  kind?: string;
  detail?: string;
}
