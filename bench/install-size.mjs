// Install size: both packages packed, each installed into an empty project as a user would, against
// openapi-fetch installed alone (the client's only dependency). Counts the packages and bytes on disk that
// an install brings besides the package itself.
// Run: npm run bench:install-size   (packs both packages, which builds them)
import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { ratio, report } from "./report.mjs";

const root = fileURLToPath(new URL("..", import.meta.url));
const npm = (args, cwd) =>
  execFileSync("npm", [...args, "--no-audit", "--no-fund", "--prefer-offline", "--silent"], { cwd, encoding: "utf8" });
const packs = mkdtempSync(path.join(tmpdir(), "bench-packs-"));
const pack = (args) =>
  path.join(
    packs,
    npm(["pack", ...args, "--pack-destination", packs], root)
      .trim()
      .split("\n")
      .at(-1),
  );
const client = pack([]);
const stgen = pack(["-w", "stgen"]);

/** Bytes under a folder (files' sizes, as `du --apparent-size` counts them). */
function bytes(target) {
  const stat = statSync(target);
  if (!stat.isDirectory()) return stat.size;
  return readdirSync(target).reduce((sum, name) => sum + bytes(path.join(target, name)), 0);
}
/** Installed packages (scoped ones by their own name), each with its size. */
function packages(modules) {
  const found = [];
  for (const name of readdirSync(modules)) {
    if (name.startsWith(".")) continue;
    if (name.startsWith("@"))
      for (const inner of readdirSync(path.join(modules, name)))
        found.push({ name: `${name}/${inner}`, bytes: bytes(path.join(modules, name, inner)) });
    else found.push({ name, bytes: bytes(path.join(modules, name)) });
  }
  return found;
}
function install(specs, flags = []) {
  const app = mkdtempSync(path.join(tmpdir(), "bench-install-"));
  writeFileSync(path.join(app, "package.json"), JSON.stringify({ name: "app", private: true, type: "module" }));
  npm(["install", ...specs, ...flags], app);
  return packages(path.join(app, "node_modules"));
}
const besides = (installed, self) => installed.filter((p) => !self.includes(p.name));
const mb = (value) => `${(value / 1e6).toFixed(2)} MB`;
const sum = (list) => list.reduce((total, p) => total + p.bytes, 0);

const baseline = install(["openapi-fetch"]);
const clientOnly = install([client], ["--omit=dev", "--omit=peer"]);
const withStgen = install([client, stgen]);
const clientOthers = besides(clientOnly, ["servicetitan-client"]);
const stgenOthers = besides(withStgen, ["servicetitan-client", "stgen"]);
const own = (list, name) => list.find((p) => p.name === name).bytes;
const heavy = ["typescript", "prettier", "ts-morph", "openapi-typescript", "yargs", "ajv"].filter((name) =>
  clientOnly.some((p) => p.name === name),
);

report({
  id: "install-size",
  title: "Install size: the client alone, and with stgen",
  rerun: "npm run bench:install-size",
  columns: ["what", "packages besides itself", "on disk besides itself", "vs openapi-fetch alone"],
  rows: [
    ["openapi-fetch alone (baseline)", String(baseline.length), mb(sum(baseline)), "1.00×"],
    [
      "servicetitan-client, `--omit=dev --omit=peer`",
      String(clientOthers.length),
      mb(sum(clientOthers)),
      ratio(sum(clientOthers) / sum(baseline)),
    ],
    ["servicetitan-client itself (24 domains, .js + .d.ts)", "", mb(own(clientOnly, "servicetitan-client")), ""],
    ["packed servicetitan-client (.tgz)", "", mb(statSync(client).size), ""],
    [
      "stgen (with servicetitan-client as its peer)",
      String(stgenOthers.length),
      mb(sum(stgenOthers)),
      ratio(sum(stgenOthers) / sum(baseline)),
    ],
    ["stgen itself (+ the specs it ships)", "", mb(own(withStgen, "stgen")), ""],
  ],
  targets: [
    {
      what: "client install: at most 4 packages besides itself",
      measured: String(clientOthers.length),
      met: clientOthers.length <= 4,
    },
    {
      what: "client install: at most 3 MB besides itself",
      measured: mb(sum(clientOthers)),
      met: sum(clientOthers) <= 3e6,
    },
    {
      what: "client install: none of typescript, prettier, ts-morph, openapi-typescript, yargs, ajv",
      measured: heavy.join(", ") || "none",
      met: heavy.length === 0,
    },
  ],
  notes: [`Besides itself, the client brings: ${clientOthers.map((p) => `${p.name} (${mb(p.bytes)})`).join(", ")}.`],
});
