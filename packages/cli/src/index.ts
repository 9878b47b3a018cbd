// Programmatic entry to the CLI (used by tests and the demo).

export type { Command, Io } from "./command.js";
export {
  EXIT_BUG,
  EXIT_INVALID,
  EXIT_OK,
  EXIT_PIPE,
  EXIT_USAGE,
  InputError,
  UsageError,
} from "./command.js";
export { main } from "./main.js";
export { OutputExistsError } from "./output.js";
