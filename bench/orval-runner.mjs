// orval over every spec in one process: its fetch client (types and one function per operation).
import { readdirSync } from "node:fs";
import path from "node:path";
import { generate } from "orval";

const [specs, out] = process.argv.slice(2);
for (const file of readdirSync(specs)
  .filter((f) => f.endsWith(".json") && f !== "specs.lock.json")
  .sort()) {
  await generate({
    input: { target: path.join(specs, file) },
    output: { target: path.join(out, file.replace(/\.json$/, ".ts")), client: "fetch", mode: "single" },
  });
}
