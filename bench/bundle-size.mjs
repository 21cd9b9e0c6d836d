// Bundle size of an app that imports one operation of one domain (crm, the largest), esbuild minified and
// gzipped with code splitting (what loads at start), beside openapi-fetch alone; and a check that no other
// domain's code is in it.
// Run: npm run bench:bundle   (rebuilds dist/)
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { build } from "esbuild";
import { buildOnce, ratio, report } from "./report.mjs";

const root = fileURLToPath(new URL("..", import.meta.url));
await buildOnce(root);
const dir = mkdtempSync(path.join(root, ".bench-bundle-")); // inside the project, so node_modules resolves
const RUNTIME_ALONE = "the runtime alone: one operation bound by hand (no crm table; openapi-fetch left out)";
const apps = {
  "openapi-fetch alone (baseline)": `import createClient from "openapi-fetch"; const c = createClient({ baseUrl: "https://api.servicetitan.io/crm/v2" }); console.log(await c.GET("/tenant/{tenant}/customers/{id}", { params: { path: { tenant: 1, id: 1 } } }));`,
  "servicetitan-client: one crm operation": `import { createCrmClient } from ${JSON.stringify(path.join(root, "dist/generated/crm/index.js"))}; const crm = createCrmClient({ clientId: "c", clientSecret: "s", appKey: "k", tenant: 1 }); console.log(await crm.customers.get({ id: 1 }));`,
  // Not something a user writes: the runtime's own share, without crm's operation table and without
  // openapi-fetch (path style), to show what the 6 kB target is up against.
  [RUNTIME_ALONE]: `import { defineDomain } from ${JSON.stringify(path.join(root, "dist/runtime/index.js"))}; const domain = defineDomain("/crm/v2", { groups: { customers: { get: { id: "Customers_Get", method: "GET", path: "/tenant/{tenant}/customers/{id}", result: "json" } } }, operations: {} }); console.log(await domain.create({ clientId: "c", clientSecret: "s", appKey: "k", tenant: 1 }).customers.get({ id: 1 }));`,
};
const sizes = {};
let foreign = [];
let lazy;
let inlined;
const gzip = (text) => gzipSync(text, { level: 9 }).length;
for (const [name, code] of Object.entries(apps)) {
  const entry = path.join(dir, `${Object.keys(sizes).length}.mjs`);
  writeFileSync(entry, code);
  const external = name === RUNTIME_ALONE ? ["openapi-fetch"] : [];
  const options = {
    entryPoints: [entry],
    bundle: true,
    minify: true,
    format: "esm",
    platform: "browser",
    write: false,
    metafile: true,
    external,
  };
  // With code splitting, as bundlers do by default (Vite, Rollup, webpack): what an app loads at start is
  // the entry and the chunks it imports statically; `validateResponses`' schemas and check are chunks
  // of their own, loaded by import() only when it is on.
  const result = await build({ ...options, splitting: true, outdir: path.join(dir, "out") });
  const files = new Map(result.outputFiles.map((file) => [path.relative(process.cwd(), file.path), file.text]));
  const startup = new Set();
  const visit = (output) => {
    if (startup.has(output)) return;
    startup.add(output);
    for (const imported of result.metafile.outputs[output].imports)
      if (imported.kind === "import-statement" && !imported.external) visit(imported.path);
  };
  visit(Object.keys(result.metafile.outputs).find((output) => result.metafile.outputs[output].entryPoint));
  const text = [...startup].map((output) => files.get(output)).join("\n");
  sizes[name] = { min: text.length, gzip: gzip(text) };
  if (name.startsWith("servicetitan")) {
    const loaded = [...startup].flatMap((output) => Object.keys(result.metafile.outputs[output].inputs));
    foreign = loaded.filter((input) => /generated\/(?!crm\/)[^/]+\//.test(input));
    const rest = [...files.keys()].filter((output) => !startup.has(output) && output.endsWith(".js"));
    lazy = rest.reduce((sum, output) => sum + gzip(files.get(output)), 0);
    const single = await build(options); // esbuild without --splitting inlines import()s
    inlined = gzip(single.outputFiles[0].text);
  }
}
rmSync(dir, { recursive: true, force: true });
const ours = sizes["servicetitan-client: one crm operation"];
report({
  id: "bundle",
  title: "Bundle size of an app calling one operation (esbuild --minify, gzip -9)",
  rerun: "npm run bench:bundle",
  columns: ["what", "minified", "gzip", "gzip ratio"],
  rows: Object.entries(sizes).map(([name, s]) => [
    name,
    `${(s.min / 1024).toFixed(1)} kB`,
    `${(s.gzip / 1024).toFixed(1)} kB`,
    ratio(s.gzip / sizes["openapi-fetch alone (baseline)"].gzip),
  ]),
  targets: [
    { what: "≤ 6 kB gzip in all", measured: `${(ours.gzip / 1024).toFixed(1)} kB`, met: ours.gzip <= 6 * 1024 },
    {
      what: "no other domain's code in the bundle",
      measured: foreign.length ? foreign.join(", ") : "none",
      met: foreign.length === 0,
    },
  ],
  notes: [
    `Built with esbuild --splitting, as bundlers split by default; sizes are what loads at start. crm's response schemas and the response check (\`validateResponses\`) are split off: ${(lazy / 1024).toFixed(1)} kB gzip more, loaded only when it is on. esbuild without --splitting inlines them: ${(inlined / 1024).toFixed(1)} kB gzip in one file.`,
    `The runtime alone is ${(sizes[RUNTIME_ALONE].gzip / 1024).toFixed(1)} kB gzip: tokens, retries, the rate limiter, paging, errors and config checks are all reachable from one call. ` +
      "Within 6 kB with crm's operation table and openapi-fetch would take a different public shape (one import per operation, path style and paging apart), not a smaller build of this one.",
  ],
});
