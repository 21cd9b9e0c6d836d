// Many tenants in one process (a multi-tenant SaaS): 1,000 clients, one per tenant, each touching crm and
// jpm, all kept alive; retained heap and creation time per tenant, beside two openapi-fetch clients per
// tenant (crm and jpm) as the baseline. Each run of each side is a fresh process (bench/per-tenant-child.mjs),
// the sides interleaved; medians. Run: npm run bench:per-tenant   (rebuilds dist/ first; BENCH_RUNS, default 5)
import { execFileSync } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { buildOnce, median, ratio, report } from "./report.mjs";

const root = fileURLToPath(new URL("..", import.meta.url));
const runs = Number(process.env.BENCH_RUNS ?? 5);
await buildOnce(root);

const child = path.join(root, "bench/per-tenant-child.mjs");
const measure = (variant) =>
  JSON.parse(execFileSync(process.execPath, ["--expose-gc", child, variant], { cwd: root, encoding: "utf8" }));
const variants = ["ours", "baseline"];
const samples = { ours: [], baseline: [] };
for (let round = 0; round < runs; round++) {
  // Which side goes first alternates, so neither always meets the machine's state the other left.
  for (const variant of round % 2 ? [...variants].reverse() : variants) samples[variant].push(measure(variant));
}
const med = (variant, key) => median(samples[variant].map((s) => s[key]));
const [ours, base] = variants.map((variant) => ({
  heap: med(variant, "heapBytes"),
  cpu: med(variant, "cpuUs"),
  wall: med(variant, "wallUs"),
}));
const kb = (bytes) => `${(bytes / 1024).toFixed(1)} kB`;
const us = (value) => `${value.toFixed(value < 100 ? 1 : 0)} µs`;
report({
  id: "per-tenant",
  title: `Per tenant: 1,000 tenants' clients in one process, all kept alive (fresh process each run, medians of ${runs})`,
  rerun: "npm run bench:per-tenant",
  columns: [
    "what",
    "retained heap per tenant",
    "creation CPU per tenant",
    "creation wall per tenant",
    "heap ratio",
    "CPU ratio",
  ],
  rows: [
    ["two openapi-fetch clients (crm, jpm) — baseline", kb(base.heap), us(base.cpu), us(base.wall), "1.00×", "1.00×"],
    [
      "`createServiceTitan(config)`, `st.crm.customers` and `st.jpm.jobs` read",
      kb(ours.heap),
      us(ours.cpu),
      us(ours.wall),
      ratio(ours.heap / base.heap),
      ratio(ours.cpu / base.cpu),
    ],
  ],
  targets: [
    {
      what: "retained heap per tenant ≤ 5× two openapi-fetch clients",
      measured: `${ratio(ours.heap / base.heap)} (${kb(ours.heap)})`,
      met: ours.heap / base.heap <= 5,
    },
    {
      what: "creation CPU time per tenant ≤ 20× two openapi-fetch clients",
      measured: `${ratio(ours.cpu / base.cpu)} (${us(ours.cpu)})`,
      met: ours.cpu / base.cpu <= 20,
    },
  ],
  notes: [
    "Heap is `heapUsed` after `gc()`, before and after the 1,000 creations (modules already loaded); CPU time is `process.cpuUsage()` over the creations.",
  ],
});
