// The registry of verbs. Each command lives in its own module; add it here to expose it.
import type { Command } from "../command.js";

export const commands: readonly Command[] = [];
