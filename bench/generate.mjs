// Generation speed, CPU time and memory, each a fresh process, medians of N runs with the subjects
// interleaved: `stgen generate` cold (all 24 specs, clients and formatting included), both as users run it
// (bin/stgen.js in a fresh project) and as `npm run generate` runs it (the sources through tsx), beside
// openapi-typescript's Node API alone (types only: the baseline) and its CLI, @hey-api/openapi-ts (types +
// SDK + fetch client) and orval (fetch client) on the same specs; `stgen generate` after a one-spec release
// with the cache; and `tsc --noEmit` over generated/. CPU time is the whole process's (all threads).
// Run: npm run bench:generate   (rebuilds dist/ first; BENCH_RUNS, default 5)
import { execFileSync, spawnSync } from "node:child_process";
import {
  copyFileSync,
  cpSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { buildOnce, median, ratio, report } from "./report.mjs";

const root = fileURLToPath(new URL("..", import.meta.url));
const runs = Number(process.env.BENCH_RUNS ?? 5);
const specs = path.join(root, "specs");
const preload = path.join(root, "bench/report-rss.mjs");
await buildOnce(root);

function measure(args, cwd = root) {
  const started = performance.now();
  const child = spawnSync(process.execPath, ["--import", preload, ...args], { cwd, encoding: "utf8" });
  const ms = performance.now() - started;
  if (child.status !== 0) throw new Error(`${args.join(" ")} failed:\n${child.stderr}`);
  const reported = (name) => Number(new RegExp(`${name}=(\\d+)`).exec(child.stderr)?.[1] ?? NaN);
  return { ms, rss: reported("BENCH_MAX_RSS_KB") / 1024, cpuMs: reported("BENCH_CPU_US") / 1000 };
}

const out = mkdtempSync(path.join(tmpdir(), "bench-generate-"));
const tsconfig = path.join(root, ".bench-tsc-generated.json");
writeFileSync(tsconfig, JSON.stringify({ extends: "./tsconfig.json", include: ["generated", "runtime"] }));
const cli = path.join(root, "generator/dist/cli/main.js");

// A one-spec release: a copy of specs/ whose crm spec is the other release's, and a cache warmed with specs/.
const release = path.join(out, "release");
const cache = path.join(out, "cache");
cpSync(specs, release, { recursive: true });
rmSync(path.join(release, "specs.lock.json"));
execFileSync(
  process.execPath,
  [cli, "generate", "--specs", release, "--out", path.join(out, "warm"), "--cache-dir", cache],
  { stdio: "ignore" },
);
copyFileSync(path.resolve(root, "../shared/specs/2026-03-17/crm-v2.json"), path.join(release, "crm-v2.json"));
const forgetCrm = () =>
  readdirSync(cache)
    .filter((f) => f.startsWith("crm-"))
    .forEach((f) => rmSync(path.join(cache, f)));

// The commands users run, in a project of their own: its specs/ and runtime/ are links to the repository's,
// and its default cache (node_modules/.cache/stgen) and output are removed before each run, so every run
// is a first run and nothing is written into the repository.
const project = path.join(out, "project");
mkdirSync(project);
symlinkSync(specs, path.join(project, "specs"));
symlinkSync(path.join(root, "runtime"), path.join(project, "runtime"));
const freshProject = () =>
  ["node_modules", "out"].forEach((name) => rmSync(path.join(project, name), { recursive: true, force: true }));
// `npm run generate` is `tsx <entry> <args>`: run here as `node --import tsx <entry> <args>`, one process
// the preload sees whole (tsx's own CLI would run the entry in a second process).
const [runner, entry, ...generateArgs] = JSON.parse(
  readFileSync(path.join(root, "package.json"), "utf8"),
).scripts.generate.split(" ");
if (runner !== "tsx") throw new Error(`package.json's generate script no longer runs tsx: update bench/generate.mjs`);
// openapi-typescript's CLI over the 24 specs takes them from a Redocly config (its documented way for many);
// with no `extends` it lints as the Node API does (an `extends: [minimal]` here would fail on these specs).
const otConfig = path.join(out, "openapi-typescript", "redocly.yaml");
mkdirSync(path.dirname(otConfig));
const specFiles = readdirSync(specs)
  .filter((f) => f.endsWith(".json") && f !== "specs.lock.json")
  .sort();
writeFileSync(
  otConfig,
  [
    "apis:",
    ...specFiles.flatMap((f) => [
      `  ${f.replace(/\.json$/, "")}:`,
      `    root: ${path.join(specs, f)}`,
      "    x-openapi-ts:",
      `      output: ./${f.replace(/\.json$/, ".ts")}`,
    ]),
  ].join("\n") + "\n",
);

const subjects = [
  {
    id: "baseline",
    name: "openapi-typescript Node API (types only) — baseline",
    args: [path.join(root, "bench/openapi-typescript-baseline.mjs"), specs],
  },
  {
    id: "otCli",
    name: "openapi-typescript CLI (types only; a redocly.yaml naming the 24 specs)",
    args: [path.join(root, "node_modules/openapi-typescript/bin/cli.js"), "--redocly", otConfig],
  },
  {
    id: "user",
    name: "`stgen generate --specs specs --out out` as users run it (bin/stgen.js → dist/; fresh project, so cold, cache written)",
    args: [path.join(root, "generator/bin/stgen.js"), "generate", "--specs", "specs", "--out", "out"],
    cwd: project,
    before: freshProject,
  },
  {
    id: "npm",
    name: `\`npm run generate\`'s path: \`node --import tsx ${entry} ${generateArgs.join(" ")} --out out\` (fresh project)`,
    args: ["--import", import.meta.resolve("tsx"), path.join(root, entry), ...generateArgs, "--out", "out"],
    cwd: project,
    before: freshProject,
  },
  {
    id: "stgen",
    name: "stgen generate, cold (built, dist/; --no-cache)",
    args: [cli, "generate", "--specs", specs, "--out", path.join(out, "stgen"), "--no-cache"],
  },
  {
    id: "hey",
    name: "@hey-api/openapi-ts (types + SDK + fetch client)",
    args: [path.join(root, "bench/hey-api-runner.mjs"), specs, path.join(out, "hey")],
  },
  {
    id: "orval",
    name: "orval (fetch client)",
    args: [path.join(root, "bench/orval-runner.mjs"), specs, path.join(out, "orval")],
  },
  {
    id: "regen",
    name: "stgen generate after a one-spec release (crm changed, cache on)",
    args: [cli, "generate", "--specs", release, "--out", path.join(out, "regen"), "--cache-dir", cache],
    before: forgetCrm,
  },
  {
    id: "floor",
    name: "floor of that regeneration: crm's spec read and typed alone (stgen's emitTypes, fresh process)",
    args: [path.join(root, "bench/regen-floor.mjs"), path.join(release, "crm-v2.json")],
  },
  {
    id: "tsc",
    name: "tsc --noEmit over generated/ (+ runtime/)",
    args: [path.join(root, "node_modules/typescript/bin/tsc"), "-p", tsconfig],
    noRatio: true,
  },
];
// Rounds interleave the subjects, so a slow spell of a noisy machine hits all of them alike.
const samples = subjects.map(() => []);
for (let round = 0; round < runs; round++) {
  subjects.forEach((subject, i) => {
    subject.before?.();
    samples[i].push(measure(subject.args, subject.cwd));
  });
}
rmSync(out, { recursive: true, force: true });
rmSync(tsconfig);
const results = Object.fromEntries(
  subjects.map((subject, i) => [
    subject.id,
    {
      ...subject,
      ...Object.fromEntries(["ms", "cpuMs", "rss"].map((key) => [key, median(samples[i].map((s) => s[key]))])),
    },
  ]),
);
const base = results.baseline.ms;
const baseCpu = results.baseline.cpuMs;
const pointsOfCold = (result) => Math.round((result.ms / results.stgen.ms) * 100);
const percentOfCold = (result) => `${pointsOfCold(result)}%`;
report({
  id: "generation",
  title: `Cold generation of the 24 specs (fresh process each, medians of ${runs})`,
  rerun: "npm run bench:generate",
  columns: ["what", "wall time", "CPU time", "peak RSS", "wall ratio to baseline", "CPU ratio to baseline"],
  rows: Object.values(results).map((r) => [
    r.name,
    `${(r.ms / 1000).toFixed(2)} s`,
    `${(r.cpuMs / 1000).toFixed(2)} s`,
    `${r.rss.toFixed(0)} MB`,
    r.noRatio ? "—" : ratio(r.ms / base),
    r.noRatio ? "—" : ratio(r.cpuMs / baseCpu),
  ]),
  targets: [
    {
      what: "stgen generate ≤ 1.5× openapi-typescript types-only (wall)",
      measured: ratio(results.user.ms / base),
      met: results.user.ms / base <= 1.5,
    },
    {
      what: "stgen generate CPU time ≤ 1.2× openapi-typescript types-only",
      measured: ratio(results.user.cpuMs / baseCpu),
      met: results.user.cpuMs / baseCpu <= 1.2,
    },
    {
      what: "stgen generate faster than @hey-api/openapi-ts",
      measured: ratio(results.stgen.ms / results.hey.ms),
      met: results.stgen.ms < results.hey.ms,
    },
    {
      what: "stgen generate faster than orval",
      measured: ratio(results.stgen.ms / results.orval.ms),
      met: results.stgen.ms < results.orval.ms,
    },
    {
      what: "regeneration after a one-spec release ≤ 25% of cold",
      measured: `${percentOfCold(results.regen)} (floor: ${percentOfCold(results.floor)})`,
      met: results.regen.ms <= 0.25 * results.stgen.ms,
    },
  ],
  notes: [
    "The two stgen generate targets are measured on the command users run (the row naming bin/stgen.js). CPU time is user + system of the whole process, all its threads included " +
      "(tsx's esbuild, a process of its own, is not in the `npm run generate` row).",
    `A regeneration has to load openapi-typescript and make the changed domain's types: for crm (the largest domain) that alone is ${percentOfCold(results.floor)} of a cold run ` +
      `(the floor row, itself a fresh process), which leaves ${Math.max(0, 25 - pointsOfCold(results.floor))} points of the 25% target for everything else a run does ` +
      `(start-up, reading and checking the 24 specs, emitting crm's client, writing 122 files): ${pointsOfCold(results.regen) - pointsOfCold(results.floor)} points here.`,
  ],
});
