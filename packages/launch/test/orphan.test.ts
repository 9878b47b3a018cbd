// launchMeshd: a daemon started by a process that then dies (SIGKILL, no cleanup) stops by
// itself — its stdin pipe closes — so a crashed test or demo leaves no meshd behind.
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { describe, expect, it, vi } from "vitest";

const dist = pathToFileURL(resolve(dirname(fileURLToPath(import.meta.url)), "..", "dist", "index.js")).href;
const core = import.meta.resolve("@chronoseal/core");

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe("launchMeshd", () => {
  // 60 s, not the default 30 s: a parent Node process starts, launches meshd (a second one) and
  // is killed, and the daemon then stops on its own; three process lifetimes on a loaded machine.
  it("the daemon stops cleanly when the process that launched it is SIGKILLed", async () => {
    const dir = mkdtempSync(join(tmpdir(), "meshd-orphan-"));
    const script = `
      import { writeFileSync } from "node:fs";
      import { initKeys } from ${JSON.stringify(core)};
      import { createNetwork, launchMeshd } from ${JSON.stringify(dist)};
      await initKeys();
      const net = createNetwork();
      writeFileSync(${JSON.stringify(join(dir, "settings.json"))}, JSON.stringify(net.settings));
      const m = await launchMeshd({ dir: ${JSON.stringify(join(dir, "n"))},
        config: { networks: [{ admin: net.key, settingsFile: "../settings.json" }] } });
      console.log(m.child.pid);
      setInterval(() => {}, 1000);
    `;
    const parent = spawn(process.execPath, ["--input-type=module", "-e", script], {
      stdio: ["ignore", "pipe", "inherit"],
    });
    const pid = await new Promise<number>((r, j) => {
      parent.stdout!.once("data", (d) => r(Number(String(d).trim())));
      parent.once("exit", (code) => j(new Error(`parent exited with ${code}`)));
    });
    expect(alive(pid)).toBe(true);
    parent.kill("SIGKILL");
    // Waits for the daemon to exit on its own (a bound on waiting, not a timing assertion).
    await vi.waitFor(() => expect(alive(pid)).toBe(false), { timeout: 20_000, interval: 100 });
    const log = readFileSync(join(dir, "n", "meshd.log"), "utf8")
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(log.at(-2)).toMatchObject({ msg: "stopping", signal: "parent gone" });
    expect(log.at(-1)).toMatchObject({ msg: "stopped" });
  }, 60_000);
});
