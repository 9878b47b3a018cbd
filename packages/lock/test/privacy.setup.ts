// Runs in every lock test file: after the file's tests, every anchor published during them is
// checked for badge ids and pseudonyms seen anywhere in the file.
import { afterAll, expect } from "vitest";
import { assertNoPersonalData, privacy } from "./helpers.js";

afterAll(() => {
  for (const note of privacy.notes) expect(() => assertNoPersonalData(note)).not.toThrow();
});
