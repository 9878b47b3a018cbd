// Launch failures are LaunchErrors that say what is wrong: an app package that is not installed,
// a missing executable, a daemon that refuses its config (its stderr line is in the message).
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { initKeys } from "@chronoseal/core";
import { beforeAll, describe, expect, it } from "vitest";
import { appExecutable } from "../src/bins.js";
import { LaunchError, launchCollector, launchMeshd } from "../src/index.js";

describe("launch errors", () => {
  beforeAll(() => initKeys());

  it("names an app package that is not installed, or a bin it does not have", () => {
    expect(() => appExecutable("@chronoseal/no-such-app", "x")).toThrow(LaunchError);
    expect(() => appExecutable("@chronoseal/no-such-app", "x")).toThrow(
      /@chronoseal\/no-such-app is not installed/,
    );
    expect(() => appExecutable("@chronoseal/meshd", "nosuch")).toThrow(/has no nosuch executable/);
    expect(appExecutable("@chronoseal/meshd", "meshd")).toMatch(/apps\/meshd\/dist\/main\.js$/);
  });

  it("a meshd that rejects its config: LaunchError with the daemon's exit code and its message", async () => {
    const dir = join(mkdtempSync(join(tmpdir(), "launch-bad-")), "n");
    const err = await launchMeshd({ dir, config: { networks: "not a list" } }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LaunchError);
    expect((err as LaunchError).code).toBe("ERR_LAUNCH");
    expect((err as Error).message).toMatch(/meshd in .* exited with 2: meshd: .*networks/);
  });

  it("a collector with a device key that is not a key: LaunchError naming the device", async () => {
    const dir = join(mkdtempSync(join(tmpdir(), "launch-bad-")), "c");
    const err = await launchCollector({ dir, devices: { "door-1": "not a key" } }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LaunchError);
    expect((err as Error).message).toMatch(/collector in .* exited with 2: .*door-1/);
  });
});
