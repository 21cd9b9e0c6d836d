// Builds the two packages' dist/ folders (JS + .d.ts): `client` (servicetitan-client: runtime and the
// generated clients, into dist/) and `stgen` (the generator, diff and mock, into generator/dist/); both
// when neither is named. `--bundle-specs` copies specs/ into generator/specs/, which the packed stgen
// ships and its mock serves by default.
import { execFileSync } from "node:child_process";
import { cpSync, rmSync } from "node:fs";
import { createRequire } from "node:module";

const root = new URL("..", import.meta.url);
const named = process.argv.slice(2).filter((arg) => !arg.startsWith("--"));
const which = named.length > 0 ? named : ["client", "stgen"];
const tsc = createRequire(import.meta.url).resolve("typescript/bin/tsc");
const targets = {
  client: { out: "dist", config: "tsconfig.build.json" },
  stgen: { out: "generator/dist", config: "generator/tsconfig.build.json" },
};
for (const name of which) {
  const target = targets[name];
  if (!target) throw new Error(`build: unknown package '${name}' (client, stgen)`);
  rmSync(new URL(target.out, root), { recursive: true, force: true });
  execFileSync(process.execPath, [tsc, "-p", target.config], { stdio: "inherit", cwd: root });
}
if (process.argv.includes("--bundle-specs")) {
  rmSync(new URL("generator/specs", root), { recursive: true, force: true });
  cpSync(new URL("specs", root), new URL("generator/specs", root), { recursive: true });
}
