// Reading the Prometheus text exposition format back (what a scraper sees): for tests that scrape
// a real daemon, and for tools that want one figure. Lines are `name{label="value",…} number`;
// comments (# HELP, # TYPE) and blank lines are skipped; label values are unescaped (\\, \", \n).

export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

const LINE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)(?:\s+\d+)?$/;
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"\s*,?\s*/gy;

/** Parses exposition text; throws SyntaxError naming the first line it cannot read. */
export function parseMetrics(text: string): Sample[] {
  const out: Sample[] = [];
  text.split("\n").forEach((raw, i) => {
    const line = raw.trim();
    if (line === "" || line.startsWith("#")) return;
    const m = LINE.exec(line);
    if (!m) throw new SyntaxError(`metrics line ${i + 1}: cannot read ${JSON.stringify(line.slice(0, 80))}`);
    const labels: Record<string, string> = {};
    if (m[2]) {
      LABEL.lastIndex = 0;
      let consumed = 0;
      for (let l = LABEL.exec(m[2]); l; l = LABEL.exec(m[2])) {
        labels[l[1]!] = l[2]!.replace(/\\(.)/g, (_s, c: string) => (c === "n" ? "\n" : c));
        consumed = LABEL.lastIndex;
      }
      if (consumed !== m[2].length)
        throw new SyntaxError(`metrics line ${i + 1}: cannot read the labels of ${m[1]}`);
    }
    // (NaN and ±Inf in any case, as Prometheus reads them: prom-client writes "Nan")
    const v = m[3]!;
    const lower = v.toLowerCase();
    const value = /^\+?inf$/.test(lower) ? Infinity : lower === "-inf" ? -Infinity : Number(v);
    if (Number.isNaN(value) && lower !== "nan")
      throw new SyntaxError(`metrics line ${i + 1}: ${JSON.stringify(v)} is not a number`);
    out.push({ name: m[1]!, labels, value });
  });
  return out;
}

/**
 * The sum of the samples named `name` whose labels include `labels` (0 when none): one series'
 * value, or a total over the labels left out.
 */
export function metricValue(
  samples: readonly Sample[],
  name: string,
  labels: Record<string, string> = {},
): number {
  let sum = 0;
  for (const s of samples)
    if (s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v)) sum += s.value;
  return sum;
}
