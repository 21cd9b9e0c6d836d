// `npm run bench`: every benchmark, each in its own process, after one build; their sections are collected
// into bench/results.json (with the machine and date) and BENCHMARKS.md is written from that file.
// `npm run bench:quick` (or --quick): fewer rounds and smaller loads, under two minutes, for routine checks.
import { execFileSync, spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { writeBenchmarksMd } from "./write-benchmarks.mjs";

const root = fileURLToPath(new URL("..", import.meta.url));
const quick = process.argv.includes("--quick");
const env = quick
  ? { BENCH_RUNS: "1", BENCH_SECONDS: "2", BENCH_CALLS: "1000", BENCH_ROWS: "100000" }
  : { BENCH_RUNS: "5", BENCH_SECONDS: "5", BENCH_CALLS: "2000", BENCH_ROWS: "1000000" };
const scripts = [
  "generate",
  "typecheck-cost",
  "runtime-overhead",
  "per-tenant",
  "cold-start",
  "token-single-flight",
  "bundle-size",
  "export-iteration",
  "mock",
  "diff",
  "redis",
  "response-size",
  "install-size",
];

const started = Date.now();
execFileSync("npm", ["run", "--silent", "build"], { cwd: root, stdio: "inherit" });
const sections = [];
for (const script of scripts) {
  // Export iteration over a million rows takes a minute; one round is enough for its medians to settle.
  const runs =
    script === "export-iteration" ? { BENCH_RUNS: "1" } : script === "mock" && !quick ? { BENCH_RUNS: "3" } : {};
  process.stderr.write(`bench: ${script}…\n`);
  const child = spawnSync(process.execPath, [path.join(root, "bench", `${script}.mjs`)], {
    cwd: root,
    encoding: "utf8",
    env: { ...process.env, ...env, ...runs, BENCH_SKIP_BUILD: "1" },
    maxBuffer: 64 << 20,
  });
  if (child.status !== 0) throw new Error(`bench/${script}.mjs failed:\n${child.stderr}`);
  for (const line of child.stdout.split("\n"))
    if (line.startsWith("BENCH_RESULT ")) sections.push(JSON.parse(line.slice("BENCH_RESULT ".length)));
  process.stdout.write(
    child.stdout
      .split("\n")
      .filter((line) => !line.startsWith("BENCH_RESULT "))
      .join("\n"),
  );
}
const cpus = os.cpus();
const results = {
  date: new Date().toISOString(),
  quick,
  machine: {
    cpu: cpus[0]?.model ?? "unknown",
    cores: cpus.length,
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    node: process.version,
    platform: `${os.platform()} ${os.release()}`,
  },
  durationSeconds: Math.round((Date.now() - started) / 1000),
  sections,
};
const file = quick ? "bench/results.quick.json" : "bench/results.json";
writeFileSync(path.join(root, file), JSON.stringify(results, null, 2) + "\n");
if (!quick) writeBenchmarksMd(root, results);
const missed = sections.flatMap((s) => s.targets ?? []).filter((t) => !t.met);
console.log(
  `\n${sections.length} sections in ${results.durationSeconds} s; wrote ${file}${quick ? "" : " and BENCHMARKS.md"}; ${missed.length} target(s) missed`,
);
