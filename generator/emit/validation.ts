import type { DomainWithSpec } from "../model/domain-model.js";
import { RUNTIME_SPECIFIER } from "../model/public-names.js";
import { deref, type OpenApiDocument, type Reference, type ResponseObject } from "../spec/openapi.js";
import { pointerOf, resolvePointer } from "../spec/pointer.js";
import { domainHeader } from "./header.js";

/** The keywords the runtime's response check reads (runtime/validation.ts); everything else is left out. */
const SCHEMA_KEYWORDS = ["type", "enum", "const", "nullable", "required"] as const;
const CHECKED_FORMATS = new Set(["date", "date-time"]);

type Node = Record<string, unknown>;

/**
 * `validation.ts` of a domain: each JSON 2xx response's schema, cut down to what a response check reads,
 * with every schema it refers to, keyed by its JSON pointer in the (overlaid) spec, so a mismatch names
 * the place an overlay can widen. The client loads it only when `validateResponses` is on.
 */
export function emitValidation(domain: DomainWithSpec): string {
  const doc = domain.document;
  const schemas: Record<string, Node> = {};
  const pending: string[] = [];
  const refer = (ref: string) => {
    const at = ref.replace(/^#/, "");
    if (!(at in schemas)) {
      schemas[at] = {}; // claimed first, so a cycle stops here
      pending.push(at);
    }
    return at;
  };
  const responses: Record<string, Record<string, string>> = {};
  for (const op of domain.operations) {
    const raw = doc.paths?.[op.path]?.[op.method.toLowerCase() as "get"]?.responses ?? {};
    for (const answer of op.responses) {
      if (answer.kind !== "json" || !answer.mediaType) continue;
      const [responseAt, response] = located(doc, raw[answer.status] as ResponseObject | Reference, [
        "paths",
        op.path,
        op.method.toLowerCase(),
        "responses",
        answer.status,
      ]);
      const schema = response.content?.[answer.mediaType]?.schema as Node | undefined;
      if (!schema) continue;
      const at = responseAt + pointerOf(["content", answer.mediaType, "schema"]);
      const byStatus = (responses[op.operationId] ??= {});
      if (typeof schema.$ref === "string" && Object.keys(schema).length === 1)
        byStatus[answer.status] = refer(schema.$ref);
      else {
        byStatus[answer.status] = at;
        schemas[at] = compact(schema, refer);
      }
    }
  }
  for (let at = pending.shift(); at !== undefined; at = pending.shift())
    schemas[at] = compact((resolvePointer(doc, at) ?? {}) as Node, refer);

  const sorted = Object.fromEntries(
    Object.keys(schemas)
      .sort()
      .map((at) => [at, schemas[at]!]),
  ); // code-unit order
  const table = { spec: domain.file, responses, schemas: sorted };
  return [
    domainHeader(domain),
    // Data the generator wrote for the runtime to read: checking a literal this size against the recursive
    // ValidationTable would be most of a project's type-check time, and would find nothing.
    "// @ts-nocheck",
    `import type { ValidationTable } from ${JSON.stringify(RUNTIME_SPECIFIER)};`,
    "",
    "/** Response schemas by JSON pointer into the spec, for `validateResponses`; loaded only when it is on. */",
    `export const validation: ValidationTable = ${JSON.stringify(table, null, 2)};`,
    "",
  ].join("\n");
}

/** A response object and its pointer, following a `$ref` to `#/components/responses/…`. */
function located(
  doc: OpenApiDocument,
  value: ResponseObject | Reference,
  segments: (string | number)[],
): [string, ResponseObject] {
  if (value && typeof value === "object" && "$ref" in value && typeof value.$ref === "string")
    return [value.$ref.replace(/^#/, ""), deref<ResponseObject>(doc, value)];
  return [pointerOf(segments), value as ResponseObject];
}

/** The schema with only what the check reads; `$ref`s become pointers into the table (and are queued). */
function compact(schema: Node, refer: (ref: string) => string): Node {
  if (schema === null || typeof schema !== "object") return {};
  const out: Node = {};
  if (typeof schema.$ref === "string") out.$ref = refer(schema.$ref);
  for (const key of SCHEMA_KEYWORDS) if (schema[key] !== undefined) out[key] = schema[key];
  if (typeof schema.format === "string" && CHECKED_FORMATS.has(schema.format)) out.format = schema.format;
  if (schema.properties && typeof schema.properties === "object") {
    const properties: Node = {};
    for (const [name, value] of Object.entries(schema.properties as Node))
      properties[name] = compact(value as Node, refer);
    out.properties = properties;
  }
  if (schema.additionalProperties === false) out.additionalProperties = false;
  else if (schema.additionalProperties && typeof schema.additionalProperties === "object")
    out.additionalProperties = compact(schema.additionalProperties as Node, refer);
  if (schema.items && typeof schema.items === "object" && !Array.isArray(schema.items))
    out.items = compact(schema.items as Node, refer);
  for (const key of ["allOf", "oneOf", "anyOf"] as const)
    if (Array.isArray(schema[key])) out[key] = (schema[key] as Node[]).map((branch) => compact(branch, refer));
  return out;
}
