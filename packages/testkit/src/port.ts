// A free TCP port on loopback for a process about to be started. (@chronoseal/launch has the same
// function; it is published and cannot depend on this private package.)
import { createServer } from "node:net";

/** A port the OS reports free on 127.0.0.1 (released before returning). */
export async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, "127.0.0.1", r));
  const port = (s.address() as { port: number }).port;
  await new Promise((r) => s.close(r));
  return port;
}
