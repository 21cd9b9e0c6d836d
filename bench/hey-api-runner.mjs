// @hey-api/openapi-ts over every spec in one process: types, SDK functions and its fetch client.
import { readdirSync } from "node:fs";
import path from "node:path";
import { createClient } from "@hey-api/openapi-ts";

const [specs, out] = process.argv.slice(2);
for (const file of readdirSync(specs)
  .filter((f) => f.endsWith(".json") && f !== "specs.lock.json")
  .sort()) {
  await createClient({
    input: path.resolve(specs, file), // a relative path would read as a Hey API registry shorthand
    output: path.resolve(out, file.replace(/\.json$/, "")),
    plugins: ["@hey-api/client-fetch", "@hey-api/typescript", "@hey-api/sdk"],
    logs: { level: "silent" },
  });
}
