import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

const own = readOwnPackage();

/** The package version; generated files record it so a generator change shows up as a diff. */
export const GENERATOR_VERSION: string = own.version;

/** The package's folder (where its package.json, specs/ and generated/ are). */
export const PACKAGE_ROOT: string = own.root;

/** From source the package.json is one folder up, from the built `dist/generator/` two. */
function readOwnPackage(): { version: string; root: string } {
  for (const relative of ["../", "../../"]) {
    const url = new URL(`${relative}package.json`, import.meta.url);
    if (!existsSync(url)) continue;
    const pkg = JSON.parse(readFileSync(url, "utf8")) as { name?: string; version: string };
    if (pkg.name === "servicetitan-client") return { version: pkg.version, root: fileURLToPath(new URL(relative, import.meta.url)) };
  }
  throw new Error("stgen: cannot find its own package.json");
}
