import { domainHeader, rootHeader } from "./header.js";
import {
  domainClientName,
  domainFactoryName,
  groupInterfaceName,
  PUBLIC_TYPE_REEXPORTS,
  PUBLIC_VALUE_REEXPORTS,
  RUNTIME_SPECIFIER,
  RUNTIME_TYPE_REEXPORTS,
  RUNTIME_VALUE_REEXPORTS,
  type DomainModel,
} from "./model.js";
import { GENERATOR_VERSION } from "./version.js";

/**
 * These files are simple enough to write directly in the layout prettier gives them (printWidth 120),
 * which saves formatting them on every run; a test checks prettier would leave them unchanged.
 */
const PRINT_WIDTH = 120;

function typeAlias(name: string, type: string): string {
  const line = `export type ${name} = ${type};`;
  return line.length <= PRINT_WIDTH ? line : `export type ${name} =\n  ${type};`;
}

function exportList(keyword: "export" | "export type", names: readonly string[], from: string): string {
  const line = `${keyword} { ${names.join(", ")} } from "${from}";`;
  return line.length <= PRINT_WIDTH ? line : `${keyword} {\n${names.map((name) => `  ${name},\n`).join("")}} from "${from}";`;
}

/** `models.ts`: the friendly names for the domain's schemas (`CustomerResponse` for `Crm.V2.CustomerResponse`). */
export function emitModels(domain: DomainModel): string {
  const lines = [domainHeader(domain), 'import type { components } from "./types.js";', ""];
  for (const [schema, friendly] of domain.schemaNames) {
    lines.push(`/** \`${schema}\` */`, typeAlias(friendly, `components["schemas"][${JSON.stringify(schema)}]`));
  }
  return lines.join("\n") + "\n";
}

/** `index.ts` of a domain: what `import … from "servicetitan-client/crm"` sees. */
export function emitDomainIndex(domain: DomainModel): string {
  const groups = [...new Set(domain.operations.map((op) => op.group).filter((g): g is string => g !== null))];
  return [
    domainHeader(domain),
    `export { ${domainFactoryName(domain.name)} } from "./client.js";`,
    exportList("export type", [domainClientName(domain.name), ...groups.map(groupInterfaceName)], "./client.js"),
    'export type * from "./models.js";',
    'export type { paths, components, operations } from "./types.js";',
    exportList("export", RUNTIME_VALUE_REEXPORTS, RUNTIME_SPECIFIER),
    exportList("export type", RUNTIME_TYPE_REEXPORTS, RUNTIME_SPECIFIER),
    "",
  ].join("\n");
}

/** The root `index.ts`: `createServiceTitan` with every domain, and the runtime's public names. */
export function emitRootIndex(domains: readonly DomainModel[]): string {
  const lines = [rootHeader(domains), `import { createCore, type ServiceTitanConfig } from "${RUNTIME_SPECIFIER}";`];
  for (const d of domains) {
    lines.push(`import { ${domainFactoryName(d.name)}, type ${domainClientName(d.name)} } from "./${d.name}/index.js";`);
  }
  lines.push("", exportList("export", PUBLIC_VALUE_REEXPORTS, RUNTIME_SPECIFIER), exportList("export type", PUBLIC_TYPE_REEXPORTS, RUNTIME_SPECIFIER));
  for (const d of domains) lines.push(`export { ${domainFactoryName(d.name)} } from "./${d.name}/index.js";`);
  lines.push("", "/** One client per ServiceTitan domain, sharing one config, token cache and transport. */", "export interface ServiceTitan {");
  for (const d of domains) lines.push(`  /** ${d.title} (${d.operations.length} operations) */`, `  readonly ${d.name}: ${domainClientName(d.name)};`);
  lines.push(
    "}",
    "",
    "/**",
    " * The ServiceTitan client: `st.crm.customers.getList({ page: 1 })`. Validates the config at once;",
    " * the token is fetched on the first call and cached for its lifetime.",
    " */",
    "export function createServiceTitan(config: ServiceTitanConfig): ServiceTitan {",
    "  const core = createCore(config);",
    "  return {",
  );
  for (const d of domains) lines.push(`    ${d.name}: ${domainFactoryName(d.name)}(core),`);
  lines.push("  };", "}", "");
  return lines.join("\n");
}

/** `manifest.json`: what was generated from what, for tools and reviewers. */
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
