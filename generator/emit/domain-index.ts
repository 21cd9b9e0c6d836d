import type { DomainModel } from "../model/domain-model.js";
import { domainFactoryName } from "../model/naming.js";
import { RUNTIME_SPECIFIER, RUNTIME_TYPE_REEXPORTS, RUNTIME_VALUE_REEXPORTS } from "../model/public-names.js";
import { domainHeader } from "./header.js";
import { importList, printTypeScript, StructureKind } from "./print.js";

/** `index.ts` of a domain: what `import … from "servicetitan-client/crm"` sees. */
export function emitDomainIndex(domain: DomainModel): string {
  return printTypeScript(domainHeader(domain), [
    {
      kind: StructureKind.ExportDeclaration,
      moduleSpecifier: "./client.js",
      namedExports: [domainFactoryName(domain.name)],
    },
    'export type * from "./client.js";',
    'export type * from "./models.js";',
    {
      kind: StructureKind.ExportDeclaration,
      moduleSpecifier: "./types.js",
      isTypeOnly: true,
      namedExports: ["paths", "components", "operations"],
    },
    importList("export", RUNTIME_VALUE_REEXPORTS, RUNTIME_SPECIFIER),
    importList("export type", RUNTIME_TYPE_REEXPORTS, RUNTIME_SPECIFIER),
  ]);
}
