// `chronoseal` verbs of the hashing area.
import type { Command } from "../command.js";

export const hashingCommands: Command[] = [];
