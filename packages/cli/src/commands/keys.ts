// `chronoseal` verbs of the keys area.
import type { Command } from "../command.js";

export const keysCommands: Command[] = [];
