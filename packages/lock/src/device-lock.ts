// One process per device directory: `<dir>/agent.pid` holds the pid of the process that runs the
// lock agent (or decommissions it). A second process — another daemon, or `chronoseal lock
// decommission` while the daemon runs — is refused with DeviceBusyError instead of corrupting the
// logs. A file left by a process that died (SIGKILL, power cut) is taken over.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ChronosealError } from "@chronoseal/core";

export class DeviceBusyError extends ChronosealError {
  constructor(
    readonly dir: string,
    readonly pid: number,
  ) {
    super("ERR_LOCK_BUSY", `${dir} is in use by the lock agent process ${pid}: stop it first`);
    this.name = "DeviceBusyError";
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Takes the device directory for this process; returns the function that gives it back. */
export function acquireDevice(dir: string): () => void {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, "agent.pid");
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(file, `${process.pid}\n`, { flag: "wx" });
      return () => rmSync(file, { force: true });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
    }
    const pid = Number.parseInt(readFileSync(file, "utf8"), 10);
    if (Number.isSafeInteger(pid) && pid > 0 && pid !== process.pid && alive(pid))
      throw new DeviceBusyError(dir, pid);
    rmSync(file, { force: true }); // left by a process that is gone
  }
  throw new DeviceBusyError(dir, Number.NaN);
}
