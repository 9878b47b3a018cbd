// Dispatches `chronoseal <verb...> [args]` to the matching command and maps errors to exit codes.
import {
  type Command,
  EXIT_BUG,
  EXIT_INVALID,
  EXIT_OK,
  EXIT_USAGE,
  InputError,
  type Io,
  UsageError,
} from "./command.js";
import { commands } from "./commands/index.js";
import { version } from "./version.js";

function helpText(): string {
  const width = Math.max(...commands.map((c) => c.name.join(" ").length), 8);
  const lines = commands.map((c) => `  ${c.name.join(" ").padEnd(width)}  ${c.summary}`);
  return [
    "usage: chronoseal <command> [options]",
    "       chronoseal --version",
    "",
    "commands:",
    ...lines,
    "",
    "exit codes: 0 ok, 1 invalid input or negative verdict, 2 usage error",
    "run `chronoseal <command> --help` for a command's options",
  ].join("\n");
}

/** Finds the command with the longest verb path matching the start of argv. */
function findCommand(argv: string[]): { command: Command; rest: string[] } | undefined {
  let best: Command | undefined;
  for (const c of commands) {
    if (c.name.every((part, i) => argv[i] === part) && (!best || c.name.length > best.name.length)) best = c;
  }
  return best ? { command: best, rest: argv.slice(best.name.length) } : undefined;
}

export async function main(argv: string[], io: Io): Promise<number> {
  if (argv.length === 0 || argv[0] === "--help" || argv[0] === "-h" || argv[0] === "help") {
    io.stdout.write(`${helpText()}\n`);
    return argv.length === 0 ? EXIT_USAGE : EXIT_OK;
  }
  if (argv.length === 1 && (argv[0] === "--version" || argv[0] === "-V")) {
    io.stdout.write(`${version()}\n`);
    return EXIT_OK;
  }
  const found = findCommand(argv);
  if (!found) {
    io.stderr.write(`chronoseal: unknown command '${argv.join(" ")}'\n\n${helpText()}\n`);
    return EXIT_USAGE;
  }
  const { command, rest } = found;
  if (rest.includes("--help") || rest.includes("-h")) {
    io.stdout.write(`${command.usage}\n`);
    return EXIT_OK;
  }
  try {
    return await command.run(rest, io);
  } catch (err) {
    if (err instanceof UsageError || isParseArgsError(err)) {
      io.stderr.write(
        `chronoseal ${command.name.join(" ")}: ${(err as Error).message}\n\n${command.usage}\n`,
      );
      return EXIT_USAGE;
    }
    if (err instanceof InputError) {
      io.stderr.write(`chronoseal ${command.name.join(" ")}: ${err.message}\n`);
      return EXIT_INVALID;
    }
    // Typed errors from @chronoseal/* carry a stable `code`: they describe bad input, not bugs.
    if (
      err instanceof Error &&
      typeof (err as { code?: unknown }).code === "string" &&
      err.name !== "Error"
    ) {
      io.stderr.write(`chronoseal ${command.name.join(" ")}: ${err.name}: ${err.message}\n`);
      return EXIT_INVALID;
    }
    io.stderr.write(
      `chronoseal ${command.name.join(" ")}: internal error: ${(err as Error)?.stack ?? String(err)}\n`,
    );
    return EXIT_BUG;
  }
}

function isParseArgsError(err: unknown): boolean {
  const code = (err as { code?: unknown })?.code;
  return typeof code === "string" && code.startsWith("ERR_PARSE_ARGS");
}
