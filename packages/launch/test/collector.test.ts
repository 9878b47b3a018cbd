// launchCollector: a real collector process from a directory, answering, then stopped cleanly.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { launchCollector } from "../src/index.js";

describe("launchCollector", () => {
  it("starts a collector on SQLite that answers, and stops it with exit code 0", async () => {
    const c = await launchCollector({
      dir: join(mkdtempSync(join(tmpdir(), "collector-launch-")), "c"),
      devices: { "door-1": "11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=" },
    });
    expect((await fetch(`${c.url}/healthz`)).status).toBe(200);
    expect(await (await fetch(`${c.url}/v1/chains`)).json()).toEqual([]);
    expect(await c.stop()).toBe(0);
  });
});
