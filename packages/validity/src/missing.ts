// What a pending verdict waits for: each missing piece of evidence named exactly (which log,
// which event, which schema, …), with a sentence saying why it is needed.
export type MissingKind =
  | "kel" // an identifier's key event log (or a valid inception of it)
  | "kel-event" // one event of a log (a prior event)
  | "signatures" // more controller signatures on an event
  | "receipts" // witness receipts on an event
  | "delegation-anchor" // a delegator's seal of a delegated event
  | "credential" // a credential (ACDC) by SAID
  | "section" // the full attribute or edge section of a credential known only in compact form
  | "schema" // a schema document by SAID
  | "registry" // a registry's inception (vcp)
  | "anchor" // the seal of a TEL event in the issuer's KEL
  | "issuance" // an issuance event (iss/bis) of a credential
  | "backer-receipts"; // receipts of a TEL event by its registry's backers

export interface Missing {
  readonly kind: MissingKind;
  /** The SAID or identifier prefix of what is missing. */
  readonly id: string;
  readonly detail: string;
}

/**
 * One entry per missing piece (kind and id), sorted, so that a list never depends on the order
 * things were found; of several explanations of one piece the longest (then first) is kept.
 */
export function normalizeMissing(list: Iterable<Missing>): Missing[] {
  const map = new Map<string, Missing>();
  for (const m of list) {
    const key = `${m.kind}|${m.id}`;
    const had = map.get(key);
    if (
      !had ||
      m.detail.length > had.detail.length ||
      (m.detail.length === had.detail.length && m.detail < had.detail)
    )
      map.set(key, m);
  }
  return [...map.entries()].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)).map((e) => e[1]);
}
