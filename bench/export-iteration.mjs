// Export iteration: 1,000,000 rows (2,000 pages of 500) from stgen mock, read with this client's `.all()` and
// with a plain fetch loop, each in its own process so each peak memory is its own. Rounds interleave them.
// Run: npm run bench:export   (rebuilds dist/; BENCH_ROWS, BENCH_RUNS to change)
import { spawn, spawnSync } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { buildOnce, median, ratio, report } from "./report.mjs";

const root = fileURLToPath(new URL("..", import.meta.url));
const rowsWanted = Number(process.env.BENCH_ROWS ?? 1_000_000);
const runs = Number(process.env.BENCH_RUNS ?? 1);
await buildOnce(root);

const server = spawn(process.execPath, [
  path.join(root, "bench/mock-server-child.mjs"),
  "mock",
  JSON.stringify({ rows: rowsWanted, exportPageSize: 500 }),
]);
const url = await new Promise((resolve) =>
  server.stdout.on("data", (chunk) => resolve(/READY (\S+)/.exec(String(chunk))[1])),
);

function iterate(mode) {
  const child = spawnSync(
    process.execPath,
    ["--import", path.join(root, "bench/report-rss.mjs"), path.join(root, "bench/export-iterate-child.mjs"), mode, url],
    { encoding: "utf8" },
  );
  const done = /DONE (\d+) (\d+) (\d+) (\d+)/.exec(child.stdout);
  if (!done) throw new Error(`${mode} failed: ${child.stderr}`);
  return {
    rows: Number(done[1]),
    ms: Number(done[2]),
    drift: Number(done[3]),
    cpuMs: Number(done[4]),
    rss: Number(/BENCH_MAX_RSS_KB=(\d+)/.exec(child.stderr)[1]) / 1024,
  };
}
const samples = { fetch: [], client: [], "client-report": [] };
for (let round = 0; round < runs; round++) for (const mode of Object.keys(samples)) samples[mode].push(iterate(mode));
server.kill("SIGTERM");

const summary = Object.fromEntries(
  Object.entries(samples).map(([mode, list]) => {
    if (list.some((s) => s.rows !== rowsWanted))
      throw new Error(`${mode} read ${list.map((s) => s.rows)} rows, not ${rowsWanted}`);
    return [
      mode,
      {
        rowsPerSecond: median(list.map((s) => (s.rows / s.ms) * 1000)),
        ms: median(list.map((s) => s.ms)),
        rss: median(list.map((s) => s.rss)),
        cpuMs: median(list.map((s) => s.cpuMs)),
        drift: Math.max(...list.map((s) => s.drift)),
      },
    ];
  }),
);
const { fetch: plain, client, "client-report": checked } = summary;
const seconds = (ms) => `${(ms / 1000).toFixed(2)} s`;
const row = (what, s, vs) => [
  what,
  Math.round(s.rowsPerSecond).toLocaleString("en"),
  seconds(s.ms),
  seconds(s.cpuMs),
  `${s.rss.toFixed(0)} MB`,
  vs,
];
report({
  id: "export",
  title: `Export iteration: ${rowsWanted.toLocaleString("en")} rows in pages of 500 from stgen mock (${runs} round(s))`,
  rerun: "npm run bench:export",
  columns: ["what", "rows/s", "time", "CPU (client process)", "peak RSS", "rows/s ratio"],
  rows: [
    row("plain fetch loop (baseline)", plain, "1.00×"),
    row("servicetitan-client `.all()`", client, ratio(client.rowsPerSecond / plain.rowsPerSecond)),
    row(
      'servicetitan-client `.all()`, `validateResponses: "report"`',
      checked,
      ratio(checked.rowsPerSecond / plain.rowsPerSecond),
    ),
  ],
  targets: [
    {
      what: "iterator memory stays flat (peak RSS within 1.25× the plain loop's)",
      measured: ratio(client.rss / plain.rss),
      met: client.rss <= 1.25 * plain.rss,
    },
    {
      what: '`validateResponses: "report"` takes ≤ 1.3× the time of "off"',
      measured: `${ratio(checked.ms / client.ms)} (CPU ${ratio(checked.cpuMs / client.cpuMs)})`,
      met: checked.ms <= 1.3 * client.ms,
    },
    {
      what: '`validateResponses: "report"`: peak RSS within 1.25× of "off"',
      measured: ratio(checked.rss / client.rss),
      met: checked.rss <= 1.25 * client.rss,
    },
  ],
  notes: [
    `Every row is checked against the export's response schema; the mock serves data that matches it, so ${checked.drift} drift events were reported.`,
  ],
});
