// Operations in process: the authorization hooks (allowlist and module, reloaded on change, fail
// closed), the device directory lock, and decommissioning interrupted by a power cut.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { DecommissionedError, LockAgent } from "../src/agent.js";
import { AuthorizeError, badgeHash, loadAuthorizer, parseAllowlist } from "../src/authorize.js";
import { acquireDevice, DeviceBusyError } from "../src/device-lock.js";
import { readManifest, writeManifest } from "../src/manifest.js";
import { makeLock } from "./helpers.js";

const tmp = () => mkdtempSync(join(tmpdir(), "lock-ops-"));

/** Gives a file a new mtime, as an edit a second later would. */
function touch(path: string, text: string, bump: number): void {
  writeFileSync(path, text);
  const t = new Date(Date.now() + bump * 1000);
  utimesSync(path, t, t);
}

describe("authorization", () => {
  it("badge hashes are sha256sum's hex; allowlists name the bad line", () => {
    expect(badgeHash("abc")).toBe("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    expect(parseAllowlist(`# comment\n\n${badgeHash("x").toUpperCase()}  # trailing\n`)).toEqual(
      new Set([badgeHash("x")]),
    );
    expect(() => parseAllowlist("abc\n", "list.txt")).toThrow(/list\.txt:1: expected a badge hash/);
    expect(() => badgeHash("")).toThrow(TypeError);
  });

  it("an allowlist decides, is reloaded on change, and a broken version keeps the last good one", async () => {
    const dir = tmp();
    const file = join(dir, "badges.txt");
    writeFileSync(file, `${badgeHash("a")}\n`);
    const errors: string[] = [];
    const reloads: string[] = [];
    const authorize = await loadAuthorizer({
      allowlist: file,
      checkEveryMs: 0,
      onError: (m) => errors.push(m),
      onReload: (f) => reloads.push(f),
    });
    expect(await authorize("a")).toBe(true);
    expect(await authorize("b")).toBe(false);
    touch(file, `${badgeHash("b")}\n`, 2);
    expect(await authorize("b")).toBe(true);
    expect(await authorize("a")).toBe(false);
    expect(reloads).toEqual([file]);
    touch(file, "garbage\n", 4);
    expect(await authorize("b")).toBe(true); // the last good list
    expect(errors).toEqual([
      expect.stringMatching(/badges\.txt:1: expected a badge hash.*keeping the last good/),
    ]);
    for (const m of errors) expect(m.includes(badgeHash("a")) || m.includes(badgeHash("b"))).toBe(false);
    await expect(loadAuthorizer({ allowlist: join(dir, "missing.txt") })).rejects.toThrow(AuthorizeError);
    await expect(loadAuthorizer({})).rejects.toThrow(/exactly one/);
  });

  it("a module decides by badge hash, is reloaded on change, and refuses when it throws", async () => {
    const dir = tmp();
    const file = join(dir, "authz.mjs");
    writeFileSync(file, `export function authorize(h) { return h === "${badgeHash("a")}"; }\n`);
    const errors: string[] = [];
    const authorize = await loadAuthorizer({ module: file, checkEveryMs: 0, onError: (m) => errors.push(m) });
    expect(await authorize("a")).toBe(true);
    expect(await authorize("b")).toBe(false);
    touch(
      file,
      `export async function authorize(h) { if (h === "${badgeHash("x")}") throw new Error("x"); return "yes"; }\n`,
      2,
    );
    expect(await authorize("a")).toBe(false); // "yes" is not true
    expect(await authorize("x")).toBe(false); // threw: refused
    expect(errors).toEqual([expect.stringMatching(/authorize\(\) threw; the badge was refused/)]);
    writeFileSync(join(dir, "none.mjs"), "export const x = 1;\n");
    await expect(loadAuthorizer({ module: join(dir, "none.mjs") })).rejects.toThrow(
      /does not export authorize/,
    );
  });

  it("the agent asks the hook, and a refused badge leaves no entry", async () => {
    const lock = await makeLock({ authorize: async (id) => id === "card-ok" });
    expect((await lock.badge("ok")).accepted).toBe(true);
    expect((await lock.badge("no")).accepted).toBe(false);
    expect(lock.sent.filter((e) => e.event === "opened")).toHaveLength(1);
    await lock.agent.stop();
  });
});

describe("device directory lock", () => {
  it("refuses a directory another live process holds, and takes over one a dead process left", () => {
    const dir = tmp();
    writeFileSync(join(dir, "agent.pid"), `${process.ppid}\n`); // alive
    expect(() => acquireDevice(dir)).toThrow(DeviceBusyError);
    const dead = spawnSync(process.execPath, ["-e", "process.pid"]).pid!;
    writeFileSync(join(dir, "agent.pid"), `${dead}\n`);
    const release = acquireDevice(dir);
    expect(readFileSync(join(dir, "agent.pid"), "utf8")).toBe(`${process.pid}\n`);
    release();
    const again = acquireDevice(dir);
    again();
  });
});

describe("decommissioning", () => {
  it("a power cut after the manifest was marked: the next start finishes it, then refuses", async () => {
    const lock = await makeLock({ anchorEvery: 10 });
    for (let i = 0; i < 3; i++) await lock.badge(`d${i}`);
    await lock.agent.stop({ anchor: false });
    // As decommission() leaves the disk when the power goes right after its first write.
    const m = readManifest(lock.dir)!;
    writeManifest(lock.dir, { ...m, decommissioned: true });
    const err = await LockAgent.start(lock.options).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DecommissionedError);
    const chains = readManifest(lock.dir)!.chains;
    expect(chains).toEqual([
      { period: "2025-01", status: "closed", final: (err as DecommissionedError).final },
    ]);
    expect(lock.sent.at(-1)).toMatchObject({ event: "chain-closed", detail: { decommissioned: 1 } });
    // and from then on a clean refusal, with nothing written
    const before = lock.sent.length;
    await expect(LockAgent.start(lock.options)).rejects.toThrow(
      /door door-17 is decommissioned \(final anchor/,
    );
    expect(lock.sent.length).toBe(before);
  });
});
