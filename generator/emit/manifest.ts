import type { DomainModel } from "../model/domain-model.js";
import { GENERATOR_VERSION } from "../version.js";

/** `manifest.json`: what was generated from what (and by which stgen), for tools and reviewers. */
export function emitManifest(domains: readonly DomainModel[]): string {
  const manifest = {
    generator: { name: "stgen", version: GENERATOR_VERSION },
    domains: domains.map((d) => ({
      name: d.name,
      file: d.file,
      title: d.title,
      specVersion: d.specVersion,
      openapi: d.openapi,
      sha256: d.sha256,
      modulePath: d.modulePath,
      operations: d.operations.length,
      pagination: {
        page: d.operations.filter((op) => op.pagination === "page").map((op) => op.operationId),
        export: d.operations.filter((op) => op.pagination === "export").map((op) => op.operationId),
      },
    })),
    totals: {
      domains: domains.length,
      operations: domains.reduce((sum, d) => sum + d.operations.length, 0),
    },
  };
  return JSON.stringify(manifest, null, 2) + "\n";
}
