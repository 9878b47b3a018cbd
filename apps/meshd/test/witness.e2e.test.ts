// meshd's witness role as a real process: add-checkpoint on the node's port answers cosignature/v1
// lines that verify under the vkey meshd logs; its state survives a clean stop and a crash
// (SIGKILL) — a restarted witness refuses a rollback and a fork of what it cosigned; its config
// errors and a state directory in use stop meshd with one line and exit 2.
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import {
  encodePrivateKey,
  formatSignerKey,
  formatVerifierKey,
  initKeys,
  type KeyPair,
  keyPairFromSeed,
  MerkleTree,
  noteVerifier,
  signCheckpoint,
  verifyCheckpoint,
} from "@chronoseal/core";
import { WitnessClient, WitnessClientError } from "@chronoseal/witness";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const main = resolve(dirname(fileURLToPath(import.meta.url)), "..", "dist", "main.js");
const ADMIN = "11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=";
const ORIGIN = "example.org/log";
let root = "";
let log: KeyPair;
let wkey: KeyPair;
const children = new Set<ChildProcess>();
const t = MerkleTree.fromLeaves(
  Array.from({ length: 100 }, (_, i) => new TextEncoder().encode(`entry ${i}`)),
);

beforeAll(async () => {
  await initKeys();
  root = mkdtempSync(join(tmpdir(), "meshd-witness-"));
  log = keyPairFromSeed(new Uint8Array(32).fill(21));
  wkey = keyPairFromSeed(new Uint8Array(32).fill(22));
  writeFileSync(
    join(root, "node.pem"),
    encodePrivateKey(keyPairFromSeed(new Uint8Array(32).fill(23)), "pem") as string,
  );
  writeFileSync(join(root, "witness.pem"), encodePrivateKey(wkey, "pem") as string);
});
afterAll(() => {
  for (const c of children) c.kill("SIGKILL");
});

function config(
  name: string,
  extra: Record<string, unknown> = {},
  witness: Record<string, unknown> = {},
): string {
  const dir = join(root, name);
  mkdirSync(dir, { recursive: true });
  const path = join(dir, "meshd.json");
  writeFileSync(
    path,
    JSON.stringify({
      stateDir: "state",
      nodeKeyFile: "../node.pem",
      networks: [{ admin: ADMIN }],
      listen: "127.0.0.1:0",
      witness: {
        name: "witness.example.org/w1",
        keyFile: "../witness.pem",
        logs: [{ origin: ORIGIN, key: formatVerifierKey(ORIGIN, log.publicKey) }],
        ...witness,
      },
      ...extra,
    }),
  );
  return path;
}

interface Running {
  child: ChildProcess;
  url: string;
  lines: Record<string, unknown>[];
  exited: Promise<number | string | null>;
  /** Resolves once a log line with this message has arrived (stdout may trail the HTTP answer). */
  logged(msg: string): Promise<Record<string, unknown>>;
}

/** Starts meshd and waits for its "witness serving" log line (a condition, not a delay). */
function start(path: string): Promise<Running> {
  const child = spawn(process.execPath, [main, "--config", path], { stdio: ["ignore", "pipe", "pipe"] });
  children.add(child);
  const lines: Record<string, unknown>[] = [];
  const waiting: { msg: string; resolve: (l: Record<string, unknown>) => void }[] = [];
  const logged = (msg: string) =>
    new Promise<Record<string, unknown>>((r) => {
      const seen = lines.find((l) => l.msg === msg);
      if (seen) r(seen);
      else waiting.push({ msg, resolve: r });
    });
  const exited = new Promise<number | string | null>((r) =>
    child.once("exit", (code, sig) => r(code ?? sig)),
  );
  return new Promise((resolve, reject) => {
    let buf = "";
    let err = "";
    child.stderr!.on("data", (d) => {
      err += d;
    });
    child.stdout!.on("data", (d) => {
      buf += d;
      let nl = buf.indexOf("\n");
      while (nl >= 0) {
        const line = JSON.parse(buf.slice(0, nl)) as Record<string, unknown>;
        buf = buf.slice(nl + 1);
        lines.push(line);
        for (const w of waiting.filter((x) => x.msg === line.msg)) w.resolve(line);
        if (line.msg === "witness serving add-checkpoint")
          resolve({ child, url: line.url as string, lines, exited, logged });
        nl = buf.indexOf("\n");
      }
    });
    void exited.then((code) => reject(new Error(`meshd exited with ${code}: ${err}`)));
  });
}

async function stop(r: Running, signal: "SIGTERM" | "SIGKILL"): Promise<void> {
  r.child.kill(signal);
  await r.exited;
  children.delete(r.child);
}

const cp = (size: number) =>
  signCheckpoint({ origin: ORIGIN, size, root: t.rootAt(size) }, [
    { name: ORIGIN, secretKey: log.secretKey },
  ]);
const body = (old: number, size: number, note = cp(size)) =>
  `old ${old}\n${t
    .consistencyProof(old, size)
    .map((h) => `${Buffer.from(h).toString("base64")}\n`)
    .join("")}\n${note}`;
const post = async (url: string, text: string) => {
  const r = await fetch(`${url}/add-checkpoint`, { method: "POST", body: text });
  return { status: r.status, type: r.headers.get("content-type"), text: await r.text() };
};

describe("meshd witness", () => {
  it("cosigns on the node's port, logs its vkey, and keeps serving after refusals", async () => {
    const m = await start(config("serve"));
    const started = m.lines.find((l) => l.msg === "witness serving add-checkpoint")!;
    expect(started.vkey).toBe(formatVerifierKey("witness.example.org/w1", wkey.publicKey, "cosignature/v1"));
    const r = await post(m.url, body(0, 10));
    expect(r.status).toBe(200);
    const v = verifyCheckpoint(cp(10) + r.text, {
      keys: [noteVerifier(ORIGIN, log.publicKey)],
      witnesses: [noteVerifier("witness.example.org/w1", wkey.publicKey, "cosignature/v1")],
    });
    expect(v.witnesses[0]!.timestamp).toBeGreaterThan(1_700_000_000);
    // Refusals: malformed, unknown origin, forged, stale, bad proof — the daemon goes on.
    expect((await post(m.url, "old x\n\n")).status).toBe(400);
    const unknown = signCheckpoint({ origin: "other.org/log", size: 1, root: t.rootAt(1) }, [
      { name: ORIGIN, secretKey: log.secretKey },
    ]);
    expect((await post(m.url, `old 0\n\n${unknown}`)).status).toBe(404);
    const forged = signCheckpoint({ origin: ORIGIN, size: 12, root: t.rootAt(12) }, [
      { name: ORIGIN, secretKey: wkey.secretKey },
    ]);
    expect((await post(m.url, `old 10\n\n${forged}`)).status).toBe(403);
    expect(await post(m.url, body(0, 12))).toEqual({ status: 409, type: "text/x.tlog.size", text: "10\n" });
    expect((await post(m.url, `old 10\n\n${cp(12)}`)).status).toBe(422);
    expect((await post(m.url, body(10, 12))).status).toBe(200);
    expect((await fetch(`${m.url}/v1/status`)).status).toBe(200);
    await stop(m, "SIGTERM");
    expect(await m.exited).toBe(0);
  });

  it("after a crash (SIGKILL) and a restart, a rollback and a fork are refused", async () => {
    const path = config("crash");
    const a = await start(path);
    const client = new WitnessClient({
      url: a.url,
      key: formatVerifierKey("witness.example.org/w1", wkey.publicKey, "cosignature/v1"),
    });
    await client.cosign(cp(40), { oldSize: 0, proof: (from) => t.consistencyProof(from, 40) });
    await stop(a, "SIGKILL");
    const b = await start(path);
    expect(await post(b.url, body(0, 20))).toMatchObject({ status: 409, text: "40\n" });
    const forkTree = MerkleTree.fromLeaves(
      Array.from({ length: 60 }, (_, i) => new TextEncoder().encode(`fork ${i}`)),
    );
    const fork = signCheckpoint({ origin: ORIGIN, size: 40, root: forkTree.rootAt(40) }, [
      { name: ORIGIN, secretKey: log.secretKey },
    ]);
    expect(await post(b.url, `old 40\n\n${fork}`)).toMatchObject({ status: 409, text: "40\n" });
    const evidence = await b.logged(
      "witness: the log signed two checkpoints of one size with different roots",
    );
    expect(evidence).toMatchObject({ origin: ORIGIN, size: 40, witnessSize: 40 });
    expect(existsSync(evidence.evidence as string)).toBe(true);
    // The client re-proves from 40 and goes on.
    const c = new WitnessClient({ url: b.url, key: client.verifier });
    expect(
      (await c.cosign(cp(41), { oldSize: 0, proof: (from) => t.consistencyProof(from, 41) })).oldSize,
    ).toBe(40);
    await expect(
      c.cosign(cp(30), { oldSize: 0, proof: (from) => t.consistencyProof(from, 30) }),
    ).rejects.toBeInstanceOf(WitnessClientError);
    await stop(b, "SIGTERM");
  });

  it("a witness key given as a note signer key must carry witness.name", async () => {
    writeFileSync(
      join(root, "signer.key"),
      formatSignerKey("witness.example.org/w1", wkey, "cosignature/v1"),
    );
    const m = await start(config("signer", {}, { keyFile: "../signer.key", prefix: "/witness" }));
    expect(m.url.endsWith("/witness")).toBe(true);
    expect((await post(m.url, body(0, 3))).status).toBe(200);
    await stop(m, "SIGTERM");
    writeFileSync(join(root, "other.key"), formatSignerKey("someone.else", wkey, "cosignature/v1"));
    const r = spawnSync(
      process.execPath,
      [main, "--config", config("signer2", {}, { keyFile: "../other.key" })],
      {
        encoding: "utf8",
      },
    );
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(
      /^meshd: witness\.keyFile .*: the signer key's name someone\.else is not witness\.name/,
    );
  });

  it("config errors and a witness state directory in use: one line, exit 2", async () => {
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ keyFile: "../missing.pem" }, /^meshd: witness\.keyFile .*missing\.pem: ENOENT/],
      [{ logs: [] }, /^meshd: witness\.logs: expected a non-empty array/],
      [{ logs: [{ origin: ORIGIN, key: "nope" }] }, /^meshd: witness\.logs\[0\]\.key: /],
      [{ name: "bad name" }, /^meshd: witness\.name: /],
      [{ extra: 1 }, /^meshd: witness: unknown field extra/],
    ];
    for (const [w, message] of cases) {
      const r = spawnSync(process.execPath, [main, "--config", config(`bad-${Math.random()}`, {}, w)], {
        encoding: "utf8",
      });
      expect(r.status, r.stderr).toBe(2);
      expect(r.stderr.trimEnd().split("\n")).toHaveLength(1);
      expect(r.stderr).toMatch(message);
    }
    // Two meshd processes sharing one witness state directory: the second stops.
    const shared = { stateDir: join(root, "shared-witness") };
    const a = await start(config("first", {}, shared));
    const r = spawnSync(process.execPath, [main, "--config", config("second", {}, shared)], {
      encoding: "utf8",
    });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(
      /^meshd: witness: witness state directory .*shared-witness is in use by process \d+/,
    );
    await stop(a, "SIGTERM");
    // A clean stop releases the directory.
    expect(existsSync(join(root, "shared-witness", "witness.lock"))).toBe(false);
  });
});
