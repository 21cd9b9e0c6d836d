import { defaultPathSerializer } from "openapi-fetch";
import { checkTimeout, checkValidateResponses, HEADER_VALUE, type ValidateResponses } from "./config.js";
import type { ServiceTitanCore } from "./core.js";
import {
  describeKind,
  describeThrown,
  errorFromResponse,
  ServiceTitanError,
  unreadableJsonError,
  type CallContext,
} from "./errors.js";
import { callHook, log } from "./hooks.js";
import { isWellFormed, serializeQuery } from "./query.js";
import type { RateLimit } from "./rate-limit.js";
import { sendCall, type CallSettings } from "./send.js";
import type { ValidationTable } from "./validation.js";

export type HttpMethod = "GET" | "PUT" | "POST" | "DELETE" | "PATCH" | "HEAD" | "OPTIONS" | "TRACE";

/** Where a domain client's calls go: its core (config, tokens, limiter), its module path, its rate-limit budgets. */
export interface CallTarget {
  readonly core: ServiceTitanCore;
  /** `/crm/v2` */
  readonly modulePath: string;
  /** The API host and the module path. */
  readonly baseUrl: string;
  /** Budgets each attempt must get a slot from (per app key and tenant; reporting has its own too). */
  readonly limits: readonly { key: string; limit: RateLimit }[];
  /** The domain's response schemas, loaded on first use (only `validateResponses` asks for them). */
  readonly validation: () => Promise<ValidationTable>;
}

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
  /** Extra headers for this call (`User-Agent` too). `Authorization` and `ST-App-Key` are always set by the client. */
  headers?: Record<string, string>;
  /**
   * `false`: send once. `{ nonIdempotent: true }`: allow replaying this POST or PATCH after a 5xx, reset or
   * timeout (only if you know a duplicate is harmless). `maxAttempts` overrides the client's.
   */
  retry?: false | { nonIdempotent?: boolean; maxAttempts?: number };
  /** Overrides the client's `validateResponses` for this call. */
  validateResponses?: ValidateResponses;
}

const ACCEPT: Record<OperationSpec["result"], string> = {
  json: "application/json",
  text: "text/plain, application/json",
  binary: "*/*",
  none: "application/json",
};
const READ: Record<OperationSpec["result"], CallSettings["read"]> = {
  json: "text",
  text: "text",
  binary: "blob",
  none: "none",
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

/** The call's URL: the path filled with checked values (see `checkPathValue`), the query as `serializeQuery` writes it. */
export function operationUrl(
  op: CompiledOperation,
  baseUrl: string,
  path: Record<string, unknown>,
  query: Record<string, unknown>,
): string {
  const url = op.pathParts ? fillPath(op.pathParts, baseUrl, path) : defaultPathSerializer(baseUrl + op.path, path);
  const search = isEmpty(query) ? "" : serializeQuery(query, op.id);
  return search ? `${url}?${search}` : url;
}

function fillPath(parts: string[], baseUrl: string, path: Record<string, unknown>): string {
  let url = baseUrl + parts[0];
  for (let index = 1; index < parts.length; index += 2)
    url += encodeURIComponent(path[parts[index]!] as string) + parts[index + 1];
  return url;
}

/**
 * A path parameter fills exactly one segment: a string or a finite number. An object or an array (say,
 * from untrusted JSON), an empty string, `.` or `..` could point the request at another operation or
 * another tenant, so they are refused before anything is sent.
 */
export function checkPathValue(where: string, name: string, value: unknown): void {
  if (typeof value === "number" ? Number.isFinite(value) : typeof value === "bigint") return;
  if (typeof value === "string" && value !== "" && value !== "." && value !== ".." && isWellFormed(value)) return;
  const got =
    value === ""
      ? "an empty string"
      : value === "." || value === ".."
        ? `'${value}'`
        : typeof value === "string"
          ? "a string that is not valid Unicode"
          : describeKind(value);
  throw new TypeError(
    `${where}: path parameter '${name}' must be a non-empty string or a finite number that fills one path segment (got ${got})`,
  );
}

/** The tenant comes from the config: a call may name it only if it names the same one. */
export function checkTenant(where: string, given: unknown, tenant: string): void {
  if (given === undefined || String(given) === tenant) return;
  throw new TypeError(
    `${where}: every call goes to the client's tenant (config.tenant); make one client per tenant instead of passing 'tenant'`,
  );
}

function isEmpty(object: Record<string, unknown>): boolean {
  for (const _ in object) return false;
  return true;
}

/** Sorts one argument object into path parameters, query parameters and the body, checking each path value. */
export function splitArguments(op: CompiledOperation, args: Record<string, unknown> | undefined) {
  const path: Record<string, unknown> = {};
  const query: Record<string, unknown> = {};
  let body: unknown;
  if (args !== undefined && (args === null || typeof args !== "object"))
    throw new TypeError(`${op.id}: the arguments must be an object (got ${describeKind(args)})`);
  for (const key in args) {
    const value = args[key];
    if (key === "body") body = value;
    else if (op.pathParams.has(key)) path[key] = value;
    else if (key === "tenant")
      continue; // checked by the caller, against the config
    else if (value !== undefined) query[op.rename && Object.hasOwn(op.rename, key) ? op.rename[key]! : key] = value;
  }
  for (const name of op.pathParams) {
    if (path[name] === undefined || path[name] === null)
      throw new TypeError(`${op.id}: path parameter '${name}' is required`);
    checkPathValue(op.id, name, path[name]);
  }
  return { path, query, body };
}

/** Checks a call's options, so a mistake fails with a message instead of as a timer or header error. */
export function checkOptions(where: string, options: RequestOptions): void {
  if (options.timeoutMs !== undefined)
    checkTimeout(options.timeoutMs, `${where}: timeoutMs`, (problem) => new TypeError(problem));
  if (options.validateResponses !== undefined)
    checkValidateResponses(
      options.validateResponses,
      `${where}: validateResponses`,
      (problem) => new TypeError(problem),
    );
  const attempts = options.retry ? options.retry.maxAttempts : undefined;
  if (attempts !== undefined && !(Number.isInteger(attempts) && attempts >= 1))
    throw new TypeError(`${where}: retry.maxAttempts must be a whole number, at least 1`);
  for (const name in options.headers) {
    const value = options.headers[name];
    if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name))
      throw new TypeError(`${where}: '${name}' is not a valid header name`);
    if (typeof value !== "string" || !HEADER_VALUE.test(value))
      throw new TypeError(`${where}: header '${name}' must be a string without line breaks`);
  }
}

/**
 * One call of a generated method: arguments checked and sorted, the URL built, then `sendCall` (retries,
 * limits, tokens, the body read within the attempt), then the body parsed or the error made.
 */
export async function callOperation(
  target: CallTarget,
  op: CompiledOperation,
  args: Record<string, unknown> | undefined,
  given?: RequestOptions,
): Promise<unknown> {
  const { core } = target;
  const options = given ?? {};
  if (given) checkOptions(op.id, options);
  const settings = callSettings(target, op.method, options, READ[op.result], op.id);
  const { path, query, body } = splitArguments(op, args);
  checkTenant(op.id, args?.tenant, core.config.tenant);
  path.tenant = core.config.tenant;
  const url = operationUrl(op, target.baseUrl, path, query);
  const headers: Record<string, string> = { accept: ACCEPT[op.result], "user-agent": core.config.userAgent };
  let payload: string | FormData | undefined;
  if (body !== undefined) {
    if (op.body === "multipart")
      payload = toFormData(body); // fetch sets the multipart content type and boundary
    else {
      payload = JSON.stringify(body);
      headers["content-type"] = "application/json";
    }
  }
  if (options.headers) for (const name in options.headers) headers[name.toLowerCase()] = options.headers[name]!;
  const context = { operationId: op.id, method: op.method, url };
  const validate = op.result === "json" ? (options.validateResponses ?? core.config.validateResponses) : "off";
  return reportingErrors(
    core,
    sendCall(core, settings, { url, method: op.method, headers, body: payload }).then(
      ({ response, body: received, attempts, retryAfterMs }) => {
        if (!response.ok) {
          const details = { ...context, attempts, retryAfterMs, requiredScopes: op.scopes };
          throw errorFromResponse(response, parseErrorBody(received as string), details, core.tokens.redact);
        }
        if (op.result !== "json") return received;
        const parsed = parseJsonBody(received as string, response, { ...context, attempts });
        if (validate === "off") return parsed;
        return checked(target, op, response.status, parsed, validate, { ...context, attempts });
      },
    ),
  );
}

let driftModule: Promise<typeof import("./drift.js")> | undefined;

/**
 * `validateResponses` on: the check and the domain's schemas are imported on first use (so with it off a
 * bundle splits both away); a failed import is tried again by the next call. "report" only observes: if
 * they cannot be loaded the call still resolves with its body, and the logger says why.
 */
async function checked(
  target: CallTarget,
  op: CompiledOperation,
  status: number,
  body: unknown,
  mode: "report" | "throw",
  context: CallContext,
): Promise<unknown> {
  const { core } = target;
  let loaded: [typeof import("./drift.js"), ValidationTable];
  try {
    driftModule ??= import("./drift.js").catch((error: unknown) => {
      driftModule = undefined;
      throw error;
    });
    loaded = await Promise.all([driftModule, target.validation()]);
  } catch (error) {
    if (mode === "throw") throw error;
    log(core.config.logger, "warn", `ServiceTitan ${op.id}: responses cannot be checked: ${describeThrown(error)}`);
    return body;
  }
  const [{ reportDrift }, table] = loaded;
  return reportDrift(
    core,
    table,
    { operationId: op.id, method: op.method, path: op.path, status },
    body,
    mode,
    context,
  );
}

/** One call's settings: the client's, with this call's options over them. */
export function callSettings(
  target: CallTarget,
  method: string,
  options: RequestOptions,
  read: CallSettings["read"],
  operationId?: string,
): CallSettings {
  const { retry, timeoutMs } = target.core.config;
  return {
    operationId,
    method,
    signal: options.signal,
    timeoutMs: options.timeoutMs ?? timeoutMs,
    replayAllowed: options.retry ? options.retry.nonIdempotent === true : false,
    maxAttempts: options.retry === false ? 1 : (options.retry?.maxAttempts ?? retry.maxAttempts),
    limits: target.limits,
    read,
  };
}

/** The one place `hooks.onError` fires: a call of either style settles through here. */
export async function reportingErrors<T>(core: ServiceTitanCore, call: Promise<T>): Promise<T> {
  try {
    return await call;
  } catch (error) {
    if (error instanceof ServiceTitanError) callHook(core.config.hooks.onError, error, core.config.logger);
    throw error;
  }
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
 * Bodies are read as text and parsed here: some operations answer JSON as `text/plain` or `text/json`.
 * An operation whose spec promises JSON and gets no body at all fails: resolving `undefined` where the
 * types promise a customer would only move the error somewhere harder to find.
 */
function parseJsonBody(
  text: string,
  response: Response,
  context: { operationId: string; method: string; url: string; attempts: number },
): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw unreadableJsonError(context, response.status, text);
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
