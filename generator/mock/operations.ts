import type { DomainWithSpec, OperationModel } from "../model/domain-model.js";
import {
  deref,
  type OpenApiDocument,
  type OperationObject,
  type ParameterObject,
  type Reference,
  type RequestBodyObject,
  type SchemaObject,
} from "../spec/openapi.js";
import { escapePointerSegment, resolvePointer } from "../spec/pointer.js";
import { mergeParameters } from "../model/parameters.js";

/**
 * What the mock needs to know about one operation: where it lives, how it answers and what it reads.
 * Built from the generator's own model, so the mock serves exactly what the client calls.
 */
export interface MockOperation {
  domain: string;
  doc: OpenApiDocument;
  model: OperationModel;
  /** Full path template as served: `/crm/v2/tenant/{tenant}/customers/{id}`. */
  template: string;
  pattern: RegExp;
  /** Names of the pattern's groups, in order (`tenant`, `id`, …). */
  paramNames: string[];
  pathParams: ParameterObject[];
  queryParams: ParameterObject[];
  behaviour: Behaviour;
  /** The JSON request body's schema (a pointer into `doc`), when there is one. */
  bodySchema?: string;
  /** Whether the spec marks the request body required (the client always sends one; the mock checks the spec). */
  bodyRequired: boolean;
  /** The success answer: status, media type and (for JSON) its schema pointer. */
  success: { status: number; mediaType?: string; schema?: string; redirect: boolean; contentType?: string };
}

/**
 * - `list` / `export`: paged list or export feed over the collection at this path;
 * - `read` / `update` / `delete`: one record of the collection the path's last `{param}` indexes;
 * - `create`: a POST to a collection;
 * - `array`: a GET answering with a bare array (records of the collection at this path);
 * - `answer`: anything else (actions, single objects): a stable generated answer.
 */
export type Behaviour = "list" | "export" | "read" | "update" | "delete" | "create" | "array" | "answer";

export function buildOperations(domains: readonly DomainWithSpec[]): MockOperation[] {
  const operations: MockOperation[] = [];
  for (const domain of domains) {
    for (const model of domain.operations) operations.push(buildOperation(domain, model));
  }
  // Literal segments win over parameters (`/export/jobs` before `/{id}/jobs`); then a stable order.
  return operations.sort(
    (a, b) => specificity(b.template) - specificity(a.template) || a.template.localeCompare(b.template),
  );
}

function buildOperation(domain: DomainWithSpec, model: OperationModel): MockOperation {
  const doc = domain.document;
  const opPointer = `/paths/${escapePointerSegment(model.path)}/${model.method.toLowerCase()}`;
  const raw = resolvePointer(doc, opPointer) as OperationObject;
  const pathItem = resolvePointer(doc, `/paths/${escapePointerSegment(model.path)}`) as {
    parameters?: (ParameterObject | Reference)[];
  };
  const params = mergeParameters(doc, pathItem.parameters ?? [], raw.parameters ?? []);
  const template = domain.modulePath + model.path;
  const names: string[] = [];
  const pattern = new RegExp(
    "^" +
      template
        .split(/(\{[^}]+\})/)
        .map((part) =>
          part.startsWith("{") ? (names.push(part.slice(1, -1)), "([^/]+)") : part.replace(/[.*+?^$()|[\]\\]/g, "\\$&"),
        )
        .join("") +
      "/?$",
  );
  const bodyPointer = model.body ? schemaPointer(doc, `${opPointer}/requestBody`, model.body.mediaType) : undefined;
  const first = model.responses[0];
  const redirect = first?.status === "302";
  const status = first && !redirect ? Number(first.status.replace(/XX$/i, "00")) : 200;
  const responsePointer =
    first?.mediaType && first.kind === "json"
      ? schemaPointer(doc, `${opPointer}/responses/${first.status}`, first.mediaType)
      : undefined;
  return {
    domain: domain.name,
    doc,
    model,
    template,
    pattern,
    paramNames: names,
    pathParams: params.filter((p) => p.in === "path"),
    queryParams: params.filter((p) => p.in === "query"),
    behaviour: behaviourOf(doc, model, responsePointer),
    bodySchema: model.body?.binaryFields.length ? undefined : bodyPointer,
    bodyRequired: raw.requestBody ? deref<RequestBodyObject>(doc, raw.requestBody).required === true : false,
    success: {
      status,
      mediaType: first?.mediaType,
      schema: responsePointer,
      redirect,
      contentType: servedContentType(doc, opPointer, first?.status),
    },
  };
}

function behaviourOf(doc: OpenApiDocument, model: OperationModel, responsePointer: string | undefined): Behaviour {
  if (model.pagination === "page") return "list";
  if (model.pagination === "export") return "export";
  const endsWithParam = model.path.endsWith("}");
  switch (model.method) {
    case "GET": {
      if (endsWithParam) return "read";
      const schema = responsePointer
        ? deref<SchemaObject>(doc, resolvePointer(doc, responsePointer) as SchemaObject)
        : undefined;
      return schema?.type === "array" ? "array" : "answer";
    }
    case "POST":
      return endsWithParam ? "answer" : "create";
    case "PUT":
    case "PATCH":
      return endsWithParam ? "update" : "answer";
    case "DELETE":
      return endsWithParam ? "delete" : "answer";
    default:
      return "answer";
  }
}

/**
 * ServiceTitan answers with the first media type a response lists, even where a JSON type follows
 * (marketing reputation's `reviews` sends JSON as `text/plain`): the mock does the same.
 */
function servedContentType(doc: OpenApiDocument, opPointer: string, status: string | undefined): string | undefined {
  if (!status) return undefined;
  const response = deref<{ content?: Record<string, unknown> }>(
    doc,
    resolvePointer(doc, `${opPointer}/responses/${status}`) as Reference,
  );
  const first = Object.keys(response?.content ?? {})[0];
  return first && (first.startsWith("text/") || first.includes("json")) ? `${first}; charset=utf-8` : first;
}

/** The pointer to a request body's or response's schema for one media type, through `$ref`s. */
function schemaPointer(doc: OpenApiDocument, pointer: string, mediaType: string): string | undefined {
  let at = pointer;
  for (
    let node = resolvePointer(doc, at) as Partial<Reference> | undefined;
    node?.$ref;
    node = resolvePointer(doc, at) as Partial<Reference>
  ) {
    at = node.$ref.slice(1);
  }
  const target = `${at}/content/${escapePointerSegment(mediaType)}/schema`;
  return resolvePointer(doc, target) === undefined ? undefined : target;
}

/**
 * Steps from the schema at `pointer` into `segments` (`properties`, `data`, `items`), following `$ref`s and
 * the one real branch of a nullable `oneOf`, and returns the pointer reached (ajv and the data faker both
 * take pointers).
 */
export function descend(doc: OpenApiDocument, pointer: string, ...segments: string[]): string {
  let at = pointer;
  const settle = () => {
    for (;;) {
      const node = resolvePointer(doc, at) as SchemaObject | undefined;
      if (node && typeof node.$ref === "string") at = node.$ref.slice(1);
      else if (node && Array.isArray(node.oneOf)) {
        const real = (node.oneOf as SchemaObject[]).map((s, i) => [s, i] as const).filter(([s]) => s.type !== "null");
        if (real.length !== 1) return;
        at = `${at}/oneOf/${real[0]![1]}`;
      } else return;
    }
  };
  for (const segment of segments) {
    settle();
    at = `${at}/${escapePointerSegment(segment)}`;
  }
  settle();
  return at;
}

function specificity(template: string): number {
  return template.split("/").filter((part) => part && !part.startsWith("{")).length;
}
