// `chronoseal` verbs of the jsonsig area.
import type { Command } from "../command.js";

export const jsonsigCommands: Command[] = [];
