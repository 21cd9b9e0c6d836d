// Cold start: a fresh process imports the client and creates it, timed from before the dynamic import() to
// after the create call (wall and CPU), beside openapi-fetch imported and created the same way (the
// baseline); each variant is imported by absolute file URL so module resolution costs all of them alike.
// The whole child process (spawn to exit) is shown too. Rounds interleave the variants; medians.
// Run: npm run bench:cold-start   (rebuilds dist/ first; BENCH_RUNS × 3 rounds, default 15)
import { spawnSync } from "node:child_process";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { buildOnce, median, ratio, report } from "./report.mjs";

const root = fileURLToPath(new URL("..", import.meta.url));
const rounds = Number(process.env.BENCH_RUNS ?? 5) * 3;
await buildOnce(root);

const child = path.join(root, "bench/cold-start-child.mjs");
const dist = (file) => pathToFileURL(path.join(root, "dist/generated", file)).href;
const variants = [
  {
    kind: "openapi-fetch",
    name: "openapi-fetch: `import`, `createClient({ baseUrl })` — baseline",
    url: import.meta.resolve("openapi-fetch"),
  },
  { kind: "root", name: "root: `import` of servicetitan-client, `createServiceTitan(config)`", url: dist("index.js") },
  {
    kind: "crm",
    name: "one domain: `import` of servicetitan-client/crm, `createCrmClient(config)`",
    url: dist("crm/index.js"),
  },
];
function measure({ kind, url }) {
  const started = performance.now();
  const run = spawnSync(process.execPath, [child, kind, url], { cwd: root, encoding: "utf8" });
  const processMs = performance.now() - started;
  if (run.status !== 0) throw new Error(`cold start of ${kind} failed:\n${run.stderr}`);
  return { ...JSON.parse(run.stdout), processMs };
}
const samples = variants.map(() => []);
for (let round = 0; round < rounds; round++) {
  // The order rotates each round, so no variant always runs right after the same one.
  variants.forEach((_, i) => {
    const index = (i + round) % variants.length;
    samples[index].push(measure(variants[index]));
  });
}
const [base, rootClient, crm] = variants.map((variant, i) => ({
  ...variant,
  ...Object.fromEntries(["ms", "cpuMs", "processMs"].map((key) => [key, median(samples[i].map((s) => s[key]))])),
}));
const ms = (value) => `${value.toFixed(1)} ms`;
report({
  id: "cold-start",
  title: `Cold start: import and create in a fresh process (medians of ${rounds} rounds)`,
  rerun: "npm run bench:cold-start",
  columns: [
    "what",
    "import + create (wall)",
    "import + create (CPU)",
    "ratio to baseline (wall)",
    "whole process, spawn to exit",
  ],
  rows: [base, rootClient, crm].map((r) => [r.name, ms(r.ms), ms(r.cpuMs), ratio(r.ms / base.ms), ms(r.processMs)]),
  targets: [
    {
      what: "cold start, root (`createServiceTitan`) ≤ 2× openapi-fetch",
      measured: ratio(rootClient.ms / base.ms),
      met: rootClient.ms / base.ms <= 2,
    },
    {
      what: "cold start, one domain (`createCrmClient`) ≤ 1.3× openapi-fetch",
      measured: ratio(crm.ms / base.ms),
      met: crm.ms / base.ms <= 1.3,
    },
  ],
  notes: [
    "Every variant's create reads `globalThis.fetch`, and Node loads its fetch (undici) on that first read: that load is inside every span.",
  ],
});
