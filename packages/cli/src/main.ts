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
    "exit codes: 0 ok, 1 invalid input or negative verdict, 2 usage error, 141 output closed early",
    "run `chronoseal <group> --help` for a group's verbs, `chronoseal <command> --help` for options;",
    "every verb takes --json, and no verb overwrites a file without --force (--out - is stdout)",
  ].join("\n");
}

/** The verbs under a group (`mesh`, `mesh node`, …): the commands whose name starts with it. */
function groupOf(path: readonly string[]): Command[] {
  return commands.filter((c) => c.name.length > path.length && path.every((part, i) => c.name[i] === part));
}

/** The longest group that argv starts with (argv[0] names a group when it is not a command). */
function findGroup(argv: string[]): { path: string[]; verbs: Command[] } | undefined {
  let found: { path: string[]; verbs: Command[] } | undefined;
  for (let n = 1; n <= argv.length; n++) {
    const path = argv.slice(0, n);
    const verbs = groupOf(path);
    if (verbs.length === 0) break;
    found = { path, verbs };
  }
  return found;
}

function groupHelp(path: readonly string[], verbs: readonly Command[]): string {
  const names = verbs.map((c) => c.name.slice(path.length).join(" "));
  const width = Math.max(...names.map((n) => n.length), 8);
  return [
    `usage: chronoseal ${path.join(" ")} <${[...new Set(verbs.map((c) => c.name[path.length]))].join("|")}> [options]`,
    "",
    "verbs:",
    ...verbs.map((c, i) => `  ${names[i]!.padEnd(width)}  ${c.summary}`),
    "",
    `run \`chronoseal ${path.join(" ")} <verb> --help\` for a verb's options`,
  ].join("\n");
}

const wantsHelp = (args: readonly string[]) => args.includes("--help") || args.includes("-h");

/** Finds the command with the longest verb path matching the start of argv. */
function findCommand(argv: string[]): { command: Command; rest: string[] } | undefined {
  let best: Command | undefined;
  for (const c of commands) {
    if (c.name.every((part, i) => argv[i] === part) && (!best || c.name.length > best.name.length)) best = c;
  }
  return best ? { command: best, rest: argv.slice(best.name.length) } : undefined;
}

export async function main(argv: string[], io: Io): Promise<number> {
  if (argv[0] === "help" && argv.length > 1) return main([...argv.slice(1), "--help"], io);
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
    const group = findGroup(argv);
    if (group) {
      const rest = argv.slice(group.path.length);
      const verb = rest.find((a) => !a.startsWith("-"));
      if (verb === undefined && wantsHelp(rest)) {
        io.stdout.write(`${groupHelp(group.path, group.verbs)}\n`);
        return EXIT_OK;
      }
      const what = verb === undefined ? "expected a verb" : `unknown verb '${verb}'`;
      io.stderr.write(
        `chronoseal ${group.path.join(" ")}: ${what}\n\n${groupHelp(group.path, group.verbs)}\n`,
      );
      return EXIT_USAGE;
    }
    io.stderr.write(`chronoseal: unknown command '${argv[0]}'\n\n${helpText()}\n`);
    return EXIT_USAGE;
  }
  const { command, rest } = found;
  if (wantsHelp(rest)) {
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
