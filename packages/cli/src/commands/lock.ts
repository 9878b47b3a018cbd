// `chronoseal` verbs of the lock area.
import type { Command } from "../command.js";

export const lockCommands: Command[] = [];
