// The benchmark suites by name. Each suite lives in its own module and returns a SuiteResult.
import type { SuiteResult } from "../harness.js";
import { attestSuite } from "./attest.js";
import { blake3Suite } from "./blake3.js";
import { ed25519Suite } from "./ed25519.js";
import { hashSuite } from "./hash.js";
import { httpSuite } from "./http.js";
import { lockSuite } from "./lock.js";
import { lockMeshSuite } from "./lock-mesh.js";
import { merkleSuite } from "./merkle.js";
import { meshSuite } from "./mesh.js";
import { meshHostileSuite } from "./mesh-hostile.js";
import { validitySuite } from "./validity.js";

export const suites: Record<string, () => Promise<SuiteResult>> = {
  hash: hashSuite,
  blake3: blake3Suite,
  ed25519: ed25519Suite,
  attest: attestSuite,
  validity: validitySuite,
  lock: lockSuite,
  "lock-mesh": lockMeshSuite,
  merkle: merkleSuite,
  mesh: meshSuite,
  "mesh-hostile": meshHostileSuite,
  http: httpSuite,
};
