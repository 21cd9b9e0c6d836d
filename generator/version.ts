import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const own = readOwnPackage();

/** stgen's version, recorded in manifest.json so a generator change shows up there. */
export const GENERATOR_VERSION: string = own.version;

/** The stgen package's folder (where its package.json is). */
export const PACKAGE_ROOT: string = own.root;

/**
 * The specs stgen ships (copied in when the package is packed); in a clone of the repository, the
 * repository's own `specs/` beside the package.
 */
export const BUNDLED_SPECS: string = existsSync(path.join(PACKAGE_ROOT, "specs"))
  ? path.join(PACKAGE_ROOT, "specs")
  : path.resolve(PACKAGE_ROOT, "../specs");

/** From source the package.json is in this folder, from the built `dist/` one up. */
function readOwnPackage(): { version: string; root: string } {
  for (const relative of ["./", "../"]) {
    const url = new URL(`${relative}package.json`, import.meta.url);
    if (!existsSync(url)) continue;
    const pkg = JSON.parse(readFileSync(url, "utf8")) as { name?: string; version: string };
    if (pkg.name === "stgen") return { version: pkg.version, root: fileURLToPath(new URL(relative, import.meta.url)) };
  }
  throw new Error("stgen: cannot find its own package.json");
}
