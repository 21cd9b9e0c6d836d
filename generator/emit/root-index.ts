import type { StatementStructures } from "ts-morph";
import type { DomainModel } from "../model/domain-model.js";
import { domainClientName, domainFactoryName } from "../model/naming.js";
import { PUBLIC_TYPE_REEXPORTS, PUBLIC_VALUE_REEXPORTS, RUNTIME_SPECIFIER } from "../model/public-names.js";
import { rootHeader } from "./header.js";
import { doc, importList, printTypeScript, StructureKind } from "./print.js";

/**
 * The root `index.ts`: `createServiceTitan` with every domain, and the runtime's public names. A client
 * makes each domain on its first use (the runtime's `lazyObject`), so one per tenant costs little.
 */
export function emitRootIndex(domains: readonly DomainModel[]): string {
  return printTypeScript(rootHeader(domains), [
    {
      kind: StructureKind.ImportDeclaration,
      moduleSpecifier: RUNTIME_SPECIFIER,
      namedImports: ["createCore", "lazyObject", "type ServiceTitanConfig"],
    },
    ...domains.map((d): StatementStructures => ({
      kind: StructureKind.ImportDeclaration,
      moduleSpecifier: `./${d.name}/index.js`,
      namedImports: [domainFactoryName(d.name), `type ${domainClientName(d.name)}`],
    })),
    importList("export", PUBLIC_VALUE_REEXPORTS, RUNTIME_SPECIFIER),
    importList("export type", PUBLIC_TYPE_REEXPORTS, RUNTIME_SPECIFIER),
    ...domains.map((d): StatementStructures => ({
      kind: StructureKind.ExportDeclaration,
      moduleSpecifier: `./${d.name}/index.js`,
      namedExports: [domainFactoryName(d.name)],
    })),
    {
      kind: StructureKind.Interface,
      name: "ServiceTitan",
      isExported: true,
      docs: [doc("One client per ServiceTitan domain, sharing one config, token cache and transport.")],
      properties: domains.map((d) => ({
        name: d.name,
        isReadonly: true,
        type: domainClientName(d.name),
        docs: [doc(`${d.title} (${d.operations.length} operations)`)],
      })),
    },
    [
      "/** Every domain of a client, each made on its first use. */",
      "const domains = lazyObject({",
      ...domains.map((d) => `  ${d.name}: ${domainFactoryName(d.name)},`),
      "});",
    ].join("\n"),
    {
      kind: StructureKind.Function,
      name: "createServiceTitan",
      isExported: true,
      docs: [
        doc(
          "The ServiceTitan client: `st.crm.customers.getList({ page: 1 })`. Validates the config at once;\nthe token is fetched on the first call and cached for its lifetime.",
        ),
      ],
      parameters: [{ name: "config", type: "ServiceTitanConfig" }],
      returnType: "ServiceTitan",
      statements: ["return domains(createCore(config)) as ServiceTitan;"],
    },
  ]);
}
