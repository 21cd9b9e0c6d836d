import { SpecError, pointerOf } from "./errors.js";

/** The parts of an OpenAPI 3.0/3.1 document this generator reads. Everything else passes through. */
export interface OpenApiDocument {
  openapi?: unknown;
  swagger?: unknown;
  info?: { title?: string; version?: string; description?: string };
  servers?: { url: string; description?: string }[];
  paths?: Record<string, PathItem>;
  components?: {
    schemas?: Record<string, SchemaObject>;
    parameters?: Record<string, ParameterObject | Reference>;
    requestBodies?: Record<string, RequestBodyObject | Reference>;
    responses?: Record<string, ResponseObject | Reference>;
    [other: string]: unknown;
  };
  [other: string]: unknown;
}
export interface Reference { $ref: string }
export type SchemaObject = Record<string, unknown>;
export interface ParameterObject {
  name: string;
  in: "path" | "query" | "header" | "cookie";
  required?: boolean;
  description?: string;
  deprecated?: boolean;
  schema?: SchemaObject;
  style?: string;
  explode?: boolean;
}
export interface MediaTypeObject { schema?: SchemaObject }
export interface RequestBodyObject { required?: boolean; description?: string; content?: Record<string, MediaTypeObject> }
export interface ResponseObject { description?: string; content?: Record<string, MediaTypeObject> }
export interface OperationObject {
  operationId?: string;
  tags?: string[];
  summary?: string;
  description?: string;
  deprecated?: boolean;
  "x-deprecatedMessage"?: string;
  parameters?: (ParameterObject | Reference)[];
  requestBody?: RequestBodyObject | Reference;
  responses?: Record<string, ResponseObject | Reference>;
  security?: Record<string, string[]>[];
}
export type PathItem = Partial<Record<HttpMethod, OperationObject>> & { parameters?: (ParameterObject | Reference)[] };

export const HTTP_METHODS = ["get", "put", "post", "delete", "options", "head", "patch", "trace"] as const;
export type HttpMethod = (typeof HTTP_METHODS)[number];

const SUPPORTED_VERSION = /^3\.[01]\.\d+$/;

/**
 * Rejects what the generator cannot turn into a correct client, each with the file and the JSON
 * pointer of the offending value: an unknown OpenAPI version, no paths, a `$ref` that points
 * nowhere, a missing or duplicate operationId.
 */
export function validateSpec(file: string, doc: OpenApiDocument): void {
  if (doc.openapi === undefined) {
    const hint = doc.swagger !== undefined ? ` (found swagger: ${JSON.stringify(doc.swagger)}; Swagger 2.0 is not supported)` : "";
    throw new SpecError(file, "/openapi", `missing 'openapi' version field${hint}`);
  }
  if (typeof doc.openapi !== "string" || !SUPPORTED_VERSION.test(doc.openapi)) {
    throw new SpecError(file, "/openapi", `unsupported OpenAPI version ${JSON.stringify(doc.openapi)}: expected 3.0.x or 3.1.x`);
  }
  if (!doc.paths || typeof doc.paths !== "object") throw new SpecError(file, "/paths", "missing 'paths' object");
  checkReferences(file, doc);
  checkOperationIds(file, doc);
}

function checkReferences(file: string, doc: OpenApiDocument): void {
  const visit = (value: unknown, at: (string | number)[]): void => {
    if (value === null || typeof value !== "object") return;
    if (Array.isArray(value)) {
      value.forEach((item, index) => visit(item, [...at, index]));
      return;
    }
    const record = value as Record<string, unknown>;
    if ("$ref" in record) {
      const ref = record.$ref;
      const where = pointerOf([...at, "$ref"]);
      if (typeof ref !== "string") throw new SpecError(file, where, "$ref must be a string");
      if (!ref.startsWith("#")) throw new SpecError(file, where, `external $ref '${ref}' is not supported: bundle the spec into one file`);
      if (resolvePointer(doc, ref.slice(1)) === undefined) throw new SpecError(file, where, `dangling $ref '${ref}': nothing exists at that pointer`);
    }
    for (const key of Object.keys(record)) visit(record[key], [...at, key]);
  };
  visit(doc, []);
}

function checkOperationIds(file: string, doc: OpenApiDocument): void {
  const seen = new Map<string, string>();
  for (const [route, item] of Object.entries(doc.paths ?? {})) {
    for (const method of HTTP_METHODS) {
      const operation = item?.[method];
      if (!operation) continue;
      const where = pointerOf(["paths", route, method, "operationId"]);
      const id = operation.operationId;
      if (typeof id !== "string" || id.trim() === "") throw new SpecError(file, where, `${method.toUpperCase()} ${route} has no operationId`);
      const first = seen.get(id);
      if (first) throw new SpecError(file, where, `duplicate operationId '${id}' (first used at ${first})`);
      seen.set(id, where);
    }
  }
}

/** Resolves a JSON pointer ("/components/schemas/X") inside `doc`; undefined when nothing is there. */
export function resolvePointer(doc: unknown, pointer: string): unknown {
  if (pointer === "") return doc;
  if (!pointer.startsWith("/")) return undefined;
  let current: unknown = doc;
  for (const raw of pointer.slice(1).split("/")) {
    const segment = decodeURIComponent(raw).replace(/~1/g, "/").replace(/~0/g, "~");
    if (current === null || typeof current !== "object" || !Object.hasOwn(current, segment)) return undefined;
    current = (current as Record<string, unknown>)[segment];
  }
  return current;
}

/** Follows `$ref`s (already checked to resolve) to the object they point at. */
export function deref<T>(doc: OpenApiDocument, value: T | Reference): T {
  let current: unknown = value;
  for (let hops = 0; current && typeof current === "object" && "$ref" in current; hops++) {
    if (hops > 50) throw new Error(`$ref cycle at ${(value as Reference).$ref}`);
    current = resolvePointer(doc, (current as Reference).$ref.slice(1));
  }
  return current as T;
}
