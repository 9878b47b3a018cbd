// Reading command inputs: a FILE argument, or standard input for "-" or no argument.
import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import { InputError, type Io } from "./command.js";

async function readStream(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(typeof chunk === "string" ? Buffer.from(chunk) : chunk);
  return Buffer.concat(chunks);
}

/** Reads FILE, or stdin when `file` is undefined or "-". Missing files are input errors. */
export async function readInput(file: string | undefined, io: Io): Promise<Buffer> {
  if (file === undefined || file === "-") return readStream(io.stdin);
  try {
    return await readFile(resolve(io.cwd, file));
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new InputError(`cannot read ${file}: ${code ?? String(err)}`);
  }
}
