// `chronoseal` verbs of the mesh area.
import type { Command } from "../command.js";

export const meshCommands: Command[] = [];
