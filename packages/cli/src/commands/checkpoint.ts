// `chronoseal` verbs of the checkpoint area.
import type { Command } from "../command.js";

export const checkpointCommands: Command[] = [];
