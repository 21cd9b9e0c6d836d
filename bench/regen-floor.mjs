// The part of a regeneration no cache can skip: reading the changed spec and making its types with
// openapi-typescript (loaded as stgen loads it), in a fresh process. Used by generate.mjs.
import { emitTypes } from "../generator/dist/emit/types.js";
import { loadSpecFile } from "../generator/dist/spec/load.js";
import { buildDomainModel } from "../generator/dist/model/build-model.js";

await emitTypes(buildDomainModel(await loadSpecFile(process.argv[2])));
