// The witness's durable state: what it cosigned survives a restart (a new Witness on the same
// directory never cosigns a rollback), a corrupt or unreadable state file refuses the origin
// (500) instead of starting over, the file is replaced atomically, and one process owns a directory.
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { noteVerifier } from "@chronoseal/core";
import { beforeAll, describe, expect, it } from "vitest";
import { Witness, WitnessConfigError, WitnessError, WitnessStore } from "../src/index.js";
import { body, checkpoint, keys, logOf, tempDir, tree } from "./helpers.js";

let k: Awaited<ReturnType<typeof keys>>;
const t = tree(50);
beforeAll(async () => {
  k = await keys();
});

const witnessOn = (dir: string) =>
  new Witness({ signer: { name: "w", secretKey: k.witness.secretKey }, logs: [logOf(k.log)], store: dir });
const add = (w: Witness, old: number, size: number) =>
  w.addCheckpoint(body(old, t.consistencyProof(old, size), checkpoint(t, size, k.log)));

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(WitnessError);
    return `${(e as WitnessError).status} ${(e as WitnessError).code} ${(e as WitnessError).size ?? ""}`.trim();
  }
  throw new Error("expected a WitnessError");
}

describe("persistence", () => {
  it("after a restart the witness remembers its size and root: no rollback, no fork", async () => {
    const dir = tempDir();
    const a = witnessOn(dir);
    await add(a, 0, 20);
    a.close();
    const b = witnessOn(dir);
    expect(await codeOf(add(b, 0, 10))).toBe("409 ERR_WITNESS_CONFLICT 20");
    const fork = checkpoint(tree(50, "fork"), 20, k.log);
    expect(await codeOf(b.addCheckpoint(body(20, [], fork)))).toBe("409 ERR_WITNESS_CONFLICT 20");
    expect((await add(b, 20, 33)).size).toBe(33);
    b.close();
  });

  it("one JSON file per origin, replaced atomically: no temp file is left", async () => {
    const dir = tempDir();
    const w = witnessOn(dir);
    await add(w, 0, 5);
    await add(w, 5, 6);
    const files = readdirSync(join(dir, "logs"));
    expect(files).toHaveLength(1);
    expect(files[0]).toMatch(/^[0-9a-f]{64}\.json$/);
    const state = JSON.parse(readFileSync(join(dir, "logs", files[0]!), "utf8"));
    expect(state).toMatchObject({
      v: 1,
      origin: "example.org/log",
      size: 6,
      root: Buffer.from(t.rootAt(6)).toString("base64"),
    });
    expect(state.note).toBe(checkpoint(t, 6, k.log));
    w.close();
  });

  it("a corrupt state file refuses the origin (500) and is left as it is", async () => {
    const dir = tempDir();
    const a = witnessOn(dir);
    await add(a, 0, 8);
    a.close();
    const file = join(dir, "logs", readdirSync(join(dir, "logs"))[0]!);
    for (const junk of ["{", '{"v":1,"origin":"example.org/log","size":-1}', ""]) {
      writeFileSync(file, junk);
      const b = witnessOn(dir);
      expect(await codeOf(add(b, 0, 3))).toBe("500 ERR_WITNESS_STATE");
      expect(await codeOf(add(b, 8, 9))).toBe("500 ERR_WITNESS_STATE");
      expect(readFileSync(file, "utf8")).toBe(junk);
      b.close();
    }
  });

  it("a state file it cannot write is a 500, and nothing is cosigned", async () => {
    const dir = tempDir();
    const w = witnessOn(dir);
    await add(w, 0, 2);
    const file = join(dir, "logs", readdirSync(join(dir, "logs"))[0]!);
    // A directory where the temp file goes: the write fails whoever runs the test (root too).
    mkdirSync(`${file}.tmp`);
    expect(await codeOf(add(w, 2, 3))).toBe("500 ERR_WITNESS_STATE");
    expect(JSON.parse(readFileSync(file, "utf8")).size).toBe(2);
    rmSync(`${file}.tmp`, { recursive: true });
    expect((await add(w, 2, 3)).size).toBe(3);
    w.close();
  });

  it("one process per directory: a second store is refused while the first holds it", () => {
    const dir = tempDir();
    const a = WitnessStore.open(dir);
    expect(readFileSync(join(dir, "witness.lock"), "utf8").trim()).toBe(String(process.pid));
    a.close();
    expect(existsSync(join(dir, "witness.lock"))).toBe(false);
    // A lock left by a process that is gone is taken over; one by a live process is refused.
    writeFileSync(join(dir, "witness.lock"), "2147483646\n");
    WitnessStore.open(dir).close();
    writeFileSync(join(dir, "witness.lock"), `${process.ppid}\n`);
    expect(() => WitnessStore.open(dir)).toThrow(WitnessConfigError);
  });
});

describe("configuration", () => {
  it("refuses bad signers and log lists with WitnessConfigError", () => {
    const dir = tempDir();
    expect(
      () =>
        new Witness({
          signer: { name: "w", secretKey: new Uint8Array(3) },
          logs: [logOf(k.log)],
          store: dir,
        }),
    ).toThrow(WitnessConfigError);
    expect(
      () =>
        new Witness({
          signer: { name: "bad name", secretKey: k.witness.secretKey },
          logs: [logOf(k.log)],
          store: dir,
        }),
    ).toThrow(WitnessConfigError);
    expect(
      () =>
        new Witness({
          signer: { name: "w", secretKey: k.witness.secretKey },
          logs: [logOf(k.log), { origin: "example.org/log", keys: [noteVerifier("x", k.log.publicKey)] }],
          store: dir,
        }),
    ).toThrow(WitnessConfigError);
  });
});
