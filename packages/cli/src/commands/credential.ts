// `chronoseal` verbs of the credential area.
import type { Command } from "../command.js";

export const credentialCommands: Command[] = [];
