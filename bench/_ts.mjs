import { createRequire } from "node:module";
import { readFileSync, readdirSync } from "node:fs";
const require = createRequire(import.meta.url);
const ots = require("openapi-typescript");
const core = createRequire(require.resolve("openapi-typescript"))("@redocly/openapi-core");
const redocly = await core.createConfig({ rules: {} }, { extends: [] });
const direct = (schema) => {
  const ctx = {
    additionalProperties: false, alphabetize: false, arrayLength: false, defaultNonNullable: true,
    discriminators: ots.scanDiscriminators(schema, {}), emptyObjectsUnknown: false, enum: false, enumValues: false,
    conditionalEnums: false, dedupeEnums: false, excludeDeprecated: false, exportType: false, immutable: false,
    rootTypes: false, rootTypesNoSchemaPrefix: false, rootTypesKeepCasing: false, injectFooter: [], pathParamsAsTypes: false,
    postTransform: undefined, propertiesRequiredByDefault: false, redoc: redocly, silent: true, inject: undefined,
    transform: undefined, transformProperty: undefined, makePathsEnum: false, generatePathParams: false, readWriteMarkers: false,
    resolve: ($ref) => ots.resolveRef(schema, $ref, { silent: true }),
  };
  return ots.transformSchema(schema, ctx);
};
let same = 0, differ = [];
let tA = 0, tB = 0;
for (const dir of ["specs", "../shared/specs/2026-03-17"]) {
  for (const f of readdirSync(dir).filter((f) => f.endsWith(".json") && f !== "specs.lock.json").sort()) {
    const text = readFileSync(`${dir}/${f}`, "utf8");
    let t = performance.now();
    const a = ots.astToString(await ots.default(JSON.parse(text), { silent: true, redocly }));
    tA += performance.now() - t; t = performance.now();
    const b = ots.astToString(direct(JSON.parse(text)));
    tB += performance.now() - t;
    if (a === b) same++; else differ.push(`${dir}/${f}`);
  }
}
console.log("same", same, "differ", differ, "openapiTS", Math.round(tA), "direct", Math.round(tB));
