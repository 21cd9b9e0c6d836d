// Generation speed and memory: `stgen generate` (all 24 specs, clients and formatting included) beside
// openapi-typescript's Node API alone on the same specs, each a fresh process, medians of N runs,
// measured in this one script. Also the time `tsc --noEmit` takes over generated/.
// Run: npm run bench:generate   (rebuilds dist/ first)
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const runs = Number(process.env.BENCH_RUNS ?? 5);
const specs = path.join(root, "specs");
const preload = path.join(root, "bench/report-rss.mjs");
execFileSync("npm", ["run", "--silent", "build"], { cwd: root, stdio: "inherit" }); // dist/ must match the source

function measure(args) {
  const started = performance.now();
  const child = spawnSync(process.execPath, ["--import", preload, ...args], { cwd: root, encoding: "utf8" });
  const ms = performance.now() - started;
  if (child.status !== 0) throw new Error(`${args.join(" ")} failed:\n${child.stderr}`);
  const rss = Number(/BENCH_MAX_RSS_KB=(\d+)/.exec(child.stderr)?.[1] ?? NaN) / 1024;
  return { ms, rss };
}
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

const tsx = path.join(root, "node_modules/tsx/dist/cli.mjs");
const out = mkdtempSync(path.join(tmpdir(), "bench-generate-"));
const tsconfig = path.join(root, ".bench-tsc-generated.json");
writeFileSync(tsconfig, JSON.stringify({ extends: "./tsconfig.json", include: ["generated", "runtime"] }));
const subjects = [
  { name: "openapi-typescript Node API (types only) — baseline", args: [path.join(root, "bench/openapi-typescript-baseline.mjs"), specs] },
  { name: "stgen generate (built, dist/)", args: [path.join(root, "dist/generator/cli.js"), "generate", "--specs", specs, "--out", out] },
  // tsx runs the CLI in a child process, so the memory figure for this row would be tsx's own: not shown.
  { name: "stgen generate via tsx (npm run generate)", args: [tsx, path.join(root, "generator/cli.ts"), "generate", "--specs", specs, "--out", out], noRss: true },
  { name: "tsc --noEmit over generated/ (+ runtime/)", args: [path.join(root, "node_modules/typescript/bin/tsc"), "-p", tsconfig], noRatio: true },
];
// Rounds interleave the subjects, so a slow spell of a noisy machine hits all of them alike.
const samples = subjects.map(() => []);
for (let round = 0; round < runs; round++) subjects.forEach((subject, i) => samples[i].push(measure(subject.args)));
rmSync(out, { recursive: true, force: true });
rmSync(tsconfig);
const results = subjects.map((subject, i) => ({
  ...subject,
  ms: median(samples[i].map((s) => s.ms)),
  rss: median(samples[i].map((s) => s.rss)),
}));

const base = results[0];
console.log(`node ${process.version}, ${runs} runs each, medians; ratio = time / baseline time\n`);
console.log("| what | wall time | peak RSS | ratio |\n|---|---|---|---|");
for (const r of results) {
  const rss = r.noRss ? "—" : `${r.rss.toFixed(0)} MB`;
  const ratio = r.noRatio ? "—" : `${(r.ms / base.ms).toFixed(2)}×`;
  console.log(`| ${r.name} | ${(r.ms / 1000).toFixed(2)} s | ${rss} | ${ratio} |`);
}
