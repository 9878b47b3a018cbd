// Waiting on a condition in end-to-end tests (never a sleep): `f` is retried until it returns
// something other than undefined or false, within a bound that only guards against a hang.
import { vi } from "vitest";

export function until<T>(
  what: string,
  f: () => T | undefined | false | Promise<T | undefined | false>,
  timeout = 60_000,
): Promise<T> {
  return vi.waitFor(
    async () => {
      const v = await f();
      if (v === undefined || v === false) throw new Error(`still waiting for ${what}`);
      return v as T;
    },
    // A bound on waiting (gossip under load), not a timing assertion.
    { timeout, interval: 100 },
  );
}
