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

function series(name, args) {
  const samples = [];
  for (let i = 0; i < runs; i++) samples.push(measure(args));
  return { name, ms: median(samples.map((s) => s.ms)), rss: median(samples.map((s) => s.rss)) };
}

const out = mkdtempSync(path.join(tmpdir(), "bench-generate-"));
const tsx = path.join(root, "node_modules/tsx/dist/cli.mjs");
const results = [];
// Interleaving would be fairer on a noisy machine, but each series is cold-process anyway; baseline first.
results.push(series("openapi-typescript Node API (types only) — baseline", [path.join(root, "bench/openapi-typescript-baseline.mjs"), specs]));
results.push(series("stgen generate (built, dist/)", [path.join(root, "dist/generator/cli.js"), "generate", "--specs", specs, "--out", out]));
results.push(series("stgen generate via tsx (npm run generate)", [tsx, path.join(root, "generator/cli.ts"), "generate", "--specs", specs, "--out", out]));
rmSync(out, { recursive: true, force: true });

const tsconfig = path.join(root, ".bench-tsc-generated.json");
writeFileSync(tsconfig, JSON.stringify({ extends: "./tsconfig.json", include: ["generated", "runtime"] }));
results.push(series("tsc --noEmit over generated/ (+ runtime/)", [path.join(root, "node_modules/typescript/bin/tsc"), "-p", tsconfig]));
rmSync(tsconfig);

const base = results[0];
console.log(`node ${process.version}, ${runs} runs each, medians; ratio = time / baseline time\n`);
console.log("| what | wall time | peak RSS | ratio |\n|---|---|---|---|");
for (const r of results) console.log(`| ${r.name} | ${(r.ms / 1000).toFixed(2)} s | ${r.rss.toFixed(0)} MB | ${(r.ms / base.ms).toFixed(2)}× |`);
