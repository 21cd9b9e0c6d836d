import { createQuerySerializer, defaultPathSerializer } from "openapi-fetch";
import type { ServiceTitanCore } from "./core.js";
import { createError, errorFromResponse, ServiceTitanError } from "./errors.js";
import { callHook } from "./hooks.js";
import { sendCall, type CallState } from "./send.js";

export type HttpMethod = "GET" | "PUT" | "POST" | "DELETE" | "PATCH" | "HEAD" | "OPTIONS" | "TRACE";

/** One generated method, as data: the generator writes one of these per operation. */
export interface OperationSpec {
  /** The spec's operationId, for errors. */
  id: string;
  method: HttpMethod;
  /** Path template relative to the module path, with `{tenant}`: `/tenant/{tenant}/customers/{id}`. */
  path: string;
  /** How to read a 2xx body: JSON, text, a Blob, or nothing (`undefined`). */
  result: "json" | "text" | "binary" | "none";
  /** Argument key → query parameter name, only where they differ (`queryId` → `id`). */
  rename?: Record<string, string>;
  /** `multipart` for the uploads whose spec declares a binary `file` inside a JSON body. */
  body?: "json" | "multipart";
  /** OAuth scopes the spec says the operation needs (named by a PermissionError). */
  scopes?: string[];
  /** A paged list (`page`/`pageSize`/`hasMore`) or an export feed (`from`/`continueFrom`): adds `.all()` / `.pages()`. */
  paging?: "page" | "export";
}

export interface RequestOptions {
  /** Cancels the call. */
  signal?: AbortSignal;
  /** Time limit for this call, overriding the client's `timeoutMs`. */
  timeoutMs?: number;
  /** Extra headers for this call. `Authorization` and `ST-App-Key` are always set by the client. */
  headers?: Record<string, string>;
  /**
   * `false`: send once. `{ nonIdempotent: true }`: allow replaying this POST or PATCH after a 5xx, reset or
   * timeout (only if you know a duplicate is harmless). `maxAttempts` overrides the client's.
   */
  retry?: false | { nonIdempotent?: boolean; maxAttempts?: number };
}

/**
 * The runtime shape of every generated method. Its real signature comes from the generated interface
 * (methods there are checked bivariantly, so this fits any of them without `any`).
 */
export type OperationFn = ((args: never, options?: RequestOptions) => Promise<never>) & {
  /** Present on paged lists and export feeds only (see PagedList, ExportFeed). */
  all(...args: never): never;
  pages(...args: never): never;
};

const ACCEPT: Record<OperationSpec["result"], string> = {
  json: "application/json",
  text: "text/plain, application/json",
  binary: "*/*",
  none: "application/json",
};

export interface CompiledOperation extends OperationSpec {
  pathParams: ReadonlySet<string>;
  /**
   * The path split at its parameters (literal, name, literal, …, literal), to fill in without a regex
   * per call; null when a name carries a style marker (`{.id}`, `{id*}`), which openapi-fetch then fills.
   */
  pathParts: string[] | null;
}

export function compileOperation(spec: OperationSpec): CompiledOperation {
  const names = [...spec.path.matchAll(/\{([^}]+)\}/g)].map((match) => match[1]!).filter((name) => name !== "tenant");
  const parts = spec.path.split(/\{([^}]+)\}/);
  const plain = parts.every((part, index) => index % 2 === 0 || !/^[.;]|\*$/.test(part));
  return { ...spec, pathParams: new Set(names), pathParts: plain ? parts : null };
}

/** openapi-fetch's default query style (arrays `a=1&a=2`, objects `customField.Fields[Color]=Red`). */
const querySerializer = createQuerySerializer();

/** The call's URL, built as openapi-fetch builds it (a test compares the two), a little faster. */
export function operationUrl(op: CompiledOperation, baseUrl: string, path: Record<string, unknown>, query: Record<string, unknown>): string {
  const url = (op.pathParts && fillPath(op.pathParts, baseUrl, path)) ?? defaultPathSerializer(baseUrl + op.path, path);
  let search = isEmpty(query) ? "" : querySerializer(query);
  if (search.startsWith("?")) search = search.slice(1);
  return search ? `${url}?${search}` : url;
}

/**
 * openapi-fetch's "simple" style for primitive values; undefined when a value is an array or an object
 * (none in ServiceTitan's specs), which openapi-fetch's own serializer then handles.
 */
function fillPath(parts: string[], baseUrl: string, path: Record<string, unknown>): string | undefined {
  let url = baseUrl + parts[0];
  for (let index = 1; index < parts.length; index += 2) {
    const value = path[parts[index]!];
    if (value !== null && typeof value === "object") return undefined;
    url += encodeURIComponent(value as string) + parts[index + 1];
  }
  return url;
}

function isEmpty(object: Record<string, unknown>): boolean {
  for (const _ in object) return false;
  return true;
}

/** Sorts one argument object into path parameters, query parameters and the body. */
export function splitArguments(op: CompiledOperation, args: Record<string, unknown> | undefined) {
  const path: Record<string, unknown> = {};
  const query: Record<string, unknown> = {};
  let body: unknown;
  for (const [key, value] of Object.entries(args ?? {})) {
    if (key === "body") body = value;
    else if (op.pathParams.has(key)) path[key] = value;
    else if (value !== undefined) query[op.rename?.[key] ?? key] = value;
  }
  for (const name of op.pathParams) {
    if (path[name] === undefined || path[name] === null) throw new TypeError(`${op.id}: path parameter '${name}' is required`);
  }
  return { path, query, body };
}

/**
 * One call of a generated method. The URL is built as openapi-fetch builds it (see `operationUrl`), so it
 * matches path-style calls exactly; the request itself goes straight to `sendCall` (retries, limits,
 * tokens), which skips a second Request object per call.
 */
export async function callOperation(
  core: ServiceTitanCore,
  baseUrl: string,
  op: CompiledOperation,
  args: Record<string, unknown> | undefined,
  options: RequestOptions,
  call: CallState,
): Promise<unknown> {
  const { path, query, body } = splitArguments(op, args);
  const context = { operationId: op.id, method: op.method };
  try {
    path.tenant = core.config.tenant;
    const url = operationUrl(op, baseUrl, path, query);
    const headers: Record<string, string> = { accept: ACCEPT[op.result] };
    let payload: string | FormData | undefined;
    if (body !== undefined) {
      if (op.body === "multipart") payload = toFormData(body); // fetch sets the multipart content type and boundary
      else {
        payload = JSON.stringify(body);
        headers["content-type"] = "application/json";
      }
    }
    if (options.headers) for (const [name, value] of Object.entries(options.headers)) headers[name.toLowerCase()] = value;
    const { response, body: received } = await sendCall(core, call, { url, method: op.method, headers, body: payload });
    if (!response.ok) {
      const text = await response.text();
      throw errorFromResponse(response, parseErrorBody(text), { ...context, url: call.url, attempts: call.attempts, retryAfterMs: call.retryAfterMs, requiredScopes: op.scopes });
    }
    return op.result === "json" ? parseJsonBody(received as string, response, { ...context, url: call.url }) : received;
  } catch (error) {
    if (options.signal?.aborted && !(error instanceof ServiceTitanError)) throw options.signal.reason;
    // Reading an error answer's body can fail too (reset or timeout mid-body); a 2xx body was read, and
    // retried if need be, within the attempt.
    const failure =
      error instanceof ServiceTitanError
        ? error
        : createError({ status: 0, title: `reading the response failed: ${(error as Error)?.message ?? error}`, ...context, url: call.url, attempts: call.attempts, kind: (error as Error)?.name === "TimeoutError" ? "timeout" : "network", cause: error });
    callHook(core.config.hooks.onError, failure, core.config.logger);
    throw failure;
  } finally {
    call.settle?.(); // the body has been read (or the call failed): the attempt's timeout can go
  }
}

/** How a 2xx body is read, within the attempt (see `CallState.readBody`): text (JSON is parsed later), a Blob, or nothing. */
export function readBodyOf(op: OperationSpec): (response: Response) => Promise<unknown> {
  if (op.result === "binary") return (response) => response.blob();
  if (op.result === "none") return async (response) => void (await response.body?.cancel());
  return (response) => response.text();
}

/** An error body as ServiceTitan sends it (JSON), or the text (an HTML page), or nothing. */
function parseErrorBody(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/**
 * Bodies are read as text and parsed here: some operations answer JSON as `text/plain` or `text/json`,
 * and a 2xx with an empty body is `undefined`, not a parse error.
 */
function parseJsonBody(text: string, response: Response, context: { operationId: string; method: string; url?: string }): unknown {
  try {
    return JSON.parse(text);
  } catch {
    if (!/\S/.test(text)) return undefined; // tested only now: trimming every body first copied it
    throw new ServiceTitanError({ status: response.status, title: "the response body is not valid JSON", ...context, rawBody: text });
  }
}

/** Files go as parts; other fields as text (objects as JSON), since the specs do not say more. */
function toFormData(body: unknown): FormData {
  const form = new FormData();
  for (const [key, value] of Object.entries((body ?? {}) as Record<string, unknown>)) {
    if (value === undefined || value === null) continue;
    if (value instanceof Blob) form.append(key, value, value instanceof File ? value.name : key);
    else form.append(key, typeof value === "object" ? JSON.stringify(value) : String(value));
  }
  return form;
}
