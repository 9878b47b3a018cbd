// Opening the evidence store a credential verb names with --store (shared by the verbs that
// read evidence and the verbs that make it).
import { resolve } from "node:path";
import { EvidenceStore, StoreError } from "@chronoseal/validity";
import { InputError, type Io, UsageError } from "../command.js";

/** Opens the store named by --store; a store that cannot be used is an input error. */
export function openStore(path: string | undefined, io: Io): EvidenceStore {
  if (!path) throw new UsageError("--store is required");
  try {
    return new EvidenceStore(resolve(io.cwd, path));
  } catch (e) {
    if (e instanceof StoreError) throw new InputError(e.message);
    throw e;
  }
}
