// testkit against a stand-in daemon run as a real process: log lines awaited by condition and by
// count, non-JSON lines kept, an early exit rejects a wait naming the process and its stderr, and
// the flags suite passes on a daemon that keeps the contract.
import { createServer } from "node:net";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { describeDaemonFlags, freePort, LoggedProcess } from "../src/index.js";

const main = fileURLToPath(new URL("./fixture/bin/main.mjs", import.meta.url));

describe("LoggedProcess", () => {
  it("resolves lines by message and by count, and keeps non-JSON lines", async () => {
    const p = new LoggedProcess(main, ["--config", "x", "ready", "plain", "tick", "tick"], {
      env: { FIXTURE_VALUE: "seen" },
    });
    expect(await p.line("ready")).toEqual({ msg: "ready", env: "seen" });
    const second = await p.line("tick", 2);
    expect(second.msg).toBe("tick");
    expect(p.lines.filter((l) => l.msg === "tick")).toHaveLength(2);
    expect(await p.waitFor((l) => l.msg === "not json")).toEqual({ msg: "not json" });
    expect(await p.stop()).toBe(0);
  });

  it("rejects a wait when the process exits first, naming it and quoting its stderr", async () => {
    const p = new LoggedProcess(main, ["--config", "x", "die"], { name: "fixture" });
    await expect(p.line("never")).rejects.toThrow(/^fixture exited \(3\) before "never": fixture: gave up/);
    expect(p.name).toBe("fixture");
  });

  it("names the process after the script's package directory by default", async () => {
    const p = new LoggedProcess(main, ["--config", "x", "die"]);
    expect(p.name).toBe("fixture");
    await expect(p.waitFor(() => false, "a line")).rejects.toThrow(/fixture exited \(3\) before a line/);
  });
});

describe("freePort", () => {
  it("returns a port a server can listen on", async () => {
    const port = await freePort();
    const s = createServer();
    await new Promise<void>((r) => s.listen(port, "127.0.0.1", r));
    expect((s.address() as { port: number }).port).toBe(port);
    await new Promise((r) => s.close(r));
  });
});

describeDaemonFlags({
  command: "fixture",
  main,
  packageJson: fileURLToPath(new URL("./fixture/package.json", import.meta.url)),
});
