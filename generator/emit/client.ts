import type {
  InterfaceDeclarationStructure,
  MethodSignatureStructure,
  OptionalKind,
  PropertySignatureStructure,
  StatementStructures,
} from "ts-morph";
import type { DomainModel, OperationModel } from "../model/domain-model.js";
import { domainClientName, domainFactoryName, groupInterfaceName } from "../model/naming.js";
import { RUNTIME_SPECIFIER } from "../model/public-names.js";
import { domainHeader } from "./header.js";
import {
  doc,
  importList,
  objectLiteral,
  objectType,
  printTypeScript,
  PRINT_WIDTH,
  propertyName,
  StructureKind,
  typeAlias,
} from "./print.js";

/**
 * A domain's `client.ts`. Group by group, in one order: the argument and result types of its operations,
 * the interface users see (every method with its JSDoc and named types, so an editor shows
 * `get(args: CustomersGetArgs, options?: RequestOptions): Promise<CustomerResponse>`), and beside it the
 * table the runtime calls it through. Then the domain's interface, and its factory.
 */
export function emitClient(domain: DomainModel): string {
  const types = new OperationTypes(domain);
  const groups = groupOperations(domain.operations);
  const body: (string | StatementStructures)[] = [];
  for (const [group, unordered] of groups) {
    const operations = inInterfaceOrder(unordered);
    const aliases = operations.flatMap((op) => types.declarations(op));
    if (aliases.length > 0) body.push(`\n${aliases.join("\n")}`); // a blank line before each group's types
    if (group === null) continue;
    const api = groupInterfaceName(group);
    body.push(
      apiInterface(
        api,
        `\`${domain.name}.${group}\`: ${operations.length} operation${operations.length === 1 ? "" : "s"} of ${domain.title} (${domain.file}).`,
        operations,
        types,
      ),
      table(tableName(group), api, operations),
    );
  }
  const client = domainClientName(domain.name);
  const own = inInterfaceOrder(groups.get(null) ?? []);
  body.push(domainInterface(domain, groups, types));
  if (own.length > 0)
    body.push(
      table("domainOperations", `Pick<${client}, ${own.map((op) => JSON.stringify(op.methodName)).join(" | ")}>`, own),
    );
  body.push(definition(domain, groups), factory(domain));
  return printTypeScript(domainHeader(domain), [...imports(domain, types), ...body]);
}

function imports(domain: DomainModel, types: OperationTypes): string[] {
  const paging = new Set(domain.operations.map(pagingHelpers));
  const runtime = [
    "defineDomain",
    ...(paging.has("export") ? ["type ExportFeed"] : []),
    "type OperationTable",
    ...(paging.has("page") ? ["type PagedList"] : []),
    "type PathStyleClient",
    ...(paging.has(null) ? ["type RequestOptions"] : []), // plain methods name it; paged ones do not
    "type ServiceTitanConfig",
    "type ServiceTitanCore",
  ];
  const models = types.modelsUsed();
  return [
    importList("import", runtime, RUNTIME_SPECIFIER),
    ...(models.length > 0 ? [importList("import type", models, "./models.js")] : []),
    importList("import type", ["operations", "paths"], "./types.js"),
  ];
}

function groupOperations(operations: readonly OperationModel[]): Map<string | null, OperationModel[]> {
  const groups = new Map<string | null, OperationModel[]>();
  for (const op of operations) groups.set(op.group, [...(groups.get(op.group) ?? []), op]);
  return groups;
}

/** The order of a group's interface, which its table follows: the paged lists and feeds (properties), then the methods. */
function inInterfaceOrder(operations: OperationModel[]): OperationModel[] {
  return [...operations.filter((op) => pagingHelpers(op)), ...operations.filter((op) => !pagingHelpers(op))];
}

/** `customersOperations`: a group's name may be a reserved word (`export`), so the table's name is suffixed. */
function tableName(group: string): string {
  return `${group}Operations`;
}

function apiInterface(
  name: string,
  description: string,
  operations: OperationModel[],
  types: OperationTypes,
): InterfaceDeclarationStructure {
  return {
    kind: StructureKind.Interface,
    name,
    isExported: true,
    docs: [doc(description)],
    properties: operations.filter(pagingHelpers).map((op) => pagedProperty(op, types)),
    methods: operations.filter((op) => !pagingHelpers(op)).map((op) => methodSignature(op, types)),
  };
}

function domainInterface(
  domain: DomainModel,
  groups: Map<string | null, OperationModel[]>,
  types: OperationTypes,
): InterfaceDeclarationStructure {
  const own = groups.get(null) ?? [];
  const properties: OptionalKind<PropertySignatureStructure>[] = [];
  for (const group of groups.keys())
    if (group !== null)
      properties.push({ name: propertyName(group), isReadonly: true, type: groupInterfaceName(group) });
  return {
    kind: StructureKind.Interface,
    name: domainClientName(domain.name),
    isExported: true,
    extends: ["PathStyleClient<paths>"],
    docs: [
      doc(
        `${domain.title}: ${domain.operations.length} operations from ${domain.file} (info.version ${domain.specVersion}), ` +
          `served under \`${domain.modulePath}\`.\n\nPath-style calls (\`GET("/tenant/{tenant}/…", init)\`) return openapi-fetch's ` +
          "`{ data, error, response }`; `tenant` may be left out of their params.",
      ),
    ],
    properties: [...properties, ...own.filter(pagingHelpers).map((op) => pagedProperty(op, types))],
    methods: own.filter((op) => !pagingHelpers(op)).map((op) => methodSignature(op, types)),
  };
}

/** `const customersOperations: OperationTable<CustomersApi> = { get: { id, method, path, … }, … };`: the runtime's view of the interface above it. */
function table(name: string, type: string, operations: OperationModel[]): string {
  const lines = [`const ${name}: OperationTable<${type}> = {`];
  for (const op of operations) {
    const entry = tableEntry(op).map(([key, value]) => `${key}: ${value}`);
    const line = `  ${propertyName(op.methodName)}: { ${entry.join(", ")} },`;
    if (line.length <= PRINT_WIDTH) lines.push(line);
    else lines.push(`  ${propertyName(op.methodName)}: {`, ...entry.map((member) => `    ${member},`), "  },");
  }
  lines.push("};");
  return lines.join("\n");
}

/** What the runtime needs of an operation (see `OperationSpec` in the runtime). */
function tableEntry(op: OperationModel): [string, string][] {
  const entry: [string, string][] = [
    ["id", JSON.stringify(op.operationId)],
    ["method", JSON.stringify(op.method)],
    ["path", JSON.stringify(op.path)],
    ["result", JSON.stringify(op.resultKind)],
  ];
  const renames = op.queryParams
    .filter((p) => p.arg !== p.name)
    .map((p) => `${propertyName(p.arg)}: ${JSON.stringify(p.name)}`);
  if (renames.length > 0) entry.push(["rename", `{ ${renames.join(", ")} }`]);
  if (op.body?.binaryFields.length) entry.push(["body", JSON.stringify("multipart")]);
  if (op.scopes.length > 0) entry.push(["scopes", `[${op.scopes.map((s) => JSON.stringify(s)).join(", ")}]`]); // named by a PermissionError on a 403
  const paging = pagingHelpers(op);
  if (paging) entry.push(["paging", JSON.stringify(paging)]);
  return entry;
}

function definition(domain: DomainModel, groups: Map<string | null, OperationModel[]>): string {
  const members = [...groups.keys()]
    .filter((group): group is string => group !== null)
    .map((group) => `${propertyName(group)}: ${tableName(group)}`);
  return [
    `const domain = defineDomain<${domainClientName(domain.name)}>(${JSON.stringify(domain.modulePath)}, {`,
    `  groups: ${objectLiteral("  groups: ", members, "  ")},`,
    `  operations: ${groups.has(null) ? "domainOperations" : "{}"},`,
    '  validation: () => import("./validation.js"),',
    "});",
  ].join("\n");
}

function factory(domain: DomainModel): StatementStructures {
  return {
    kind: StructureKind.Function,
    name: domainFactoryName(domain.name),
    isExported: true,
    docs: [
      doc(
        `The ${domain.title} client. Pass a config to use this domain alone, or the core of a \`createServiceTitan\` client to share its token and settings.`,
      ),
    ],
    parameters: [{ name: "config", type: "ServiceTitanConfig | ServiceTitanCore" }],
    returnType: domainClientName(domain.name),
    statements: ["return domain.create(config);"],
  };
}

function methodSignature(op: OperationModel, types: OperationTypes): OptionalKind<MethodSignatureStructure> {
  const args = types.args(op);
  return {
    name: propertyName(op.methodName),
    docs: [methodDocs(op)],
    parameters: [
      ...(args ? [{ name: "args", type: args.name, hasQuestionToken: !args.required }] : []),
      { name: "options", type: "RequestOptions", hasQuestionToken: true },
    ],
    returnType: `Promise<${types.result(op)}>`,
  };
}

/**
 * Which iteration helpers (`.all()` / `.pages()`) an operation gets: paged lists and export feeds as the
 * model found them by shape. An export feed whose arguments are required (none in ServiceTitan's specs)
 * stays a plain method, since its helpers take the arguments as optional.
 */
function pagingHelpers(op: OperationModel): "page" | "export" | null {
  if (op.pagination === "export" && argumentsRequired(op)) return null;
  return op.pagination;
}

/** A paged list or export feed: a property whose type is both the method and its helpers. */
function pagedProperty(op: OperationModel, types: OperationTypes): OptionalKind<PropertySignatureStructure> {
  const args = types.args(op)!;
  const type =
    op.pagination === "page"
      ? `PagedList<[args${args.required ? "" : "?"}: ${args.name}], ${types.result(op)}>`
      : `ExportFeed<${args.name}, ${types.result(op)}>`;
  return { name: propertyName(op.methodName), docs: [methodDocs(op)], type };
}

function methodDocs(op: OperationModel) {
  const lines: string[] = [];
  if (op.summary) lines.push(op.summary);
  if (op.description && op.description !== op.summary) lines.push("", op.description);
  if (lines.length) lines.push("");
  lines.push(`\`${op.method} ${op.path}\` (operationId \`${op.operationId}\`)`);
  if (op.scopes.length) lines.push("", `OAuth scopes: ${op.scopes.map((s) => `\`${s}\``).join(", ")}`);
  const tags = op.deprecated
    ? [{ tagName: "deprecated", text: op.deprecatedMessage ?? "ServiceTitan marks this operation deprecated." }]
    : [];
  return doc(lines.join("\n"), tags);
}

function argumentsRequired(op: OperationModel): boolean {
  return op.pathParams.length > 0 || op.body?.required === true || op.queryParams.some((p) => p.required);
}

/**
 * The named types of a domain's operations: `CustomersGetArgs` (path and query parameters and `body`, one
 * object) and the result, which is the friendly model name where the spec's schema is a plain `$ref`
 * (`CustomerResponse`) and `CustomersGetResult` otherwise. Records which models.ts names it used.
 */
class OperationTypes {
  private readonly models = new Set<string>();
  constructor(private readonly domain: DomainModel) {}

  args(op: OperationModel): { name: string; required: boolean } | null {
    return this.argsType(op) === null ? null : { name: `${op.typeName}Args`, required: argumentsRequired(op) };
  }

  result(op: OperationModel): string {
    const parts = this.resultParts(op);
    return parts.every((part) => !part.startsWith("operations[")) ? parts.join(" | ") : `${op.typeName}Result`;
  }

  /** The type aliases `args` and `result` name, declared before the group's interface. */
  declarations(op: OperationModel): string[] {
    const aliases: string[] = [];
    const args = this.argsType(op);
    // Parameters alone are an interface: an alias of NonNullable<…> would show as its whole structure on hover.
    if (args !== null)
      aliases.push(
        args.startsWith("NonNullable<") && !args.includes(" & ")
          ? `export interface ${op.typeName}Args extends ${args} {}`
          : typeAlias(`${op.typeName}Args`, args),
      );
    const result = this.result(op);
    if (result === `${op.typeName}Result`) aliases.push(typeAlias(result, this.resultParts(op).join(" | ")));
    return aliases;
  }

  modelsUsed(): string[] {
    for (const op of this.domain.operations) {
      this.argsType(op);
      this.resultParts(op);
    }
    return [...this.models].sort();
  }

  private model(schema: string | undefined): string | undefined {
    const name = schema === undefined ? undefined : this.domain.schemaNames.get(schema);
    if (name) this.models.add(name);
    return name;
  }

  /**
   * One object type for path and query parameters and `body`; null when the operation takes none. The query
   * parameters come from types.ts as a whole, less those renamed (`queryId`), which are members with the rest.
   */
  private argsType(op: OperationModel): string | null {
    const ref = `operations[${JSON.stringify(op.operationId)}]`;
    const bases: string[] = [];
    const members = op.pathParams.map(
      (p) => `${propertyName(p.arg)}: ${ref}["parameters"]["path"][${JSON.stringify(p.name)}]`,
    );
    if (op.queryParams.length > 0) {
      const query = `NonNullable<${ref}["parameters"]["query"]>`;
      const renamed = op.queryParams.filter((p) => p.arg !== p.name);
      bases.push(
        renamed.length === 0 ? query : `Omit<${query}, ${renamed.map((p) => JSON.stringify(p.name)).join(" | ")}>`,
      );
      members.push(
        ...renamed.map((p) => `${propertyName(p.arg)}${p.required ? "" : "?"}: ${query}[${JSON.stringify(p.name)}]`),
      );
    }
    if (op.body) {
      const json =
        this.model(op.body.schema) ??
        `NonNullable<${ref}["requestBody"]>["content"][${JSON.stringify(op.body.mediaType)}]`;
      const binary = op.body.binaryFields;
      members.push(
        `body: ${binary.length ? `Omit<${json}, ${binary.map((f) => JSON.stringify(f)).join(" | ")}> & { ${binary.map((f) => `${propertyName(f)}: Blob`).join("; ")} }` : json}`,
      );
    }
    if (members.length === 0) return bases.length === 0 ? null : bases.join(" & ");
    const prefix = `export type ${op.typeName}Args = ${bases.map((base) => `${base} & `).join("")}`;
    return [...bases, objectType(prefix, members)].join(" & ");
  }

  /** Each 2xx answer's type: `string` for text, `Blob` for files, `undefined` without a body, else its schema. */
  private resultParts(op: OperationModel): string[] {
    const types = op.responses.map((response) => {
      if (response.kind === "none") return "undefined";
      if (response.kind === "binary") return "Blob";
      if (response.kind === "text") return "string";
      const status = /^\d+$/.test(response.status) ? response.status : JSON.stringify(response.status);
      return (
        this.model(response.schema) ??
        `operations[${JSON.stringify(op.operationId)}]["responses"][${status}]["content"][${JSON.stringify(response.mediaType)}]`
      );
    });
    const unique = [...new Set(types)];
    return unique.length ? unique : ["undefined"];
  }
}
