import { createRequire } from "node:module";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { openapiTypescriptNodes } from "../../../generator/emit/types.js";
import { listSpecFiles, loadSpecFile } from "../../../generator/spec/load.js";
import { LATEST, PREVIOUS } from "../../helpers.js";

const { default: openapiTS, astToString } = createRequire(import.meta.url)(
  "openapi-typescript",
) as typeof import("openapi-typescript");

/**
 * The generator skips openapiTS()'s Redocly lint and bundle and calls its transform directly (see
 * emit-types.ts). That is only right while the result is exactly openapiTS()'s, with its own defaults:
 * checked here for every spec of both releases, so an openapi-typescript upgrade that changes its
 * defaults fails here, not silently in generated/.
 */
describe.each([
  ["latest", LATEST],
  ["previous", PREVIOUS],
])("types from openapi-typescript's transform are exactly openapiTS()'s (%s release)", (_, dir) => {
  it("for every spec", { timeout: 120_000 }, async () => {
    const files = await listSpecFiles(dir);
    expect(files).toHaveLength(24);
    for (const file of files) {
      const { document } = await loadSpecFile(path.join(dir, file));
      const expected = astToString(
        await openapiTS(structuredClone(document) as Parameters<typeof openapiTS>[0], { silent: true }),
      );
      expect(astToString(await openapiTypescriptNodes(document)), file).toBe(expected);
    }
  });
});
