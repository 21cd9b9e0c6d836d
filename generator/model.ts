import { SpecError, pointerOf } from "./errors.js";
import type { LoadedSpec } from "./load.js";
import { domainName, friendlySchemaNames, methodPlacement, queryArgumentName } from "./naming.js";
import {
  HTTP_METHODS,
  deref,
  type OpenApiDocument,
  type OperationObject,
  type ParameterObject,
  type Reference,
  type RequestBodyObject,
  type ResponseObject,
  type SchemaObject,
} from "./validate.js";

/** The generator's one intermediate representation: emitters and (later) the spec diff read only this. */
export interface DomainModel {
  /** `crm`, `equipmentSystems`, … (from the file name). */
  name: string;
  file: string;
  title: string;
  /** `info.version` of the spec. */
  specVersion: string;
  openapi: string;
  sha256: string;
  /** Path part of the spec's first server URL: `/crm/v2`, `/telecom`. The host comes from the runtime's environment. */
  modulePath: string;
  operations: OperationModel[];
  /** Component schema name → friendly exported type name. */
  schemaNames: Map<string, string>;
}

/** The model together with the parsed spec it came from, which the types emitter reads. */
export interface DomainWithSpec extends DomainModel {
  document: OpenApiDocument;
}

export type HttpVerb = "GET" | "PUT" | "POST" | "DELETE" | "OPTIONS" | "HEAD" | "PATCH" | "TRACE";
export type ResponseKind = "json" | "text" | "binary" | "none";
export type PaginationKind = "page" | "export";

export interface ParamModel {
  /** Name on the wire. */
  name: string;
  /** Key in the method's argument object. */
  arg: string;
  required: boolean;
  deprecated: boolean;
}

export interface SuccessResponse {
  status: string;
  kind: ResponseKind;
  /** The media type whose schema types the result (`application/json`); absent for `none` and redirects. */
  mediaType?: string;
}

export interface OperationModel {
  operationId: string;
  group: string | null;
  method: string;
  httpMethod: HttpVerb;
  path: string;
  summary?: string;
  description?: string;
  deprecated: boolean;
  deprecatedMessage?: string;
  scopes: string[];
  pathParams: ParamModel[];
  queryParams: ParamModel[];
  body?: {
    required: boolean;
    mediaType: string;
    /** Top-level `format: binary` properties: when present the body is sent as multipart/form-data. */
    binaryFields: string[];
  };
  /** 2xx answers; a download that only declares a 302 gets one synthetic `binary` entry. */
  responses: SuccessResponse[];
  /** How the runtime reads a success body: the most informative kind among `responses`. */
  resultKind: ResponseKind;
  pagination: PaginationKind | null;
}

/** The path parameter the runtime fills in; callers never pass it. */
export const TENANT_PARAM = "tenant";

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
  operations.sort((a, b) => (a.group ?? "").localeCompare(b.group ?? "") || a.method.localeCompare(b.method));
  const name = domainName(modulePath(file, doc), doc.info?.title ?? "");
  checkNameClashes(file, name, operations);

  return {
    name,
    file: spec.file,
    title: doc.info?.title ?? spec.file,
    specVersion: String(doc.info?.version ?? ""),
    openapi: String(doc.openapi),
    sha256: spec.sha256,
    modulePath: modulePath(file, doc),
    operations,
    schemaNames: friendlySchemaNames(Object.keys(doc.components?.schemas ?? {}).sort(), reservedExportNames(name, operations)),
    document: doc,
  };
}

/** The model alone (what the client emitters read): cheap to send to another thread. */
export function withoutDocument(domain: DomainWithSpec): DomainModel {
  const { document: _document, ...model } = domain;
  return model;
}

/** Names the generated client exports from a domain's entry point; schema names must not take them. */
export function reservedExportNames(domain: string, operations: readonly OperationModel[]): Set<string> {
  const groups = new Set(operations.map((op) => op.group).filter((g): g is string => g !== null));
  return new Set([
    "paths", "components", "operations", ...RUNTIME_VALUE_REEXPORTS, ...RUNTIME_TYPE_REEXPORTS,
    domainClientName(domain), domainFactoryName(domain), ...[...groups].map(groupInterfaceName),
  ]);
}

/**
 * Where generated code imports the runtime from: `servicetitan-client/runtime`, the contract between stgen's
 * output and the runtime (README, "The runtime contract"); `stgen generate --runtime` puts another in.
 */
export const RUNTIME_SPECIFIER = "servicetitan-client/runtime";

/** What each domain entry point re-exports from the runtime, so a one-domain import needs nothing else. */
export const RUNTIME_VALUE_REEXPORTS = [
  "ServiceTitanError", "AuthenticationError", "PermissionError", "NotFoundError", "ValidationError", "ConflictError",
  "RateLimitError", "ServerError", "TimeoutError", "NetworkError",
] as const;
export const RUNTIME_TYPE_REEXPORTS = ["ServiceTitanConfig", "RequestOptions"] as const;

/** What the root entry re-exports: the user's API (errors, config, paging and hook types), not the plumbing. */
export const PUBLIC_VALUE_REEXPORTS = [
  ...RUNTIME_VALUE_REEXPORTS, "ServiceTitanConfigError", "memoryTokenStore", "memoryRateLimiter", "ENVIRONMENTS", "DEFAULT_TIMEOUT_MS",
  "DEFAULT_MAX_RESPONSE_BYTES", "DEFAULT_REQUESTS_PER_SECOND", "DEFAULT_REPORTING_REQUESTS_PER_MINUTE", "DEFAULT_RETRY", "DEFAULT_PAGE_SIZE",
] as const;
export const PUBLIC_TYPE_REEXPORTS = [
  ...RUNTIME_TYPE_REEXPORTS, "Environment", "RateLimitOptions", "RetryOptions", "ServiceTitanErrorDetails", "Hooks", "Logger",
  "RequestEvent", "ResponseEvent", "RetryEvent", "PagedList", "ExportFeed", "PageOptions", "ExportOptions", "PageStream", "ItemStream",
  "ExportStream", "IterationState", "ItemOf", "RateLimit", "RateLimiter", "TokenStore", "CachedToken",
] as const;

export function groupInterfaceName(group: string): string {
  return `${upperFirst(group)}Api`;
}
export function domainClientName(domain: string): string {
  return `${upperFirst(domain)}Client`;
}
export function domainFactoryName(domain: string): string {
  return `create${upperFirst(domain)}Client`;
}
function upperFirst(name: string): string {
  return name[0]!.toUpperCase() + name.slice(1);
}

function modulePath(file: string, doc: OpenApiDocument): string {
  const url = doc.servers?.[0]?.url;
  if (typeof url !== "string") throw new SpecError(file, "/servers", "no server URL: the module path (e.g. /crm/v2) cannot be known");
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
      throw new SpecError(file, at("parameters"), `${operationId}: ${param.in} parameter '${param.name}' is not supported`);
    }
  }
  const declaredPath = params.filter((p) => p.in === "path");
  for (const [, name] of route.matchAll(/\{([^}]+)\}/g)) {
    if (!declaredPath.some((p) => p.name === name)) {
      throw new SpecError(file, at("parameters"), `${operationId}: path template names {${name}} but no path parameter '${name}' is declared`);
    }
  }
  const pathParams = declaredPath
    .filter((p) => p.name !== TENANT_PARAM)
    .map((p) => ({ name: p.name, arg: p.name, required: true, deprecated: p.deprecated === true }));
  const taken = new Set([...pathParams.map((p) => p.name), "body"]);
  const queryParams = params
    .filter((p) => p.in === "query")
    .map((p) => ({ name: p.name, arg: queryArgumentName(p.name, taken), required: p.required === true, deprecated: p.deprecated === true }));

  const responses = successResponses(doc, op);
  const scopes = [...new Set((op.security ?? []).flatMap((requirement) => Object.values(requirement).flat()))];
  const placement = methodPlacement(operationId);

  return {
    operationId,
    group: placement.group,
    method: placement.method,
    httpMethod: method.toUpperCase() as HttpVerb,
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

/** Operation-level parameters override path-level ones with the same name and location. */
function mergeParameters(doc: OpenApiDocument, shared: (ParameterObject | Reference)[], own: (ParameterObject | Reference)[]): ParameterObject[] {
  const merged = new Map<string, ParameterObject>();
  for (const raw of [...shared, ...own]) {
    const param = deref<ParameterObject>(doc, raw);
    merged.set(`${param.in}:${param.name}`, param);
  }
  return [...merged.values()];
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
  if (json) return { status, kind: "json", mediaType: json };
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
  const binaryFields = Object.keys(properties).filter((key) => resolveSchema(doc, properties[key])?.format === "binary");
  // ServiceTitan never marks request bodies required, yet no create or update works without one.
  return { required: true, mediaType, binaryFields };
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
function paginationKind(doc: OpenApiDocument, query: ParamModel[], op: OperationObject, responses: SuccessResponse[]): PaginationKind | null {
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
  for (const op of operations) {
    const key = op.group === null ? op.method : `${op.group}.${op.method}`;
    const where = pointerOf(["paths", op.path, op.httpMethod.toLowerCase(), "operationId"]);
    const first = owners.get(key);
    if (first) {
      throw new SpecError(file, where, `operationId '${op.operationId}' and '${first.operationId}' (at ${first.where}) both become the method st.${domain}.${key}`);
    }
    if (op.group === null && groups.has(op.method)) {
      throw new SpecError(file, where, `operationId '${op.operationId}' becomes '${op.method}', which is also a group of methods`);
    }
    if (op.group === null && HTTP_METHODS.some((verb) => verb.toUpperCase() === op.method)) {
      throw new SpecError(file, where, `operationId '${op.operationId}' would hide the path-style method '${op.method}'`);
    }
    owners.set(key, { operationId: op.operationId, where });
  }
}
