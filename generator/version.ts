import { readFileSync } from "node:fs";

/** The package version; generated files record it so a generator change shows up as a diff. */
export const GENERATOR_VERSION: string = (
  JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as { version: string }
).version;
