import { existsSync, readFileSync } from "node:fs";

/** The package version; generated files record it so a generator change shows up as a diff. */
export const GENERATOR_VERSION: string = readOwnPackage().version;

/** From source the package.json is one folder up, from the built `dist/generator/` two. */
function readOwnPackage(): { version: string } {
  for (const relative of ["../package.json", "../../package.json"]) {
    const url = new URL(relative, import.meta.url);
    if (!existsSync(url)) continue;
    const pkg = JSON.parse(readFileSync(url, "utf8")) as { name?: string; version: string };
    if (pkg.name === "servicetitan-client") return pkg;
  }
  throw new Error("stgen: cannot find its own package.json");
}
