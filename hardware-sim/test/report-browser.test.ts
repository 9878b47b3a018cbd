// The HTML fleet report in headless Chromium (playwright-core driving the system's
// /usr/bin/chromium; no browser is downloaded). First a large synthetic fleet: no errors, no
// requests beyond the file, a section per door, the no-JavaScript filter. Then the report a real
// run writes (runSystemSim: meshd and collector processes, real locks, every fault kind and every
// tampering mode): its structure checked through the DOM against the run's ground truth — the
// comparison at the top with the right numbers, one section per door with its anchors and their
// attestations, the faults visible as text, a glossary entry for every finding kind — a screenshot
// written to test-output/ and checked to be a PNG of sane size, and the same report with every
// string replaced by markup rendering as inert text. Like every external tool: without Chromium
// the suite skips with a message saying how to install it, except in CI (env CI set: .ci/run
// installs Chromium and requires it), where a missing Chromium fails.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { FINDING_KINDS } from "@chronoseal/lock";
import { type Browser, chromium, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FINDING_GLOSSARY } from "../src/glossary.js";
import type { FleetReport } from "../src/report.js";
import { renderHtml } from "../src/report-html.js";
import { runSystemSim } from "../src/sim-run.js";
import { synthetic } from "./synthetic-report.js";

const CHROMIUM = "/usr/bin/chromium";
const skipChromium = !existsSync(CHROMIUM) && !process.env.CI;
if (skipChromium)
  console.warn(
    `[hardware-sim] skipping the headless-Chromium report tests: ${CHROMIUM} is missing (Debian/Ubuntu: apt-get install -y chromium; CI installs it)`,
  );
const OUT = new URL("../test-output/", import.meta.url).pathname;
const HOSTILE = `<script>window.__pwned=1</script><img src=x onerror="window.__pwned=2">"'&`;

let browser: Browser;
let dir: string;

// Launching Chromium can take longer than vitest's 10 s hook default on a loaded machine.
beforeAll(async () => {
  if (skipChromium) return;
  if (!existsSync(CHROMIUM))
    throw new Error(
      `${CHROMIUM} is missing: the report tests need it. Debian/Ubuntu: apt-get install -y chromium (CI's .ci/run installs it when missing).`,
    );
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-dev-shm-usage",
      "--disable-background-networking",
    ],
  });
  dir = mkdtempSync(join(tmpdir(), "chronoseal-report-"));
}, 60_000);

afterAll(async () => {
  await browser?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** Opens a file, collecting page errors, console errors and every request. */
async function open(
  file: string,
): Promise<{ page: Page; problems: string[]; requests: string[]; url: string }> {
  const url = pathToFileURL(file).href;
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const problems: string[] = [];
  const requests: string[] = [];
  page.on("pageerror", (e) => problems.push(`pageerror: ${e.message}`));
  page.on("console", (m) => {
    if (m.type() === "error" || m.type() === "warning") problems.push(`console ${m.type()}: ${m.text()}`);
  });
  page.on("requestfailed", (r) => problems.push(`requestfailed: ${r.url()} ${r.failure()?.errorText}`));
  page.on("request", (r) => requests.push(r.url()));
  const response = await page.goto(url, { waitUntil: "load" });
  expect(response?.ok() ?? true).toBe(true);
  return { page, problems, requests, url };
}

/** Shown on screen: displayed, visible, with a non-zero size. */
async function visible(page: Page, selector: string): Promise<boolean[]> {
  return page.$$eval(selector, (els) =>
    els.map((el) => {
      const r = el.getBoundingClientRect();
      const st = getComputedStyle(el);
      return st.display !== "none" && st.visibility === "visible" && r.width > 0 && r.height > 0;
    }),
  );
}

/** Width and height from a PNG's IHDR chunk (after checking the signature). */
function pngSize(buf: Buffer): { width: number; height: number } {
  expect(buf.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
  expect(buf.subarray(12, 16).toString("latin1")).toBe("IHDR");
  return { width: buf.readUInt32BE(16), height: buf.readUInt32BE(20) };
}

describe.skipIf(skipChromium)("the report in headless Chromium", () => {
  it("a large synthetic fleet: no errors or requests, a section per door, tampered doors marked, the filter", async () => {
    const report = synthetic({
      doors: 20,
      days: 7,
      eventsPerDoor: 2000,
      tamperEvery: 4,
      name: (i) => (i === 5 ? HOSTILE : `door-${i}`),
    });
    const tampered = report.doors.filter((d) => !d.verified).map((d) => d.door);
    expect(tampered.length).toBe(5);
    const file = join(dir, "synthetic.html");
    writeFileSync(file, renderHtml(report));
    const { page, problems, requests, url } = await open(file);
    const doors = await page.$$eval("[data-door]", (els) =>
      els.map((el) => ({
        name: el.getAttribute("data-door"),
        shown: el.querySelector(".name")?.textContent,
        verified: el.getAttribute("data-verified"),
        badge: el.querySelector(".badge")?.textContent,
        tamperedMarks: el.querySelectorAll("svg rect.tampered").length,
        svgWidth: el.querySelector("svg")?.getBoundingClientRect().width ?? 0,
      })),
    );
    expect(doors.map((d) => d.name)).toEqual(report.doors.map((d) => d.door));
    expect(doors.map((d) => d.shown)).toEqual(report.doors.map((d) => d.door));
    for (const d of doors) {
      const bad = tampered.includes(d.name!);
      expect(d.verified).toBe(String(!bad));
      expect(d.badge).toBe(bad ? "TAMPERED" : "verified");
      expect(d.tamperedMarks > 0).toBe(bad);
      expect(d.svgWidth).toBeGreaterThan(100);
    }
    const inert = await page.evaluate(() => ({
      scripts: document.scripts.length,
      images: document.images.length,
      pwned: (window as unknown as { __pwned?: number }).__pwned,
    }));
    expect(inert).toEqual({ scripts: 0, images: 0, pwned: undefined });
    const title = await page.locator("[data-door] svg rect.tampered title").first().textContent();
    expect(title).toMatch(/seq \d+ · chain [^ ]+ · altered · .* — signature does not match/);
    expect(await page.locator('[data-stat="tampered"] b').textContent()).toBe("5");
    // The "only tampered doors" filter is CSS (:has), no script.
    await page.locator("#only-bad").check();
    const shown = await page.$$eval("[data-door]", (els) =>
      els.filter((el) => (el as HTMLElement).offsetParent !== null).map((el) => el.getAttribute("data-door")),
    );
    expect(shown).toEqual(tampered);
    expect(problems).toEqual([]);
    expect(requests).toEqual([url]);
    await page.close();
  });

  // 60 s, not the default 30 s: starts three meshd processes and a collector, simulates 4 locks for
  // two days with every fault kind and tampering mode, then loads the report twice in Chromium.
  it("a real run's report tells the story: ground truth, tampering, faults, doors with anchors, glossary; screenshot", async () => {
    const out = join(dir, "run");
    const r = await runSystemSim({
      locks: 4,
      days: 2,
      seed: 3,
      faults: { powerCuts: 2, tornRate: 0.5, clockJumps: 2, partitions: 1 },
      adversary: ["drop", "reorder", "alter", "replay", "fork"].map((mode) => ({
        mode: mode as "drop",
        count: 1,
      })),
      outDir: out,
    });
    const truth = r.run.truth;
    expect(r.check.problems).toEqual([]); // this seed's audit agrees (test/report.test.ts shows a disagreeing one)
    expect(new Set(truth.faults.map((f) => f.kind))).toEqual(
      new Set(["power-cut", "clock-jump", "partition"]),
    );
    expect(truth.adversary).toHaveLength(5);
    const { page, problems, requests, url } = await open(r.html);

    // The ground truth comes first, with the run's numbers.
    const order = await page.$$eval("body > section, body > main", (els) => els.map((el) => el.id));
    expect(order).toEqual(["ground-truth", "tampering", "faults", "audit", "doors", "glossary"]);
    expect(await page.getAttribute("#ground-truth .verdict", "data-agrees")).toBe(String(r.check.ok));
    const stat = (k: string) => page.locator(`#ground-truth [data-stat="${k}"] b`).textContent();
    const detected = r.check.doors.flatMap((d) => d.actions).filter((a) => a.detected).length;
    expect(await stat("tampering-injected")).toBe(String(truth.adversary.length));
    expect(await stat("tampering-detected")).toBe(String(detected));
    expect(await stat("tampering-missed")).toBe(String(truth.adversary.length - detected));
    expect(await stat("false-positives")).toBe("0");
    expect(await stat("faults-injected")).toBe(String(truth.faults.length));
    const rows = await page.$$eval("#ground-truth table.truth tbody tr", (trs) =>
      trs.map((tr) => ({
        row: tr.getAttribute("data-row"),
        header: tr.querySelector("th[scope=row]")?.textContent,
        agrees: tr.querySelector("td:last-child")?.textContent,
      })),
    );
    expect(rows.map((x) => x.row)).toEqual([
      "doors",
      "tampering",
      "false-positives",
      "events",
      "durable",
      "faults",
    ]);
    expect(rows.every((x) => (x.header ?? "").length > 5)).toBe(true);
    expect(rows.map((x) => x.agrees)).toEqual(rows.map(() => "yes"));
    const events = await page.locator('#ground-truth tr[data-row="events"] td').nth(0).textContent();
    expect(events).toBe(r.check.totals.events.toLocaleString("en-US"));

    // Tampering and faults: one visible row each, matching the truth.
    const actions = await page.$$eval("#tampering tbody tr", (trs) =>
      trs.map((tr) => [
        tr.children[1]!.textContent,
        tr.children[2]!.textContent,
        tr.getAttribute("data-detected"),
      ]),
    );
    expect(actions).toEqual(truth.adversary.map((a) => [a.mode, a.door, "true"]));
    const faults = await page.$$eval("#faults tbody tr", (trs) =>
      trs.map((tr) => [tr.children[1]!.textContent, tr.children[2]!.textContent]),
    );
    expect(faults.sort()).toEqual(truth.faults.map((f) => [f.door, f.kind]).sort());
    expect(await visible(page, "#faults tbody tr")).toEqual(truth.faults.map(() => true));
    expect(await visible(page, "#tampering tbody tr")).toEqual(truth.adversary.map(() => true));

    // One section per door, each with its faults and tampering as visible text, and its anchors
    // with the attestor (mesh-0) and a time.
    const notesOf = (door: string) =>
      new Set(r.run.anchors.filter((n) => n.startsWith(`chronoseal-lock/${door}/`))).size;
    const doors = await page.$$eval("main > section[data-door]", (els) =>
      els.map((el) => ({
        door: el.getAttribute("data-door"),
        heading: el.querySelector("h2 .name")?.textContent,
        happenings: Array.from(el.querySelectorAll("ul.happenings li")).map(
          (li) => li.getAttribute("data-kind") ?? li.getAttribute("data-mode"),
        ),
        anchors: Array.from(el.querySelectorAll("table.anchors tbody tr")).map((tr) => ({
          unattested: tr.classList.contains("unattested"),
          by: tr.children[4]!.textContent ?? "",
          kind: tr.children[1]!.textContent,
        })),
        anchorHeaders: el.querySelectorAll("table.anchors thead th[scope=col]").length,
      })),
    );
    expect(doors.map((d) => d.door)).toEqual(truth.doors);
    for (const d of doors) {
      expect(d.heading).toBe(d.door);
      const want = [
        ...truth.faults.filter((f) => f.door === d.door).map((f) => f.kind),
        ...truth.adversary.filter((a) => a.door === d.door).map((a) => a.mode),
      ];
      expect(d.happenings.filter((k) => k !== "held-open").sort()).toEqual(want.sort());
      expect(d.anchors.length).toBe(notesOf(d.door!));
      expect(d.anchors.length).toBeGreaterThan(2);
      expect(d.anchorHeaders).toBe(6);
      for (const a of d.anchors) {
        expect(a.unattested).toBe(false);
        expect(a.by).toMatch(/^mesh-0 at \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
      }
      expect(d.anchors[0]!.kind).toBe("genesis");
    }
    expect((await visible(page, "ul.happenings li")).every(Boolean)).toBe(true);

    // The glossary explains every finding kind the auditor can emit.
    const glossary = await page.$$eval("#glossary [data-term]", (els) =>
      els.map((el) => [el.getAttribute("data-term"), el.querySelector("dd")?.textContent ?? ""]),
    );
    expect(glossary.map(([k]) => k)).toEqual([...FINDING_KINDS]);
    for (const [k, text] of glossary as [string, string][])
      expect(text.startsWith(FINDING_GLOSSARY[k as keyof typeof FINDING_GLOSSARY].meaning)).toBe(true);
    expect((await visible(page, "#glossary [data-term] dd")).every(Boolean)).toBe(true);

    // Accessible structure: one h1, labelled sections, table headers, labelled images; no script.
    const a11y = await page.evaluate(() => ({
      lang: document.documentElement.lang,
      h1: document.querySelectorAll("h1").length,
      unlabelled: Array.from(document.querySelectorAll("section[aria-labelledby]")).filter(
        (s) => !document.getElementById(s.getAttribute("aria-labelledby")!),
      ).length,
      tablesWithoutHeaders: Array.from(document.querySelectorAll("table")).filter(
        (t) => !t.querySelector("th"),
      ).length,
      svgsWithoutLabel: Array.from(document.querySelectorAll("svg")).filter(
        (s) => !s.getAttribute("aria-label"),
      ).length,
      scripts: document.scripts.length,
    }));
    expect(a11y).toEqual({
      lang: "en",
      h1: 1,
      unlabelled: 0,
      tablesWithoutHeaders: 0,
      svgsWithoutLabel: 0,
      scripts: 0,
    });
    expect(problems).toEqual([]);
    expect(requests).toEqual([url]);

    // A screenshot of the whole page, kept in test-output/ for a human to look at.
    mkdirSync(OUT, { recursive: true });
    const shot = join(OUT, "report.png");
    await page.screenshot({ path: shot, fullPage: true });
    const png = readFileSync(shot);
    const size = pngSize(png);
    expect(size.width).toBe(1280);
    expect(size.height).toBeGreaterThan(2000);
    expect(size.height).toBeLessThan(40_000);
    expect(png.length).toBeGreaterThan(50_000);
    await page.close();

    // The same report with every string replaced by markup (door names kept distinct): inert text.
    const report = JSON.parse(readFileSync(r.json, "utf8")) as FleetReport;
    const poisoned = JSON.parse(JSON.stringify(report), (_k, v) =>
      typeof v === "string" ? HOSTILE : v,
    ) as FleetReport;
    poisoned.doors.forEach((d, i) => {
      d.door = `${HOSTILE}${i}`;
    });
    const file = join(dir, "hostile.html");
    writeFileSync(file, renderHtml(poisoned));
    const hostile = await open(file);
    const names = await hostile.page.$$eval("main > section[data-door]", (els) =>
      els.map((el) => [el.getAttribute("data-door"), el.querySelector("h2 .name")?.textContent]),
    );
    expect(names).toEqual(poisoned.doors.map((d) => [d.door, d.door]));
    const inert = await hostile.page.evaluate(() => ({
      scripts: document.scripts.length,
      images: document.images.length,
      pwned: (window as unknown as { __pwned?: number }).__pwned,
    }));
    expect(inert).toEqual({ scripts: 0, images: 0, pwned: undefined });
    expect(await hostile.page.locator("#tampering tbody tr").first().locator("td").nth(5).textContent()).toBe(
      HOSTILE,
    );
    expect(hostile.problems).toEqual([]);
    expect(hostile.requests).toEqual([hostile.url]);
    await hostile.page.close();
  }, 60_000);
});
