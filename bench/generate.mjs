// Generation speed and memory, each a fresh process, medians of N runs with the subjects interleaved:
// `stgen generate` cold (all 24 specs, clients and formatting included) beside openapi-typescript's Node API
// alone (types only: the baseline), @hey-api/openapi-ts (types + SDK + fetch client) and orval (fetch
// client) on the same specs; `stgen generate` after a one-spec release with the cache; and `tsc --noEmit`
// over generated/. Run: npm run bench:generate   (rebuilds dist/ first; BENCH_RUNS, default 5)
import { execFileSync, spawnSync } from "node:child_process";
import { copyFileSync, cpSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { buildOnce, median, ratio, report } from "./report.mjs";

const root = fileURLToPath(new URL("..", import.meta.url));
const runs = Number(process.env.BENCH_RUNS ?? 5);
const specs = path.join(root, "specs");
const preload = path.join(root, "bench/report-rss.mjs");
await buildOnce(root);

function measure(args) {
  const started = performance.now();
  const child = spawnSync(process.execPath, ["--import", preload, ...args], { cwd: root, encoding: "utf8" });
  const ms = performance.now() - started;
  if (child.status !== 0) throw new Error(`${args.join(" ")} failed:\n${child.stderr}`);
  const rss = Number(/BENCH_MAX_RSS_KB=(\d+)/.exec(child.stderr)?.[1] ?? NaN) / 1024;
  return { ms, rss };
}

const out = mkdtempSync(path.join(tmpdir(), "bench-generate-"));
const tsconfig = path.join(root, ".bench-tsc-generated.json");
writeFileSync(tsconfig, JSON.stringify({ extends: "./tsconfig.json", include: ["generated", "runtime"] }));
const cli = path.join(root, "generator/dist/cli.js");

// A one-spec release: a copy of specs/ whose crm spec is the other release's, and a cache warmed with specs/.
const release = path.join(out, "release");
const cache = path.join(out, "cache");
cpSync(specs, release, { recursive: true });
rmSync(path.join(release, "specs.lock.json"));
execFileSync(process.execPath, [cli, "generate", "--specs", release, "--out", path.join(out, "warm"), "--cache-dir", cache], { stdio: "ignore" });
copyFileSync(path.resolve(root, "../shared/specs/2026-03-17/crm-v2.json"), path.join(release, "crm-v2.json"));
const forgetCrm = () => readdirSync(cache).filter((f) => f.startsWith("crm-")).forEach((f) => rmSync(path.join(cache, f)));

const subjects = [
  { id: "baseline", name: "openapi-typescript Node API (types only) — baseline", args: [path.join(root, "bench/openapi-typescript-baseline.mjs"), specs] },
  { id: "stgen", name: "stgen generate, cold (built, dist/)", args: [cli, "generate", "--specs", specs, "--out", path.join(out, "stgen"), "--no-cache"] },
  { id: "hey", name: "@hey-api/openapi-ts (types + SDK + fetch client)", args: [path.join(root, "bench/hey-api-runner.mjs"), specs, path.join(out, "hey")] },
  { id: "orval", name: "orval (fetch client)", args: [path.join(root, "bench/orval-runner.mjs"), specs, path.join(out, "orval")] },
  { id: "regen", name: "stgen generate after a one-spec release (crm changed, cache on)", args: [cli, "generate", "--specs", release, "--out", path.join(out, "regen"), "--cache-dir", cache], before: forgetCrm },
  { id: "floor", name: "floor of that regeneration: crm's spec read and typed alone (stgen's emitTypes, fresh process)", args: [path.join(root, "bench/regen-floor.mjs"), path.join(release, "crm-v2.json")] },
  { id: "tsc", name: "tsc --noEmit over generated/ (+ runtime/)", args: [path.join(root, "node_modules/typescript/bin/tsc"), "-p", tsconfig], noRatio: true },
];
// Rounds interleave the subjects, so a slow spell of a noisy machine hits all of them alike.
const samples = subjects.map(() => []);
for (let round = 0; round < runs; round++) {
  subjects.forEach((subject, i) => {
    subject.before?.();
    samples[i].push(measure(subject.args));
  });
}
rmSync(out, { recursive: true, force: true });
rmSync(tsconfig);
const results = Object.fromEntries(subjects.map((subject, i) => [subject.id, { ...subject, ms: median(samples[i].map((s) => s.ms)), rss: median(samples[i].map((s) => s.rss)) }]));
const base = results.baseline.ms;
const pointsOfCold = (result) => Math.round((result.ms / results.stgen.ms) * 100);
const percentOfCold = (result) => `${pointsOfCold(result)}%`;
report({
  id: "generation",
  title: `Cold generation of the 24 specs (fresh process each, medians of ${runs})`,
  rerun: "npm run bench:generate",
  columns: ["what", "wall time", "peak RSS", "ratio to baseline"],
  rows: Object.values(results).map((r) => [r.name, `${(r.ms / 1000).toFixed(2)} s`, `${r.rss.toFixed(0)} MB`, r.noRatio ? "—" : ratio(r.ms / base)]),
  targets: [
    { what: "stgen generate ≤ 1.5× openapi-typescript types-only", measured: ratio(results.stgen.ms / base), met: results.stgen.ms / base <= 1.5 },
    { what: "stgen generate faster than @hey-api/openapi-ts", measured: ratio(results.stgen.ms / results.hey.ms), met: results.stgen.ms < results.hey.ms },
    { what: "stgen generate faster than orval", measured: ratio(results.stgen.ms / results.orval.ms), met: results.stgen.ms < results.orval.ms },
    { what: "regeneration after a one-spec release ≤ 25% of cold", measured: `${percentOfCold(results.regen)} (floor: ${percentOfCold(results.floor)})`, met: results.regen.ms <= 0.25 * results.stgen.ms },
  ],
  notes: [
    `A regeneration has to load openapi-typescript and make the changed domain's types: for crm (the largest domain) that alone is ${percentOfCold(results.floor)} of a cold run ` +
      `(the floor row, itself a fresh process), which leaves ${Math.max(0, 25 - pointsOfCold(results.floor))} points of the 25% target for everything else a run does ` +
      `(start-up, reading and checking the 24 specs, ts-morph and prettier for crm's client, writing 98 files): ${pointsOfCold(results.regen) - pointsOfCold(results.floor)} points here.`,
  ],
});
