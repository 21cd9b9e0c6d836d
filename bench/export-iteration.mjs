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
  const done = /DONE (\d+) (\d+)/.exec(child.stdout);
  if (!done) throw new Error(`${mode} failed: ${child.stderr}`);
  return {
    rows: Number(done[1]),
    ms: Number(done[2]),
    rss: Number(/BENCH_MAX_RSS_KB=(\d+)/.exec(child.stderr)[1]) / 1024,
  };
}
const samples = { fetch: [], client: [] };
for (let round = 0; round < runs; round++) for (const mode of ["fetch", "client"]) samples[mode].push(iterate(mode));
server.kill("SIGTERM");

const summary = Object.fromEntries(
  Object.entries(samples).map(([mode, list]) => {
    if (list.some((s) => s.rows !== rowsWanted))
      throw new Error(`${mode} read ${list.map((s) => s.rows)} rows, not ${rowsWanted}`);
    return [
      mode,
      { rowsPerSecond: median(list.map((s) => (s.rows / s.ms) * 1000)), rss: median(list.map((s) => s.rss)) },
    ];
  }),
);
report({
  id: "export",
  title: `Export iteration: ${rowsWanted.toLocaleString("en")} rows in pages of 500 from stgen mock (${runs} round(s))`,
  rerun: "npm run bench:export",
  columns: ["what", "rows/s", "peak RSS", "rows/s ratio"],
  rows: [
    [
      "plain fetch loop (baseline)",
      Math.round(summary.fetch.rowsPerSecond).toLocaleString("en"),
      `${summary.fetch.rss.toFixed(0)} MB`,
      "1.00×",
    ],
    [
      "servicetitan-client `.all()`",
      Math.round(summary.client.rowsPerSecond).toLocaleString("en"),
      `${summary.client.rss.toFixed(0)} MB`,
      ratio(summary.client.rowsPerSecond / summary.fetch.rowsPerSecond),
    ],
  ],
  targets: [
    {
      what: "iterator memory stays flat (peak RSS within 1.25× the plain loop's)",
      measured: ratio(summary.client.rss / summary.fetch.rss),
      met: summary.client.rss <= 1.25 * summary.fetch.rss,
    },
  ],
});
