// The baseline: openapi-typescript's Node API alone (types only) over every spec, in one process.
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import openapiTS, { astToString } from "openapi-typescript";

const dir = process.argv[2];
for (const file of readdirSync(dir)
  .filter((f) => f.endsWith(".json") && f !== "specs.lock.json")
  .sort()) {
  astToString(await openapiTS(JSON.parse(readFileSync(path.join(dir, file), "utf8")), { silent: true }));
}
