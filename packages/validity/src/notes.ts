// Evidence that is kept but does not count — unanchored or stripped TEL events, replies not
// signed by the issuer's key state, edge fields that are the delegate's own word — reported
// with the reason, so that nothing is silently dropped and nothing unauthenticated counts.
export interface Note {
  /** SAID of the message or credential the note is about. */
  readonly said: string;
  /** What it is: "iss", "rev", "rpy", "edge", … */
  readonly what: string;
  readonly reason: string;
}

export function normalizeNotes(list: Iterable<Note>): Note[] {
  const map = new Map<string, Note>();
  for (const n of list) map.set(`${n.said}|${n.what}|${n.reason}`, n);
  return [...map.entries()].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)).map((e) => e[1]);
}
