// `stgen diff` over the two real releases (24 domains each): wall time and peak memory, fresh process each,
// medians of N runs; the baseline, in the same script, is loading both releases and nothing else.
// Run: npm run bench:diff   (rebuilds dist/; BENCH_RUNS to change)
import { spawnSync } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { buildOnce, median, ratio, report } from "./report.mjs";

const root = fileURLToPath(new URL("..", import.meta.url));
const runs = Number(process.env.BENCH_RUNS ?? 5);
const [older, newer] = ["2026-03-17", "2026-05-21"].map((release) => path.resolve(root, "../shared/specs", release));
await buildOnce(root);

const loadOnly = `import { loadSpecs } from ${JSON.stringify(path.join(root, "generator/dist/spec/load.js"))}; await Promise.all([loadSpecs(${JSON.stringify(older)}), loadSpecs(${JSON.stringify(newer)})]);`;
const subjects = [
  { name: "loading both releases (baseline)", args: ["--input-type=module", "-e", loadOnly] },
  { name: "stgen diff, markdown", args: [path.join(root, "generator/dist/cli/main.js"), "diff", older, newer] },
  {
    name: "stgen diff --format json",
    args: [path.join(root, "generator/dist/cli/main.js"), "diff", older, newer, "--format", "json"],
  },
];
const samples = subjects.map(() => []);
for (let round = 0; round < runs; round++) {
  subjects.forEach((subject, i) => {
    const started = performance.now();
    const child = spawnSync(process.execPath, ["--import", path.join(root, "bench/report-rss.mjs"), ...subject.args], {
      encoding: "utf8",
      maxBuffer: 64 << 20,
    });
    if (child.status !== 0) throw new Error(`${subject.name} failed: ${child.stderr}`);
    samples[i].push({
      ms: performance.now() - started,
      rss: Number(/BENCH_MAX_RSS_KB=(\d+)/.exec(child.stderr)[1]) / 1024,
    });
  });
}
const base = median(samples[0].map((s) => s.ms));
report({
  id: "diff",
  title: `stgen diff over the two real releases (24 domains each; fresh process each, medians of ${runs})`,
  rerun: "npm run bench:diff",
  columns: ["what", "wall time", "peak RSS", "ratio"],
  rows: subjects.map((subject, i) => {
    const ms = median(samples[i].map((s) => s.ms));
    return [
      subject.name,
      `${(ms / 1000).toFixed(2)} s`,
      `${median(samples[i].map((s) => s.rss)).toFixed(0)} MB`,
      ratio(ms / base),
    ];
  }),
});
