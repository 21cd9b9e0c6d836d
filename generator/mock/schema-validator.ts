import { Ajv, type ErrorObject, type ValidateFunction } from "ajv";
import type { OpenApiDocument } from "../spec/openapi.js";
import { unescapePointerSegment } from "../spec/pointer.js";

/**
 * JSON Schema validation of request bodies and responses with ajv, against the spec documents as they
 * are. Each document is registered whole under its own id, so `#/components/...` references inside it
 * resolve without rewriting; a schema is compiled the first time it is needed (compiling all 1,300
 * would add seconds to start-up). 3.0's `nullable` is understood by ajv; 3.1's `type: [T, "null"]` is
 * plain JSON Schema.
 */
export class SchemaValidator {
  private readonly ajv = new Ajv({
    strict: false, // OpenAPI keywords (`example`, `x-enumNames`, `discriminator`) are not JSON Schema
    allErrors: true,
    logger: false,
    formats: LENIENT_FORMATS,
  });
  private readonly compiled = new Map<string, ValidateFunction>();

  addDocument(documentId: string, doc: OpenApiDocument): void {
    this.ajv.addSchema(validatableDocument(documentId, doc));
  }

  /** Validates `value` against the schema at `pointer` (`/paths/…/schema`) of a registered document. */
  validate(documentId: string, pointer: string, value: unknown): FieldErrors | null {
    const ref = `${documentId}#${pointer}`;
    let check = this.compiled.get(ref);
    if (!check) {
      check = this.ajv.compile({ $ref: ref });
      this.compiled.set(ref, check);
    }
    return check(value) ? null : fieldErrors(check.errors ?? []);
  }
}

/**
 * The document's schemas as ajv takes them (a copy; pointers into it stay the same). ajv reads 3.0's
 * `nullable: true` only beside a `type`; both releases also write it beside a lone `oneOf: [{$ref}]`,
 * which here becomes `oneOf: [{$ref}, {type: "null"}]`, 3.1's spelling of the same thing.
 */
export function validatableDocument(
  documentId: string,
  doc: OpenApiDocument,
): { $id: string; components: unknown; paths: unknown } {
  const copy = structuredClone({ components: doc.components ?? {}, paths: doc.paths ?? {} });
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(visit);
    if (node === null || typeof node !== "object") return;
    const schema = node as Record<string, unknown>;
    if (schema.nullable === true && schema.type === undefined) {
      delete schema.nullable;
      const variants = (schema.oneOf ?? schema.anyOf) as unknown[] | undefined;
      if (variants) variants.push({ type: "null" });
      else if (Array.isArray(schema.enum)) schema.enum.push(null);
      else if (typeof schema.$ref === "string") {
        schema.anyOf = [{ $ref: schema.$ref }, { type: "null" }];
        delete schema.$ref;
      }
    }
    Object.values(schema).forEach(visit);
  };
  visit(copy);
  return { $id: documentId, ...copy };
}

/** ServiceTitan's `errors` map: field name → messages, as its 400 answers carry them. */
export type FieldErrors = Record<string, string[]>;

function fieldErrors(errors: ErrorObject[]): FieldErrors {
  const result: FieldErrors = {};
  for (const error of errors) {
    // Failures inside a `oneOf` branch repeat what the branch summary says; keep the summary.
    if (
      error.schemaPath.includes("/oneOf/") &&
      errors.some((e) => e.keyword === "oneOf" && e.instancePath === error.instancePath)
    )
      continue;
    const missing =
      error.keyword === "required" ? `/${(error.params as { missingProperty: string }).missingProperty}` : "";
    const field = fieldName(error.instancePath + missing);
    const message =
      error.keyword === "required" ? `The ${field} field is required.` : `${field} ${error.message ?? "is invalid"}.`;
    const messages = (result[field] ??= []);
    if (!messages.includes(message)) messages.push(message);
  }
  return result;
}

/** `/customFields/0/value` → `customFields[0].value`, the way ASP.NET names fields in its errors. */
function fieldName(instancePath: string): string {
  if (instancePath === "") return "$";
  return instancePath
    .slice(1)
    .split("/")
    .map(unescapePointerSegment)
    .reduce((name, part) => (/^\d+$/.test(part) ? `${name}[${part}]` : name ? `${name}.${part}` : part), "");
}

/**
 * The formats ServiceTitan's specs use. Values are checked only where a wrong one would break a client
 * (dates, GUIDs); the rest (`html`, `multiline`, `phone`, number widths) are descriptive.
 */
const LENIENT_FORMATS = {
  "date-time": (value: string) => !Number.isNaN(Date.parse(value)),
  date: (value: string) => /^\d{4}-\d{2}-\d{2}/.test(value) && !Number.isNaN(Date.parse(value)),
  guid: /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i,
  uuid: /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i,
  int32: true,
  int64: true,
  decimal: true,
  double: true,
  float: true,
  html: true,
  multiline: true,
  phone: true,
  duration: true,
  binary: true,
  byte: true,
  email: true,
  password: true,
  uri: true,
  time: true,
} as const;
