import type { DomainModel } from "../model/domain-model.js";
import { domainHeader } from "./header.js";
import { escapeDoc, importList, printTypeScript, typeAlias } from "./print.js";

/** `models.ts`: the friendly names for the domain's schemas (`CustomerResponse` for `Crm.V2.CustomerResponse`). */
export function emitModels(domain: DomainModel): string {
  const aliases = [...domain.schemaNames].map(
    ([schema, friendly]) =>
      `/** \`${escapeDoc(schema)}\` */\n${typeAlias(friendly, `components["schemas"][${JSON.stringify(schema)}]`)}`,
  );
  return printTypeScript(domainHeader(domain), [
    importList("import type", ["components"], "./types.js"),
    `\n${aliases.join("\n")}`,
  ]);
}
