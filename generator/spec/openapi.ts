import { resolvePointer } from "./pointer.js";

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
export interface Reference {
  $ref: string;
}
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
export interface MediaTypeObject {
  schema?: SchemaObject;
}
export interface RequestBodyObject {
  required?: boolean;
  description?: string;
  content?: Record<string, MediaTypeObject>;
}
export interface ResponseObject {
  description?: string;
  content?: Record<string, MediaTypeObject>;
}
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
export type PathItem = Partial<Record<(typeof HTTP_METHODS)[number], OperationObject>> & {
  parameters?: (ParameterObject | Reference)[];
};

export const HTTP_METHODS = ["get", "put", "post", "delete", "options", "head", "patch", "trace"] as const;
/** An HTTP method as requests (and the runtime) write it: `GET`. A path item keys its operations in lower case. */
export type HttpMethod = Uppercase<(typeof HTTP_METHODS)[number]>;

/** Follows `$ref`s (already checked to resolve) to the object they point at. */
export function deref<T>(doc: OpenApiDocument, value: T | Reference): T {
  let current: unknown = value;
  for (let hops = 0; current && typeof current === "object" && "$ref" in current; hops++) {
    if (hops > 50) throw new Error(`$ref cycle at ${(value as Reference).$ref}`);
    current = resolvePointer(doc, (current as Reference).$ref.slice(1));
  }
  return current as T;
}
