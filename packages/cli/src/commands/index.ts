// The registry of verbs. Each area keeps its commands in its own module.
import type { Command } from "../command.js";
import { checkpointCommands } from "./checkpoint.js";
import { credentialCommands } from "./credential.js";
import { hashingCommands } from "./hashing.js";
import { jsonsigCommands } from "./jsonsig.js";
import { keriCommands } from "./keri.js";
import { keysCommands } from "./keys.js";
import { lockCommands } from "./lock.js";
import { lockOpsCommands } from "./lock-ops.js";
import { meshCommands } from "./mesh.js";
import { meshAdminCommands } from "./mesh-admin.js";
import { simCommands } from "./sim.js";

export const commands: readonly Command[] = [
  ...hashingCommands,
  ...keysCommands,
  ...jsonsigCommands,
  ...checkpointCommands,
  ...meshCommands,
  ...meshAdminCommands,
  ...lockCommands,
  ...lockOpsCommands,
  ...credentialCommands,
  ...keriCommands,
  ...simCommands,
];
