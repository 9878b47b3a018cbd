// The registry of verbs. Each area keeps its commands in its own module.
import type { Command } from "../command.js";
import { checkpointCommands } from "./checkpoint.js";
import { hashingCommands } from "./hashing.js";
import { jsonsigCommands } from "./jsonsig.js";
import { keysCommands } from "./keys.js";

export const commands: readonly Command[] = [
  ...hashingCommands,
  ...keysCommands,
  ...jsonsigCommands,
  ...checkpointCommands,
];
