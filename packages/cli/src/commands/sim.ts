// `chronoseal` verbs of the sim area.
import type { Command } from "../command.js";

export const simCommands: Command[] = [];
