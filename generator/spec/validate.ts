import { HTTP_METHODS, type OpenApiDocument } from "./openapi.js";
import { pointerOf, resolvePointer } from "./pointer.js";
import { SpecError } from "./spec-error.js";

const SUPPORTED_VERSION = /^3\.[01]\.\d+$/;

/**
 * Rejects what the generator cannot turn into a correct client, each with the file and the JSON
 * pointer of the offending value: an unknown OpenAPI version, no paths, a `$ref` that points
 * nowhere, a missing or duplicate operationId.
 */
export function validateSpec(file: string, doc: OpenApiDocument): void {
  if (doc.openapi === undefined) {
    const hint =
      doc.swagger !== undefined ? ` (found swagger: ${JSON.stringify(doc.swagger)}; Swagger 2.0 is not supported)` : "";
    throw new SpecError(file, "/openapi", `missing 'openapi' version field${hint}`);
  }
  if (typeof doc.openapi !== "string" || !SUPPORTED_VERSION.test(doc.openapi)) {
    throw new SpecError(
      file,
      "/openapi",
      `unsupported OpenAPI version ${JSON.stringify(doc.openapi)}: expected 3.0.x or 3.1.x`,
    );
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
      if (!ref.startsWith("#"))
        throw new SpecError(file, where, `external $ref '${ref}' is not supported: bundle the spec into one file`);
      if (resolvePointer(doc, ref.slice(1)) === undefined)
        throw new SpecError(file, where, `dangling $ref '${ref}': nothing exists at that pointer`);
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
      if (typeof id !== "string" || id.trim() === "")
        throw new SpecError(file, where, `${method.toUpperCase()} ${route} has no operationId`);
      const first = seen.get(id);
      if (first) throw new SpecError(file, where, `duplicate operationId '${id}' (first used at ${first})`);
      seen.set(id, where);
    }
  }
}
