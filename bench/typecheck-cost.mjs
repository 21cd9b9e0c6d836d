// Type-check cost for a user: `tsc --noEmit --extendedDiagnostics` over a file that calls 200 different
// GET operations through this client, beside the same 200 calls through plain openapi-fetch path-style
// clients over the same generated `paths` (the baseline), both against the built .d.ts files with
// skipLibCheck, as in an installed project. Interleaved runs, medians.
// Run: npm run bench:typecheck   (BENCH_RUNS, default 5)
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { buildOnce, median, ratio, report } from "./report.mjs";

const root = fileURLToPath(new URL("..", import.meta.url));
const runs = Number(process.env.BENCH_RUNS ?? 5);
await buildOnce(root);
const { loadSpecs } = await import("../generator/dist/spec/load.js");
const { buildDomainModel } = await import("../generator/dist/model/build-model.js");
const { deref } = await import("../generator/dist/spec/openapi.js");

const IDENT = /^[A-Za-z_$][\w$]*$/;
/** A value of the parameter's type, or undefined when it is not a simple one. */
function sample(doc, schema = {}) {
  const s = deref(doc, schema.oneOf ? (schema.oneOf.find((v) => v.type !== "null") ?? {}) : schema);
  if (Array.isArray(s.enum)) return JSON.stringify(s.enum.find((v) => v !== null));
  const type = [s.type].flat().find((t) => t !== "null");
  if (type === "integer" || type === "number") return "1";
  if (type === "boolean") return "true";
  if (type === "string") return '"x"';
  return undefined;
}

const eligible = [];
for (const spec of await loadSpecs(path.join(root, "specs"))) {
  const domain = buildDomainModel(spec);
  for (const op of domain.operations) {
    if (op.method !== "GET" || op.body || !IDENT.test(op.methodName) || (op.group && !IDENT.test(op.group))) continue;
    const raw = spec.document.paths[op.path].get;
    const params = [...(spec.document.paths[op.path].parameters ?? []), ...(raw.parameters ?? [])].map((p) =>
      deref(spec.document, p),
    );
    const needed = params.filter((p) => p.required && p.name !== "tenant");
    const values = needed.map((p) => ({ p, value: sample(spec.document, p.schema) }));
    if (values.some((v) => v.value === undefined || !IDENT.test(v.p.name))) continue;
    const tenant = sample(spec.document, params.find((p) => p.name === "tenant")?.schema) ?? "1"; // a string in some specs
    eligible.push({ domain, op, values, tenant });
  }
}
const step = eligible.length / 200;
const chosen = Array.from({ length: 200 }, (_, i) => eligible[Math.floor(i * step)]);

const dir = mkdtempSync(path.join(root, ".bench-typecheck-"));
// What an installed package gives a user: the built declarations (dist/), read with skipLibCheck as most
// projects do, so only the calls themselves are checked.
const generated = path.join(root, "dist/generated");
const ours = [
  `import type { ServiceTitan } from ${JSON.stringify(`${generated}/index.js`)};`,
  "declare const st: ServiceTitan;",
  "export async function calls(): Promise<void> {",
];
const plain = ['import createClient from "openapi-fetch";'];
const domains = [...new Set(chosen.map((c) => c.domain.name))];
domains.forEach((name, i) =>
  plain.push(
    `import type { paths as Paths${i} } from ${JSON.stringify(`${generated}/${name}/types.js`)};`,
    `const client${i} = createClient<Paths${i}>({ baseUrl: "" });`,
  ),
);
plain.push("export async function calls(): Promise<void> {");
for (const { domain, op, values, tenant } of chosen) {
  const argFor = (p) =>
    domain.operations
      .find((o) => o === op)
      .pathParams.concat(op.queryParams)
      .find((m) => m.name === p.name).arg;
  const args = values
    .map(({ p, value }) => `${IDENT.test(argFor(p)) ? argFor(p) : JSON.stringify(argFor(p))}: ${value}`)
    .join(", ");
  ours.push(
    `  await st.${domain.name}.${op.group ? `${op.group}.` : ""}${op.methodName}(${args ? `{ ${args} }` : ""});`,
  );
  const pathValues = [
    `tenant: ${tenant}`,
    ...values.filter((v) => v.p.in === "path").map((v) => `${v.p.name}: ${v.value}`),
  ].join(", ");
  const queryValues = values
    .filter((v) => v.p.in === "query")
    .map((v) => `${v.p.name}: ${v.value}`)
    .join(", ");
  plain.push(
    `  await client${domains.indexOf(domain.name)}.GET(${JSON.stringify(op.path)}, { params: { path: { ${pathValues} }${queryValues ? `, query: { ${queryValues} }` : ""} } });`,
  );
}
ours.push("}");
plain.push("}");
const subjects = [
  { id: "plain", name: "200 calls through openapi-fetch path-style (baseline)", code: plain.join("\n") },
  { id: "ours", name: "200 calls through servicetitan-client methods", code: ours.join("\n") },
];
for (const subject of subjects) {
  writeFileSync(path.join(dir, `${subject.id}.ts`), subject.code + "\n");
  subject.config = path.join(dir, `${subject.id}.json`);
  writeFileSync(
    subject.config,
    JSON.stringify({
      extends: "../tsconfig.json",
      compilerOptions: { noEmit: true, skipLibCheck: true },
      include: [],
      files: [`${subject.id}.ts`],
    }),
  );
}
const samples = Object.fromEntries(subjects.map((s) => [s.id, []]));
for (let round = 0; round < runs; round++) {
  for (const subject of subjects) {
    const child = spawnSync(
      process.execPath,
      [path.join(root, "node_modules/typescript/bin/tsc"), "-p", subject.config, "--extendedDiagnostics"],
      { encoding: "utf8" },
    );
    if (child.status !== 0) throw new Error(`${subject.id} does not type-check:\n${child.stdout.slice(0, 3000)}`);
    const read = (label) => Number(new RegExp(`${label}:\\s+([\\d.]+)`).exec(child.stdout)[1]);
    samples[subject.id].push({
      check: read("Check time"),
      total: read("Total time"),
      instantiations: read("Instantiations"),
    });
  }
}
rmSync(dir, { recursive: true, force: true });
const m = Object.fromEntries(
  subjects.map((s) => [
    s.id,
    {
      check: median(samples[s.id].map((x) => x.check)),
      total: median(samples[s.id].map((x) => x.total)),
      instantiations: median(samples[s.id].map((x) => x.instantiations)),
    },
  ]),
);
report({
  id: "typecheck",
  title: `Type-check cost of 200 calls (tsc --noEmit --extendedDiagnostics, medians of ${runs})`,
  rerun: "npm run bench:typecheck",
  columns: ["what", "check time", "total time", "instantiations", "check-time ratio", "instantiations ratio"],
  rows: subjects.map((s) => [
    s.name,
    `${m[s.id].check.toFixed(2)} s`,
    `${m[s.id].total.toFixed(2)} s`,
    m[s.id].instantiations.toLocaleString("en"),
    ratio(m[s.id].check / m.plain.check),
    ratio(m[s.id].instantiations / m.plain.instantiations),
  ]),
  targets: [
    {
      what: "this client ≤ 0.5× openapi-fetch (check time)",
      measured: ratio(m.ours.check / m.plain.check),
      met: m.ours.check <= 0.5 * m.plain.check,
    },
    {
      what: "this client ≤ 0.5× openapi-fetch (instantiations)",
      measured: ratio(m.ours.instantiations / m.plain.instantiations),
      met: m.ours.instantiations <= 0.5 * m.plain.instantiations,
    },
  ],
});
