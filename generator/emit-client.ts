import { createRequire } from "node:module";
import type {
  Project,
  InterfaceDeclarationStructure,
  JSDocStructure,
  MethodSignatureStructure,
  OptionalKind,
  PropertySignatureStructure,
  StatementStructures,
} from "ts-morph";
import { domainHeader } from "./header.js";
import { domainClientName, domainFactoryName, groupInterfaceName, RUNTIME_SPECIFIER, type DomainModel, type OperationModel } from "./model.js";
import { isIdentifier } from "./naming.js";

// ts-morph through `require`, not `import`: see emitClientTexts() in emit-clients.ts.
const { StructureKind } = createRequire(import.meta.url)("ts-morph") as typeof import("ts-morph");



/**
 * The domain's client, with ts-morph: one interface per group of methods (typed against the
 * openapi-typescript `operations`, carrying the JSDoc), and a factory that binds each method to its
 * operation as data. Returns the interfaces as unformatted text (prettier runs later), and the factory
 * already in prettier's layout (`verbatim`): it is a third of the file and as regular as a table, so it
 * is written the way prettier would print it instead of being formatted on every run (a test checks
 * prettier leaves every client.ts unchanged).
 */
export function emitClient(project: Project, domain: DomainModel): { text: string; verbatim: string } {
  const groups = groupOperations(domain.operations);
  const helpers = domain.operations.map(pagingHelpers);
  const statements: (string | StatementStructures)[] = [
    {
      kind: StructureKind.ImportDeclaration,
      moduleSpecifier: RUNTIME_SPECIFIER,
      namedImports: [
        "bindDomain",
        ...(helpers.includes("export") ? ["type ExportFeed"] : []),
        ...(helpers.includes("page") ? ["type PagedList"] : []),
        "type PathStyleClient",
        ...(helpers.includes(null) ? ["type RequestOptions"] : []), // plain methods name it; paged ones do not
        "type ServiceTitanConfig",
        "type ServiceTitanCore",
      ],
    },
    { kind: StructureKind.ImportDeclaration, moduleSpecifier: "./types.js", isTypeOnly: true, namedImports: ["operations", "paths"] },
  ];

  for (const [group, operations] of groups) {
    if (group === null) continue;
    statements.push(groupInterface(domain, group, operations));
  }
  statements.push(domainInterface(domain, groups));

  const file = project.createSourceFile(`${domain.name}/client.ts`, { statements }, { overwrite: true });
  const text = domainHeader(domain) + file.getFullText();
  project.removeSourceFile(file);
  return { text, verbatim: factory(domain, groups) };
}

function groupOperations(operations: readonly OperationModel[]): Map<string | null, OperationModel[]> {
  const groups = new Map<string | null, OperationModel[]>();
  for (const op of operations) groups.set(op.group, [...(groups.get(op.group) ?? []), op]);
  return groups;
}

function groupInterface(domain: DomainModel, group: string, operations: OperationModel[]): InterfaceDeclarationStructure {
  return {
    kind: StructureKind.Interface,
    name: groupInterfaceName(group),
    isExported: true,
    docs: [`\`${domain.name}.${group}\`: ${operations.length} operation${operations.length === 1 ? "" : "s"} of ${domain.title} (${domain.file}).`],
    properties: operations.filter(pagingHelpers).map(pagedProperty),
    methods: operations.filter((op) => !pagingHelpers(op)).map(methodSignature),
  };
}

function domainInterface(domain: DomainModel, groups: Map<string | null, OperationModel[]>): InterfaceDeclarationStructure {
  const properties: OptionalKind<PropertySignatureStructure>[] = [];
  for (const group of groups.keys()) {
    if (group !== null) properties.push({ name: propertyName(group), isReadonly: true, type: groupInterfaceName(group) });
  }
  return {
    kind: StructureKind.Interface,
    name: domainClientName(domain.name),
    isExported: true,
    extends: ["PathStyleClient<paths>"],
    docs: [
      `${domain.title}: ${domain.operations.length} operations from ${domain.file} (info.version ${domain.specVersion}), ` +
        `served under \`${domain.modulePath}\`.\n\nPath-style calls (\`GET("/tenant/{tenant}/…", init)\`) return openapi-fetch's ` +
        "`{ data, error, response }`; `tenant` may be left out of their params.",
    ],
    properties: [...properties, ...(groups.get(null) ?? []).filter(pagingHelpers).map(pagedProperty)],
    methods: (groups.get(null) ?? []).filter((op) => !pagingHelpers(op)).map(methodSignature),
  };
}

const PRINT_WIDTH = 120;

/** `createCrmClient`, in the layout prettier gives it (printWidth 120, trailing commas). */
function factory(domain: DomainModel, groups: Map<string | null, OperationModel[]>): string {
  const name = domainFactoryName(domain.name);
  const client = domainClientName(domain.name);
  const doc = `The ${domain.title} client. Pass a config to use this domain alone, or the core of a \`createServiceTitan\` client to share its token and settings.`;
  const signature = `export function ${name}(config: ServiceTitanConfig | ServiceTitanCore): ${client} {`;
  const lines = [
    `/** ${escapeDoc(doc)} */`,
    ...(signature.length <= PRINT_WIDTH ? [signature] : [`export function ${name}(`, "  config: ServiceTitanConfig | ServiceTitanCore,", `): ${client} {`]),
    `  const { pathStyle, operation } = bindDomain<paths>(config, ${JSON.stringify(domain.modulePath)});`,
    "  return {",
    "    ...pathStyle,",
  ];
  for (const [group, operations] of groups) {
    if (group === null) {
      for (const op of operations) lines.push(...operationCall(op, "    "));
      continue;
    }
    lines.push(`    ${propertyName(group)}: {`);
    for (const op of operations) lines.push(...operationCall(op, "      "));
    lines.push("    },");
  }
  lines.push("  };", "}", "");
  return lines.join("\n");
}

/** `key: operation({ … }),` with one property a line; arrays and objects stay on one line when they fit. */
function operationCall(op: OperationModel, indent: string): string[] {
  const inner = `${indent}  `;
  const lines = [`${indent}${propertyName(op.method)}: operation({`];
  const add = (key: string, value: string) => lines.push(`${inner}${key}: ${value},`);
  add("id", JSON.stringify(op.operationId));
  add("method", JSON.stringify(op.httpMethod));
  add("path", JSON.stringify(op.path));
  add("result", JSON.stringify(op.resultKind));
  const renames = op.queryParams.filter((p) => p.arg !== p.name).map((p) => `${propertyName(p.arg)}: ${JSON.stringify(p.name)}`);
  if (renames.length > 0) add("rename", `{ ${renames.join(", ")} }`);
  if (op.body?.binaryFields.length) add("body", JSON.stringify("multipart"));
  if (op.scopes.length > 0) {
    // Named by a PermissionError on a 403.
    const inline = `[${op.scopes.map((s) => JSON.stringify(s)).join(", ")}]`;
    if (`${inner}scopes: ${inline},`.length <= PRINT_WIDTH) add("scopes", inline);
    else lines.push(`${inner}scopes: [`, ...op.scopes.map((s) => `${inner}  ${JSON.stringify(s)},`), `${inner}],`);
  }
  const paging = pagingHelpers(op);
  if (paging) add("paging", JSON.stringify(paging));
  lines.push(`${indent}}),`);
  return lines;
}

function methodSignature(op: OperationModel): OptionalKind<MethodSignatureStructure> {
  const args = argumentsType(op);
  return {
    name: propertyName(op.method),
    docs: [methodDocs(op)],
    parameters: [
      ...(args ? [{ name: "args", type: args.type, hasQuestionToken: !args.required }] : []),
      { name: "options", type: "RequestOptions", hasQuestionToken: true },
    ],
    returnType: `Promise<${resultType(op)}>`,
  };
}

/**
 * Which iteration helpers (`.all()` / `.pages()`) an operation gets: paged lists and export feeds as the
 * model found them by shape. An export feed whose arguments are required (none in ServiceTitan's specs)
 * stays a plain method, since its helpers take the arguments as optional.
 */
function pagingHelpers(op: OperationModel): "page" | "export" | null {
  if (op.pagination === "export" && argumentsType(op)?.required) return null;
  return op.pagination;
}

/** A paged list or export feed: a property whose type is both the method and its helpers. */
function pagedProperty(op: OperationModel): OptionalKind<PropertySignatureStructure> {
  const args = argumentsType(op)!;
  const type =
    op.pagination === "page"
      ? `PagedList<[args${args.required ? "" : "?"}: ${args.type}], ${resultType(op)}>`
      : `ExportFeed<${args.type}, ${resultType(op)}>`;
  return { name: propertyName(op.method), docs: [methodDocs(op)], type };
}

function operationRef(op: OperationModel): string {
  return `operations[${JSON.stringify(op.operationId)}]`;
}

/** One object type for path and query parameters and `body`; null when the operation takes none. */
function argumentsType(op: OperationModel): { type: string; required: boolean } | null {
  const ref = operationRef(op);
  const parts: string[] = [];
  if (op.pathParams.length > 0) {
    const members = op.pathParams.map((p) => `${propertyName(p.arg)}: ${ref}["parameters"]["path"][${JSON.stringify(p.name)}]`);
    parts.push(`{ ${members.join("; ")} }`);
  }
  if (op.queryParams.length > 0) {
    const query = `NonNullable<${ref}["parameters"]["query"]>`;
    const renamed = op.queryParams.filter((p) => p.arg !== p.name);
    if (renamed.length === 0) parts.push(query);
    else {
      const omitted = renamed.map((p) => JSON.stringify(p.name)).join(" | ");
      const members = renamed.map((p) => `${propertyName(p.arg)}${p.required ? "" : "?"}: ${query}[${JSON.stringify(p.name)}]`);
      parts.push(`Omit<${query}, ${omitted}>`, `{ ${members.join("; ")} }`);
    }
  }
  if (op.body) {
    const json = `NonNullable<${ref}["requestBody"]>["content"][${JSON.stringify(op.body.mediaType)}]`;
    const binary = op.body.binaryFields;
    const type = binary.length
      ? `Omit<${json}, ${binary.map((f) => JSON.stringify(f)).join(" | ")}> & { ${binary.map((f) => `${propertyName(f)}: Blob`).join("; ")} }`
      : json;
    parts.push(`{ body: ${type} }`);
  }
  if (parts.length === 0) return null;
  const required = op.pathParams.length > 0 || op.body?.required === true || op.queryParams.some((p) => p.required);
  return { type: parts.join(" & "), required };
}

/** The resolved value: the 2xx body's type, `string` for text, `Blob` for files, `undefined` without a body. */
function resultType(op: OperationModel): string {
  const types = op.responses.map((response) => {
    if (response.kind === "none") return "undefined";
    if (response.kind === "binary") return "Blob";
    if (response.kind === "text") return "string";
    const status = /^\d+$/.test(response.status) ? response.status : JSON.stringify(response.status);
    return `${operationRef(op)}["responses"][${status}]["content"][${JSON.stringify(response.mediaType)}]`;
  });
  const unique = [...new Set(types)];
  return unique.length ? unique.join(" | ") : "undefined";
}

function methodDocs(op: OperationModel): OptionalKind<JSDocStructure> {
  const lines: string[] = [];
  if (op.summary) lines.push(op.summary);
  if (op.description && op.description !== op.summary) lines.push("", op.description);
  if (lines.length) lines.push("");
  lines.push(`\`${op.httpMethod} ${op.path}\` (operationId \`${op.operationId}\`)`);
  if (op.scopes.length) lines.push("", `OAuth scopes: ${op.scopes.map((s) => `\`${s}\``).join(", ")}`);
  const tags = op.deprecated ? [{ tagName: "deprecated", text: escapeDoc(op.deprecatedMessage ?? "ServiceTitan marks this operation deprecated.") }] : [];
  return { description: escapeDoc(lines.join("\n")), tags };
}

function escapeDoc(text: string): string {
  return text.replace(/\*\//g, "*\\/").replace(/\r\n?/g, "\n");
}

function propertyName(name: string): string {
  return isIdentifier(name) ? name : JSON.stringify(name);
}
