import { describe, expect, it } from "vitest";
import { runCli } from "./run.js";

describe("chronoseal dispatcher", () => {
  it("prints help and exits 2 with no arguments", async () => {
    const r = await runCli([]);
    expect(r.code).toBe(2);
    expect(r.stdout).toContain("usage: chronoseal <command>");
  });

  it("rejects an unknown command with exit 2", async () => {
    const r = await runCli(["frobnicate"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("unknown command 'frobnicate'");
  });
});
