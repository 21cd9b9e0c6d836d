import { deref, type ParameterObject, type SchemaObject } from "../spec/openapi.js";
import type { MockOperation } from "./operations.js";
import type { FieldErrors, SchemaValidator } from "./schema-validator.js";

/**
 * Reads a request's path and query parameters and JSON body the way ServiceTitan's ASP.NET binding does:
 * unknown query parameters are ignored, known ones must parse as their schema's type (enums match
 * case-insensitively), required ones must be there, and the body must validate against its schema.
 */
export interface RequestInput {
  params: Record<string, string>;
  query: Record<string, unknown>;
  body: unknown;
  errors: FieldErrors;
}

export function readInput(
  op: MockOperation,
  match: RegExpExecArray,
  search: URLSearchParams,
  rawBody: Buffer,
  contentType: string,
  validator: SchemaValidator,
): RequestInput | { unsupportedMediaType: string } {
  const errors: FieldErrors = {};
  const params: Record<string, string> = {};
  op.paramNames.forEach((name, i) => (params[name] = safeDecode(match[i + 1]!)));
  for (const param of op.pathParams) {
    const value = params[param.name];
    if (value !== undefined && coerce(op, param, value) === INVALID)
      errors[param.name] = [`The value '${value}' is not valid.`];
  }

  const query: Record<string, unknown> = {};
  for (const param of op.queryParams) {
    const values = search.getAll(param.name);
    if (values.length === 0) {
      if (param.required) errors[param.name] = [`The ${param.name} field is required.`];
      continue;
    }
    const schema = deref<SchemaObject>(op.doc, param.schema ?? {});
    const parsed =
      schema.type === "array"
        ? values.flatMap((v) => v.split(",")).map((v) => coerceTo(op, itemsOf(op, schema), v))
        : coerce(op, param, values.at(-1)!);
    if (parsed === INVALID || (Array.isArray(parsed) && parsed.includes(INVALID))) {
      errors[param.name] = [`The value '${values.join(",")}' is not valid for ${param.name}.`];
    } else query[param.name] = parsed;
  }

  let body: unknown;
  if (op.model.body && rawBody.length > 0) {
    const isJson = /\bjson\b/i.test(contentType);
    if (op.model.body.binaryFields.length > 0) {
      if (!contentType.startsWith("multipart/form-data")) return { unsupportedMediaType: contentType };
      body = rawBody.toString("latin1");
    } else if (!isJson) {
      return { unsupportedMediaType: contentType };
    } else {
      try {
        body = JSON.parse(rawBody.toString("utf8"));
      } catch {
        errors.$ = ["The JSON value could not be parsed."];
      }
      if (body !== undefined && op.bodySchema)
        Object.assign(errors, validator.validate(op.domain, op.bodySchema, body));
    }
  } else if (op.bodyRequired) {
    errors.$ = ["A non-empty request body is required."];
  }
  return { params, query, body, errors };
}

const INVALID = Symbol("invalid");

/** A malformed escape (`%zz`) is kept as sent, and then fails the parameter's type check like any bad value. */
export function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

function coerce(op: MockOperation, param: ParameterObject, value: string): unknown {
  return coerceTo(op, deref<SchemaObject>(op.doc, param.schema ?? {}), value);
}

function itemsOf(op: MockOperation, schema: SchemaObject): SchemaObject {
  return deref<SchemaObject>(op.doc, (schema.items ?? {}) as SchemaObject);
}

function coerceTo(op: MockOperation, raw: SchemaObject, value: string): unknown {
  // A nullable reference (3.1 `oneOf: [{$ref}, {type: null}]`, 3.0 `oneOf: [{$ref}]`) reads as its target.
  const variants = raw.oneOf as SchemaObject[] | undefined;
  const schema = variants ? deref<SchemaObject>(op.doc, variants.find((v) => v.type !== "null") ?? {}) : raw;
  const type = [schema.type].flat().find((t) => t !== "null");
  if (Array.isArray(schema.enum)) {
    const found = schema.enum.find((e) => String(e).toLowerCase() === value.toLowerCase());
    return found === undefined ? INVALID : found;
  }
  switch (type) {
    case "integer":
      return /^-?\d+$/.test(value) ? Number(value) : INVALID;
    case "number":
      return value.trim() !== "" && Number.isFinite(Number(value)) ? Number(value) : INVALID;
    case "boolean":
      return /^true$/i.test(value) ? true : /^false$/i.test(value) ? false : INVALID;
    default:
      return value;
  }
}
