// A delegation chain for tests: root (GLEIF-like) → qualified issuer (QVI) → legal entity (LE)
// → role holder (ECR), issued on days 1, 2 and 3 of January 2025 (noon UTC).
import { initKeys } from "@chronoseal/core";
import { Controller } from "../src/controller.js";
import type { Credential, Edges, Evidence, IssueEvent } from "../src/types.js";

export const DAY = 86_400_000;
export const day = (n: number, hour = 12) => Date.UTC(2025, 0, n, hour);

export interface Chain {
  root: Controller;
  qvi: Controller;
  le: Controller;
  person: Controller;
  qviCred: { credential: Credential; iss: IssueEvent };
  leCred: { credential: Credential; iss: IssueEvent };
  ecrCred: { credential: Credential; iss: IssueEvent };
  /** Every piece of evidence, in creation order. */
  evidence: Evidence[];
}

export interface ChainOptions {
  leEdge?: Partial<Edges[string] & object>;
  ecrEdges?: (qvi: string, le: string) => Edges;
  issueDays?: [number, number, number];
}

export async function buildChain(options: ChainOptions = {}): Promise<Chain> {
  await initKeys();
  const [d1, d2, d3] = options.issueDays ?? [1, 2, 3];
  const root = Controller.incept({ signedAt: day(1, 0) });
  const qvi = Controller.incept({ signedAt: day(1, 0) });
  const le = Controller.incept({ signedAt: day(1, 0) });
  const person = Controller.incept({ signedAt: day(1, 0) });
  const qviCred = root.issue({
    issuee: qvi.aid,
    schema: "EQVI",
    attributes: { LEI: "5493001KJTIIGC8Y1R12" },
    dt: day(d1),
  });
  const leCred = qvi.issue({
    issuee: le.aid,
    schema: "ELE",
    attributes: { LEI: "506700GE1G29325QX363" },
    edges: { qvi: { n: qviCred.credential.d, s: "EQVI", o: "I2I", ...(options.leEdge ?? {}) } },
    dt: day(d2),
  });
  const ecrCred = le.issue({
    issuee: person.aid,
    schema: "EECR",
    attributes: { personLegalName: "Ines Gensinger", engagementContextRole: "Head of Communications" },
    edges: options.ecrEdges?.(qviCred.credential.d, leCred.credential.d) ?? {
      o: "AND",
      le: { n: leCred.credential.d, o: "I2I" },
      qvi: { n: qviCred.credential.d, o: "NI2I" },
    },
    dt: day(d3),
  });
  const evidence: Evidence[] = [
    ...root.events,
    ...qvi.events,
    ...le.events,
    ...person.events,
    qviCred.credential,
    qviCred.iss,
    leCred.credential,
    leCred.iss,
    ecrCred.credential,
    ecrCred.iss,
  ];
  return { root, qvi, le, person, qviCred, leCred, ecrCred, evidence };
}
