// The smoke test's system run (smoke.mjs steps 3-5), every part a single executable: a network
// made by `chronoseal mesh init`, three meshd nodes (node 0 the attestor), a collector on SQLite,
// one lock agent publishing anchors to node 1, and `chronoseal lock audit` reading node 2.
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { check, freePort, getJson, waitFor } from "./smoke-lib.mjs";

const DOOR = "door-1";
const SECTION = "lock-anchors";

function writeJson(path, value) {
  writeFileSync(path, `${JSON.stringify(value, null, 2)}\n`);
}

const pub = (work, file) => readFileSync(join(work, `${file}.pub`), "utf8").trim();

/** Three meshd nodes; resolves when node 2 lists the three names, attested. */
export async function meshStep(bins, work) {
  bins.ok("chronoseal", ["keygen", "--out", "attestor.key"]);
  bins.ok("chronoseal", ["keygen", "--out", "device.key"]);
  const network = bins
    .ok("chronoseal", [
      "mesh",
      "init",
      "--out",
      "net",
      "--tld",
      "smoke",
      "--attestor",
      pub(work, "attestor.key"),
    ])
    .trim();
  check(/^[A-Za-z0-9+/]{43}=$/.test(network), `mesh init printed ${network}`);
  const urls = [];
  const nodes = [];
  for (let i = 0; i < 3; i++) {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const dir = join(work, `n${i}`);
    mkdirSync(dir);
    bins.ok("chronoseal", ["keygen", "--out", join(dir, "node.key")]);
    writeJson(join(dir, "meshd.json"), {
      stateDir: "state",
      listen: `127.0.0.1:${port}`,
      nodeKeyFile: "node.key",
      ...(i === 0 ? { attestorKeyFile: "../attestor.key" } : {}),
      networks: [
        {
          admin: network,
          ...(i === 0 ? { settingsFile: "../net/settings.json" } : { bootstrapPeers: [urls[0]] }),
        },
      ],
      claims: [`n${i}`],
      gossipMs: 200,
      dnsFile: "dns.json",
    });
    const d = bins.start("meshd", ["--config", "meshd.json", "--exit-with-parent"], { cwd: dir });
    await waitFor(`meshd n${i} status`, () => getJson(`${url}/v1/status`), { daemons: [d] });
    urls.push(url);
    nodes.push(d);
    if (i === 0)
      // The lock's device key may write the anchors section (append-only).
      bins.ok("chronoseal", [
        "mesh",
        "settings",
        "set",
        "--admin",
        "net/admin.pem",
        "--settings",
        "net/settings.json",
        "--node",
        url,
        "--section",
        `${SECTION}=append-only:${pub(work, "device.key")}`,
      ]);
  }
  const names = await waitFor(
    "node 2 to list n0, n1 and n2 as attested names",
    async () => {
      const s = await getJson(`${urls[2]}/v1/status`);
      const got = (s?.networks?.[0]?.names ?? []).map((n) => n.hostname).sort();
      return got.length === 3 ? got : undefined;
    },
    { daemons: nodes },
  );
  check(names.map((n) => n.replace(/\.smoke$/, "")).join() === "n0,n1,n2", `names on node 2: ${names}`);
  // dns.json is written (atomically) on change: wait for the three names in it.
  await waitFor(
    "node 2's dns.json to list n0.smoke, n1.smoke and n2.smoke",
    () => {
      const dns = readFileSync(join(work, "n2", "dns.json"), "utf8");
      return ["n0", "n1", "n2"].every((n) => dns.includes(`"hostname":"${n}.smoke"`));
    },
    { daemons: nodes },
  );
  return { network, urls, nodes };
}

/** A collector and a lock agent; resolves when the agent stopped, all entries are in the
 * collector and node 2 holds every anchor node 1 holds, all attested. */
export async function lockStep(bins, work, mesh) {
  const port = await freePort();
  const collectorUrl = `http://127.0.0.1:${port}`;
  mkdirSync(join(work, "collector"));
  writeJson(join(work, "collector", "collector.json"), {
    listen: `127.0.0.1:${port}`,
    storage: { type: "sqlite", path: "collector.db" },
    devices: { [DOOR]: pub(work, "device.key") },
  });
  const collector = bins.start("chronoseal-collector", ["--config", "collector.json", "--exit-with-parent"], {
    cwd: join(work, "collector"),
  });
  await waitFor("collector /healthz", () => getJson(`${collectorUrl}/healthz`), { daemons: [collector] });
  mkdirSync(join(work, "lock"));
  writeJson(join(work, "lock", "lock.json"), {
    dir: "device",
    door: DOOR,
    period: "2025-01",
    keyFile: "../device.key",
    collector: collectorUrl,
    mesh: { nodes: [mesh.urls[1]], network: mesh.network },
    anchorEvery: 5,
    tickMs: 20,
    driver: { type: "simulated", badgeEveryMs: 40, holdOpenMs: 20, holdLongEvery: 0, seed: 7 },
  });
  const agent = bins.start("chronoseal-lock-agent", ["--config", "lock.json"], { cwd: join(work, "lock") });
  const head = async () => {
    const chains = await getJson(`${collectorUrl}/v1/chains?door=${DOOR}`);
    return chains?.length === 1 ? chains[0].seq : -1;
  };
  await waitFor("40 entries in the collector", async () => (await head()) >= 40, {
    daemons: [agent, collector],
  });
  check((await agent.stop("SIGTERM")) === 0, `lock agent: no clean stop\n${agent.stderr}`);
  const durable = Math.max(...agent.lines.filter((l) => l.msg === "entry durable").map((l) => l.seq));
  const delivered = await head();
  check(
    delivered === durable,
    `the collector holds through seq ${delivered}, the lock wrote through ${durable}`,
  );
  const section = (url) =>
    getJson(`${url}/v1/networks/${encodeURIComponent(mesh.network)}/sections/${SECTION}`);
  const records = await waitFor(
    "node 2 to hold node 1's anchors, attested",
    async () => {
      const [at1, at2] = [await section(mesh.urls[1]), await section(mesh.urls[2])];
      const r = at2?.records ?? [];
      return r.length >= 5 && r.length === at1?.records?.length && r.every((x) => x.time !== undefined)
        ? r
        : undefined;
    },
    { daemons: mesh.nodes },
  );
  // Operations with prom-client bundled: readiness, metrics, the lock's status file.
  const ready = await getJson(`${collectorUrl}/readyz`);
  check(ready?.status === "ready", `collector /readyz: ${JSON.stringify(ready)}`);
  const counted = /^chronoseal_collector_ingested_entries_total\{status="accepted"\} (\d+)$/m.exec(
    await (await fetch(`${collectorUrl}/metrics`)).text(),
  );
  check(
    Number(counted?.[1]) === delivered + 1,
    `collector /metrics: ${counted?.[1]} accepted entries counted`,
  );
  for (const url of mesh.urls) {
    check((await getJson(`${url}/readyz`))?.status === "ready", `${url}/readyz: not ready`);
    const text = await (await fetch(`${url}/metrics`)).text();
    check(
      /^chronoseal_mesh_gossip_rounds_total [1-9]/m.test(text),
      `${url}/metrics: no gossip round counted`,
    );
  }
  const status = JSON.parse(readFileSync(join(work, "lock", "device", "status.json"), "utf8"));
  check(
    status.entries === durable + 1,
    `lock status.json: ${status.entries} entries, ${durable + 1} written`,
  );
  return { collector, collectorUrl, entries: delivered + 1, records };
}

/** `chronoseal lock audit` against the collector and node 2's anchors. */
export async function auditStep(bins, work, mesh, lock) {
  // The anchors as an NDJSON file (notes, device registrations) from node 2's section: for CLIs
  // without --mesh, and for the negative case below.
  const lines = lock.records.map((r) =>
    JSON.stringify(r.key.startsWith("device:") ? { device: r.value.door, key: r.value.key } : r.value.note),
  );
  writeFileSync(join(work, "anchors.ndjson"), `${lines.join("\n")}\n`);
  const hasMesh = /--mesh/.test(bins.ok("chronoseal", ["lock", "audit", "--help"]));
  const source = hasMesh
    ? ["--mesh", mesh.urls[2], "--network", mesh.network]
    : ["--anchors", "anchors.ndjson"];
  const r = bins.run("chronoseal", ["lock", "audit", "--collector", lock.collectorUrl, ...source, "--json"]);
  let report;
  try {
    report = JSON.parse(r.stdout);
  } catch {
    check(false, `lock audit (${source[0]}): exit ${r.status}, not JSON: ${r.stdout}${r.stderr}`);
  }
  const chain = report.chains.find((c) => c.door === DOOR);
  check(report.chains.length === 1 && chain, `audit chains: ${JSON.stringify(report.chains)}`);
  const findings = chain.findings.filter((f) => f.kind !== "unanchored");
  check(findings.length === 0, `audit findings: ${JSON.stringify(findings)}`);
  check(report.entries === lock.entries, `audit read ${report.entries} entries of ${lock.entries}`);
  check(chain.anchoredThrough >= 30, `anchored through ${chain.anchoredThrough} only`);
  check(r.status === (report.verified ? 0 : 1), `audit exit ${r.status} with verified=${report.verified}`);
  check(report.verified === chain.verified, "report and chain verdicts differ");
  bins.ok("chronoseal", ["keygen", "--out", "impostor.key"]);
  writeJson(join(work, "impostor.json"), { [DOOR]: pub(work, "impostor.key") });
  const wrong = bins.run("chronoseal", [
    "lock",
    "audit",
    "--collector",
    lock.collectorUrl,
    "--anchors",
    "anchors.ndjson",
    "--devices",
    "impostor.json",
  ]);
  check(
    wrong.status === 1 && /NOT verified/.test(wrong.stdout),
    `audit with a wrong device key: exit ${wrong.status}\n${wrong.stdout}`,
  );
  console.log(
    `      audit via ${source[0]}: ${report.entries} entries, anchored through ${chain.anchoredThrough}, verified=${report.verified}`,
  );
}
