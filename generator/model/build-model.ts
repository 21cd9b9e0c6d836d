import type { LoadedSpec } from "../spec/load.js";
import {
  HTTP_METHODS,
  deref,
  type HttpMethod,
  type OpenApiDocument,
  type OperationObject,
  type ParameterObject,
  type Reference,
  type RequestBodyObject,
  type ResponseObject,
  type SchemaObject,
} from "../spec/openapi.js";
import { pointerOf, unescapePointerSegment } from "../spec/pointer.js";
import { SpecError } from "../spec/spec-error.js";
import {
  TENANT_PARAM,
  type DomainWithSpec,
  type OperationModel,
  type PaginationKind,
  type ParamModel,
  type ResponseKind,
  type SuccessResponse,
} from "./domain-model.js";
import {
  domainName,
  friendlySchemaNames,
  methodPlacement,
  operationTypeName,
  queryArgumentName,
  reservedExportNames,
} from "./naming.js";
import { mergeParameters } from "./parameters.js";

export function buildDomainModel(spec: LoadedSpec): DomainWithSpec {
  const doc = spec.document;
  const file = spec.displayPath;
  const operations: OperationModel[] = [];
  for (const [route, item] of Object.entries(doc.paths ?? {})) {
    for (const method of HTTP_METHODS) {
      const operation = item?.[method];
      if (operation) operations.push(buildOperation(doc, file, route, method, operation, item.parameters ?? []));
    }
  }
  operations.sort((a, b) => (a.group ?? "").localeCompare(b.group ?? "") || a.methodName.localeCompare(b.methodName));
  const name = domainName(modulePath(file, doc), doc.info?.title ?? "");
  checkNameClashes(file, name, operations);

  return {
    name,
    file: spec.file,
    title: doc.info?.title ?? spec.file,
    specVersion: String(doc.info?.version ?? ""),
    openapi: String(doc.openapi),
    sha256: spec.sha256,
    overlays: spec.overlays ?? [],
    modulePath: modulePath(file, doc),
    operations,
    schemaNames: friendlySchemaNames(
      Object.keys(doc.components?.schemas ?? {}).sort(),
      reservedExportNames(name, operations),
    ),
    document: doc,
  };
}

function modulePath(file: string, doc: OpenApiDocument): string {
  const url = doc.servers?.[0]?.url;
  if (typeof url !== "string")
    throw new SpecError(file, "/servers", "no server URL: the module path (e.g. /crm/v2) cannot be known");
  const pathPart = new URL(url, "https://placeholder.invalid").pathname.replace(/\/+$/, "");
  return pathPart;
}

function buildOperation(
  doc: OpenApiDocument,
  file: string,
  route: string,
  method: (typeof HTTP_METHODS)[number],
  op: OperationObject,
  shared: (ParameterObject | Reference)[],
): OperationModel {
  const at = (...rest: (string | number)[]) => pointerOf(["paths", route, method, ...rest]);
  const operationId = op.operationId!;
  const params = mergeParameters(doc, shared, op.parameters ?? []);

  for (const param of params) {
    if (param.in !== "path" && param.in !== "query") {
      throw new SpecError(
        file,
        at("parameters"),
        `${operationId}: ${param.in} parameter '${param.name}' is not supported`,
      );
    }
  }
  const declaredPath = params.filter((p) => p.in === "path");
  for (const [, name] of route.matchAll(/\{([^}]+)\}/g)) {
    if (!declaredPath.some((p) => p.name === name)) {
      throw new SpecError(
        file,
        at("parameters"),
        `${operationId}: path template names {${name}} but no path parameter '${name}' is declared`,
      );
    }
  }
  const pathParams = declaredPath
    .filter((p) => p.name !== TENANT_PARAM)
    .map((p) => ({ name: p.name, arg: p.name, required: true, deprecated: p.deprecated === true }));
  const taken = new Set([...pathParams.map((p) => p.name), "body"]);
  const queryParams = params
    .filter((p) => p.in === "query")
    .map((p) => ({
      name: p.name,
      arg: queryArgumentName(p.name, taken),
      required: p.required === true,
      deprecated: p.deprecated === true,
    }));

  const responses = successResponses(doc, op);
  const scopes = [...new Set((op.security ?? []).flatMap((requirement) => Object.values(requirement).flat()))];
  const placement = methodPlacement(operationId);

  return {
    operationId,
    group: placement.group,
    typeName: operationTypeName(placement.group, placement.method),
    methodName: placement.method,
    method: method.toUpperCase() as HttpMethod,
    path: route,
    summary: op.summary?.trim() || undefined,
    description: op.description?.trim() || undefined,
    deprecated: op.deprecated === true,
    deprecatedMessage: op["x-deprecatedMessage"],
    scopes,
    pathParams,
    queryParams,
    body: requestBody(doc, op),
    responses,
    resultKind: resultKind(responses),
    pagination: paginationKind(doc, queryParams, op, responses),
  };
}

const JSON_MEDIA = /^(application|text)\/([\w.+-]*\+)?json\b/i;

function successResponses(doc: OpenApiDocument, op: OperationObject): SuccessResponse[] {
  const entries = Object.entries(op.responses ?? {});
  const success = entries
    .filter(([status]) => /^2(\d\d|XX)$/i.test(status))
    .map(([status, raw]) => classifyResponse(status, deref<ResponseObject>(doc, raw)));
  if (success.length === 0 && entries.some(([status]) => status === "302" || status === "303" || status === "307")) {
    // A download that answers with a redirect to the file: fetch follows it and the file is the result.
    return [{ status: "302", kind: "binary" }];
  }
  return success;
}

function classifyResponse(status: string, response: ResponseObject): SuccessResponse {
  const types = Object.keys(response.content ?? {});
  const json = types.find((type) => JSON_MEDIA.test(type));
  if (json) return { status, kind: "json", mediaType: json, schema: componentSchema(response.content![json]!.schema) };
  if (types.length === 0) return { status, kind: "none" };
  const text = types.find((type) => type.startsWith("text/"));
  if (text) return { status, kind: "text", mediaType: text };
  return { status, kind: "binary", mediaType: types[0] };
}

function resultKind(responses: SuccessResponse[]): ResponseKind {
  for (const kind of ["binary", "json", "text"] as const) if (responses.some((r) => r.kind === kind)) return kind;
  return "none";
}

function requestBody(doc: OpenApiDocument, op: OperationObject): OperationModel["body"] {
  if (!op.requestBody) return undefined;
  const body = deref<RequestBodyObject>(doc, op.requestBody);
  const types = Object.keys(body.content ?? {});
  const mediaType = types.find((type) => JSON_MEDIA.test(type)) ?? types[0];
  if (!mediaType) return undefined;
  const schema = resolveSchema(doc, body.content![mediaType]!.schema);
  const properties = (schema?.properties ?? {}) as Record<string, SchemaObject>;
  const binaryFields = Object.keys(properties).filter(
    (key) => resolveSchema(doc, properties[key])?.format === "binary",
  );
  // ServiceTitan never marks request bodies required, yet no create or update works without one.
  return { required: true, mediaType, binaryFields, schema: componentSchema(body.content![mediaType]!.schema) };
}

const COMPONENT_SCHEMA = "#/components/schemas/";

/** `X` for a schema that is only `{ $ref: "#/components/schemas/X" }`, the case where types.ts names it. */
function componentSchema(schema: SchemaObject | undefined): string | undefined {
  const ref = schema?.$ref;
  if (typeof ref !== "string" || !ref.startsWith(COMPONENT_SCHEMA) || Object.keys(schema!).length !== 1)
    return undefined;
  return unescapePointerSegment(decodeURIComponent(ref.slice(COMPONENT_SCHEMA.length)));
}

function resolveSchema(doc: OpenApiDocument, schema: SchemaObject | undefined): SchemaObject | undefined {
  if (!schema) return undefined;
  const resolved = deref<SchemaObject>(doc, schema as SchemaObject | Reference);
  const oneOf = resolved.oneOf as SchemaObject[] | undefined;
  // 3.1 writes a nullable reference as oneOf: [{$ref}, {type: "null"}]; 3.0 as oneOf: [{$ref}].
  if (oneOf) {
    const real = oneOf.filter((s) => s.type !== "null");
    if (real.length === 1) return resolveSchema(doc, real[0]);
  }
  return resolved;
}

/** Paged lists and export feeds, recognised by their parameters and response shape, never by name alone. */
function paginationKind(
  doc: OpenApiDocument,
  query: ParamModel[],
  op: OperationObject,
  responses: SuccessResponse[],
): PaginationKind | null {
  const json = responses.find((r) => r.kind === "json");
  if (!json) return null;
  const response = deref<ResponseObject>(doc, op.responses![json.status]!);
  const schema = resolveSchema(doc, response.content?.[json.mediaType!]?.schema);
  const props = (schema?.properties ?? {}) as Record<string, SchemaObject>;
  const dataType = resolveSchema(doc, props.data)?.type;
  const dataIsArray = dataType === "array" || (Array.isArray(dataType) && dataType.includes("array"));
  if (!dataIsArray || !("hasMore" in props)) return null;
  const has = (name: string) => query.some((p) => p.name === name);
  if (has("page") && "page" in props) return "page";
  if (has("from") && "continueFrom" in props) return "export";
  return null;
}

/** Two operations that would become one method (`Customers_Get`, `customers_get`), or a method that would hide a group or a verb. */
function checkNameClashes(file: string, domain: string, operations: OperationModel[]): void {
  const owners = new Map<string, { operationId: string; where: string }>();
  const groups = new Set(operations.map((op) => op.group).filter(Boolean));
  const typeNames = new Map<string, string>();
  for (const op of operations) {
    const key = op.group === null ? op.methodName : `${op.group}.${op.methodName}`;
    const where = pointerOf(["paths", op.path, op.method.toLowerCase(), "operationId"]);
    const first = owners.get(key);
    if (first) {
      throw new SpecError(
        file,
        where,
        `operationId '${op.operationId}' and '${first.operationId}' (at ${first.where}) both become the method st.${domain}.${key}`,
      );
    }
    if (op.group === null && groups.has(op.methodName)) {
      throw new SpecError(
        file,
        where,
        `operationId '${op.operationId}' becomes '${op.methodName}', which is also a group of methods`,
      );
    }
    if (op.group === null && HTTP_METHODS.some((verb) => verb.toUpperCase() === op.methodName)) {
      throw new SpecError(
        file,
        where,
        `operationId '${op.operationId}' would hide the path-style method '${op.methodName}'`,
      );
    }
    const typeOwner = typeNames.get(op.typeName);
    if (typeOwner)
      throw new SpecError(
        file,
        where,
        `operationId '${op.operationId}' and '${typeOwner}' both get the type names ${op.typeName}Args and ${op.typeName}Result`,
      );
    typeNames.set(op.typeName, op.operationId);
    owners.set(key, { operationId: op.operationId, where });
  }
}
