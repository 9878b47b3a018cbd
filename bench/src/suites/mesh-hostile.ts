// A meshd process under a hostile push (issue 12 item 4): GET /v1/status latency (p50, p99) while
// a 16 MiB POST of ~38,000 claims with bogus signatures is verified, against the same latency
// with no load in the same run, and the daemon's RSS (from /proc) before, at peak and after.
// Targets: p99 ≤ 100 ms under load; RSS back within 20 % of its level before.
import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { encodePrivateKey, generateKeyPair, initKeys, toBase64 } from "@chronoseal/core";
import { createNetwork, launchMeshd } from "@chronoseal/launch";
import type { Ratio, SuiteResult } from "../harness.js";

function rssOf(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  return m ? Number(m[1]) * 1024 : Number.NaN;
}

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
};

async function statusOnce(url: string): Promise<number> {
  const t = performance.now();
  const r = await fetch(`${url}/v1/status`);
  await r.arrayBuffer();
  if (r.status !== 200) throw new Error(`status answered ${r.status}`);
  return performance.now() - t;
}

function bound(name: string, value: number, target: number): Ratio {
  console.log(
    `  ratio ${name}: ${value.toFixed(2)}×  ${value >= target ? "(target met)" : "(target NOT met)"}`,
  );
  return { name, value, target };
}

export async function meshHostileSuite(): Promise<SuiteResult> {
  await initKeys();
  const dir = mkdtempSync(join(tmpdir(), "bench-mesh-hostile-"));
  const attestor = generateKeyPair();
  const net = createNetwork({ tld: "mesh", attestors: [toBase64(attestor.publicKey)] });
  writeFileSync(join(dir, "settings.json"), JSON.stringify(net.settings));
  writeFileSync(join(dir, "attestor.pem"), encodePrivateKey(attestor, "pem") as string);
  const node = await launchMeshd({
    dir: join(dir, "n0"),
    config: {
      attestorKeyFile: "../attestor.pem",
      networks: [{ admin: net.key, settingsFile: "../settings.json" }],
      claims: ["node0"],
      gossipMs: 1000,
      logLevel: "warn",
    },
  });
  try {
    const pid = node.child!.pid!;
    const pushUrl = `${node.url}/v1/networks/${encodeURIComponent(net.key)}/push`;
    const now = new Date().toISOString();
    const hostile = (n: number) =>
      JSON.stringify({
        version: 1,
        network: net.key,
        entries: Array.from({ length: n }, (_, i) => ({
          kind: "claim",
          network: net.key,
          writer: toBase64(randomBytes(32)),
          last_updated: now,
          hostname: `h${i}-${"x".repeat(42)}`,
          signatures: {
            [toBase64(randomBytes(32))]: { signed_at: now, signature: toBase64(randomBytes(64)) },
          },
        })),
        attestations: {},
      });
    // Steady level: after a first 2 MiB push (the worker machinery loaded once, as in normal gossip).
    await (await fetch(pushUrl, { method: "POST", body: hostile(4800) })).arrayBuffer();
    const idle: number[] = [];
    for (let i = 0; i < 300; i++) idle.push(await statusOnce(node.url));
    const settle = async () => {
      // the lowest of 40 samples over 8 s (V8 returns memory lazily), with status requests between
      const samples: number[] = [];
      for (let i = 0; i < 40; i++) {
        await statusOnce(node.url);
        samples.push(rssOf(pid));
        await new Promise((r) => setTimeout(r, 200));
      }
      return Math.min(...samples);
    };
    const before = await settle();
    const N = 38_000;
    const body = hostile(N);
    const loaded: number[] = [];
    let peak = before;
    let done = false;
    const t0 = performance.now();
    const push = fetch(pushUrl, { method: "POST", body }).then(async (r) => {
      await r.arrayBuffer();
      done = true;
      return r.status;
    });
    while (!done) {
      loaded.push(await statusOnce(node.url));
      peak = Math.max(peak, rssOf(pid));
    }
    const status = await push;
    const seconds = (performance.now() - t0) / 1000;
    const after = await settle();
    // A second hostile push: memory does not grow request after request.
    await (await fetch(pushUrl, { method: "POST", body })).arrayBuffer();
    const afterTwo = await settle();
    const st = (await (await fetch(`${node.url}/v1/status`)).json()) as {
      networks: { rejected: Record<string, number> }[];
    };
    const refused = st.networks[0]!.rejected["invalid-signature"] ?? 0;
    if (status !== 422 || refused !== 2 * N + 4800)
      throw new Error(`mesh-hostile: push answered ${status}, ${refused} refused`);
    const mib = (b: number) => (b / 2 ** 20).toFixed(1);
    const line = `16 MiB push of ${N.toLocaleString("en-US")} bogus claims (${mib(body.length)} MiB) refused in ${seconds.toFixed(1)} s; GET /v1/status during it: ${loaded.length} answers, p50 ${pct(loaded, 50).toFixed(1)} ms, p99 ${pct(loaded, 99).toFixed(1)} ms, max ${Math.max(...loaded).toFixed(1)} ms (idle, same run: p50 ${pct(idle, 50).toFixed(1)} ms, p99 ${pct(idle, 99).toFixed(1)} ms); meshd RSS ${mib(before)} MiB before, ${mib(peak)} MiB at peak, ${mib(after)} MiB after (${((100 * after) / before).toFixed(0)} %), ${mib(afterTwo)} MiB after a second such push (${((100 * afterTwo) / before).toFixed(0)} %). The level before is the steady one after a first 2 MiB push.`;
    console.log(`  ${line}`);
    return {
      suite: "mesh-hostile",
      measurements: [],
      ratios: [
        bound("100 ms ÷ status p99 under a hostile 16 MiB push", 100 / pct(loaded, 99), 1),
        bound("1.2 ÷ (RSS after ÷ RSS before)", 1.2 / (after / before), 1),
        bound("1.2 ÷ (RSS after two pushes ÷ RSS before)", 1.2 / (afterTwo / before), 1),
      ],
      notes: [
        line,
        "Ingest verifies in a worker thread (ingest-pool.ts); the machine was shared with other work.",
      ],
    };
  } finally {
    await node.stop("SIGTERM");
  }
}
