import type { DriftEvent } from "./hooks.js";

export interface ServiceTitanErrorDetails {
  /** HTTP status; 0 when no response arrived (network failure, timeout). */
  status: number;
  title: string;
  /** ServiceTitan's `type` URI from the error body. */
  type?: string;
  /** What ServiceTitan support asks for. */
  traceId?: string;
  /** Field → messages, from a 400's `errors`. */
  errors?: Record<string, string[]>;
  /** Extra data from the error body. */
  data?: unknown;
  operationId?: string;
  method?: string;
  url?: string;
  /** The body as text when it was not JSON (an HTML 503 page), cut to 2,000 characters. */
  rawBody?: string;
  /** Requests sent for this call, retries included. */
  attempts?: number;
  /** For a 429: how long the server asked to wait. */
  retryAfterMs?: number;
  /** The OAuth scopes the operation needs, as its spec lists them (named on a 403). */
  requiredScopes?: readonly string[];
  /** Which failure a status-0 error is; `auth` marks a refused token request. */
  kind?: "timeout" | "network" | "auth";
  cause?: unknown;
}

const RAW_BODY_LIMIT = 2000;

/**
 * Every failure of a ServiceTitan call: a non-2xx answer, a failed token request, a network error or
 * a timeout. It carries what is needed to act on it (and to ask support), and never a credential.
 * Catch a subclass to act on one meaning (`NotFoundError`, `RateLimitError`, …).
 */
export class ServiceTitanError extends Error {
  override name = "ServiceTitanError";
  readonly status: number;
  readonly title: string;
  readonly type?: string;
  readonly traceId?: string;
  readonly errors: Record<string, string[]>;
  readonly data?: unknown;
  readonly operationId?: string;
  readonly method?: string;
  readonly url?: string;
  readonly rawBody?: string;
  readonly attempts: number;

  /** Use `createError`, which also scrubs credentials from the server's text. */
  constructor(details: ServiceTitanErrorDetails) {
    super(describe(details), details.cause === undefined ? undefined : { cause: details.cause });
    this.status = details.status;
    this.title = details.title;
    this.type = details.type;
    this.traceId = details.traceId;
    this.errors = details.errors ?? {};
    this.data = details.data;
    this.operationId = details.operationId;
    this.method = details.method;
    this.url = details.url === undefined ? undefined : displayUrl(details.url);
    this.rawBody = details.rawBody?.slice(0, RAW_BODY_LIMIT);
    this.attempts = details.attempts ?? 1;
  }

  toJSON(): Record<string, unknown> {
    const { name, message, status, title, type, traceId, errors, data, operationId, method, url, rawBody, attempts } =
      this;
    return { name, message, status, title, type, traceId, errors, data, operationId, method, url, rawBody, attempts };
  }
}

/** 401 after a fresh token was tried, or the token endpoint refused the client ID and secret. */
export class AuthenticationError extends ServiceTitanError {
  override name = "AuthenticationError";
}
/** 403: the app or the token lacks a permission; `requiredScopes` names what the spec says the operation needs. */
export class PermissionError extends ServiceTitanError {
  override name = "PermissionError";
  readonly requiredScopes: readonly string[];
  constructor(details: ServiceTitanErrorDetails) {
    super(details);
    this.requiredScopes = details.requiredScopes ?? [];
  }
}
export class NotFoundError extends ServiceTitanError {
  override name = "NotFoundError";
}
/** 400: `errors` maps each field to its messages. */
export class ValidationError extends ServiceTitanError {
  override name = "ValidationError";
}
export class ConflictError extends ServiceTitanError {
  override name = "ConflictError";
}
/** 429 that retries did not get past, or whose wait was longer than `retry.maxRetryAfterMs`. */
export class RateLimitError extends ServiceTitanError {
  override name = "RateLimitError";
  readonly retryAfterMs?: number;
  constructor(details: ServiceTitanErrorDetails) {
    super(details);
    this.retryAfterMs = details.retryAfterMs;
  }
}
export class ServerError extends ServiceTitanError {
  override name = "ServerError";
}
/** No answer within `timeoutMs` (status 0). */
export class TimeoutError extends ServiceTitanError {
  override name = "TimeoutError";
}
/** The connection failed or was dropped (status 0). */
export class NetworkError extends ServiceTitanError {
  override name = "NetworkError";
}

/**
 * A 2xx body that differs from its operation's response schema, with `validateResponses: "throw"`.
 * `drift` lists each place, as `hooks.onDrift` sees it. The body is not kept: it is customers' data, and
 * errors get logged (use `"report"` to get the body whatever it holds).
 */
export class ResponseValidationError extends ServiceTitanError {
  override name = "ResponseValidationError";
  readonly drift: readonly DriftEvent[];
  constructor(details: ServiceTitanErrorDetails & { drift?: readonly DriftEvent[] }) {
    super(details);
    this.drift = details.drift ?? [];
  }

  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), drift: this.drift };
  }
}

/** Replaces credentials (the client secret, tokens in use) wherever they occur in a text. */
export type Redact = (text: string) => string;

/**
 * The error class that says what went wrong. Everything the server wrote (title, field errors, data, the
 * raw body, the trace ID) passes through `redact` first: a server that echoes the secret or the bearer
 * token must not put it in a message, a stack or `JSON.stringify(error)`.
 */
export function createError(raw: ServiceTitanErrorDetails, redact?: Redact): ServiceTitanError {
  const details = redact ? scrubDetails(raw, redact) : raw;
  const { status, kind } = details;
  if (kind === "auth" || status === 401) return new AuthenticationError(details);
  if (status === 0) return kind === "timeout" ? new TimeoutError(details) : new NetworkError(details);
  if (status === 400) return new ValidationError(details);
  if (status === 403) return new PermissionError(details);
  if (status === 404) return new NotFoundError(details);
  if (status === 409) return new ConflictError(details);
  if (status === 429) return new RateLimitError(details);
  if (status >= 500) return new ServerError(details);
  return new ServiceTitanError(details);
}

/** Builds the error from a non-2xx response whose body openapi-fetch already read (JSON or text). */
export function errorFromResponse(
  response: Response,
  body: unknown,
  context: Pick<
    ServiceTitanErrorDetails,
    "operationId" | "method" | "url" | "attempts" | "retryAfterMs" | "requiredScopes"
  >,
  redact: Redact,
): ServiceTitanError {
  const problem = body && typeof body === "object" ? (body as Record<string, unknown>) : undefined;
  const text = typeof body === "string" ? body : undefined;
  const title = stringOr(problem?.title, response.statusText || `HTTP ${response.status}`);
  return createError(
    {
      ...context,
      status: response.status,
      title,
      type: stringOr(problem?.type, undefined),
      traceId: stringOr(problem?.traceId, undefined) ?? response.headers.get("x-trace-id") ?? undefined,
      errors: fieldErrors(problem?.errors),
      data: problem?.data ?? undefined,
      url: context.url ?? response.url,
      rawBody: text || undefined,
    },
    redact,
  );
}

/** Which call failed, on which attempt, and what was thrown, if anything was. */
export type CallContext = Pick<ServiceTitanErrorDetails, "operationId" | "method" | "url" | "attempts" | "cause">;

/** A 2xx body past `maxResponseBytes` (an error body is cut short instead). */
export function bodyTooLargeError(context: CallContext, status: number, maxBytes: number): ServiceTitanError {
  const title = `the response body is larger than maxResponseBytes (${maxBytes} bytes); raise maxResponseBytes or ask for smaller pages`;
  return createError({ ...context, status, title });
}

/** The call's own error when its token request failed: the token error's facts, on the call's attempt. */
export function noTokenError(context: CallContext, failed: ServiceTitanError): ServiceTitanError {
  const { status, title, traceId, method, url } = failed;
  const kind = failed instanceof AuthenticationError ? "auth" : failed instanceof TimeoutError ? "timeout" : undefined;
  return createError({ ...context, status, title, traceId, method, url, kind, cause: failed.cause });
}

/** What an attempt was doing when it failed, once it had its token. */
type AttemptPhase = "request" | "reading the response";

export function timeoutError(context: CallContext, phase: AttemptPhase, timeoutMs: number): ServiceTitanError {
  return createError({ ...context, status: 0, kind: "timeout", title: `${phase} timed out after ${timeoutMs} ms` });
}

/** A failed fetch or a body that broke off; `context.cause` says why. */
export function networkError(context: CallContext, phase: AttemptPhase): ServiceTitanError {
  const title = `network error${phase === "request" ? "" : ` while ${phase}`}: ${describeCause(context.cause)}`;
  return createError({ ...context, status: 0, kind: "network", title });
}

/** A 2xx body that should be JSON and is not. The body is the customer's data, so only its length is told. */
export function unreadableJsonError(context: CallContext, status: number, body: string): ServiceTitanError {
  const title = /\S/.test(body)
    ? `the response body is not valid JSON (${body.length} characters)`
    : "the response body is empty, where the spec promises JSON";
  return createError({ ...context, status, title });
}

/** Where a token request goes and what to scrub from its errors (the secret, above all). */
export interface TokenEndpoint {
  url: string;
  clientId: string;
  redact: Redact;
}

function tokenError(
  endpoint: TokenEndpoint,
  details: Omit<ServiceTitanErrorDetails, "method" | "url">,
): ServiceTitanError {
  return createError({ ...details, method: "POST", url: endpoint.url }, endpoint.redact);
}

export function tokenTimeoutError(endpoint: TokenEndpoint, timeoutMs: number, cause: unknown): ServiceTitanError {
  return tokenError(endpoint, {
    status: 0,
    title: `token request timed out after ${timeoutMs} ms`,
    kind: "timeout",
    cause,
  });
}

export function tokenNetworkError(endpoint: TokenEndpoint, cause: unknown): ServiceTitanError {
  return tokenError(endpoint, { status: 0, title: `token request failed: ${describeCause(cause)}`, cause });
}

/** Only the redirect's origin is named: its path and query may carry anything. */
export function tokenRedirectError(
  endpoint: TokenEndpoint,
  status: number,
  location: string | null,
): ServiceTitanError {
  const target = location ? ` to ${originOf(location, endpoint.url)}` : "";
  return tokenError(endpoint, {
    status,
    title: `the token endpoint answered a redirect${target}; not followed, so the client secret is sent nowhere else`,
    kind: "auth",
  });
}

/** A token answer without a token: an OAuth error (`answer` is its parsed JSON, if any) or a server failure. */
export function tokenAnswerError(
  endpoint: TokenEndpoint,
  status: number,
  answer: Record<string, unknown> | undefined,
): ServiceTitanError {
  const described =
    typeof answer?.error === "string"
      ? `${answer.error}${typeof answer.error_description === "string" ? `: ${answer.error_description}` : ""}`
      : `HTTP ${status}`;
  const traceId = typeof answer?.traceId === "string" ? answer.traceId : undefined;
  // A refusal of the client ID and secret is final; anything else (a 503, a malformed answer) may pass.
  const refused = status === 400 || status === 401 || status === 403;
  return tokenError(endpoint, {
    status,
    title: `token request for client '${endpoint.clientId}' failed (${described})`,
    traceId,
    kind: refused ? "auth" : undefined,
  });
}

export function badBearerTokenError(endpoint: TokenEndpoint, status: number): ServiceTitanError {
  return tokenError(endpoint, {
    status,
    title: "the token endpoint answered an access_token that is not a valid bearer token",
    kind: "auth",
  });
}

/** Which page was not a list page: a page number, or an export page asked for from a token (or the start). */
export type PageAt = { page: number } | { from: string | undefined };

export function notAListPageError(operationId: string, at: PageAt): ServiceTitanError {
  const where =
    "page" in at
      ? `page ${at.page}`
      : `the export page from ${at.from === undefined ? "the start" : "a continueFrom token"}`;
  return createError({
    status: 200,
    operationId,
    title: `${where} is not a list page ({ hasMore, data: [...] }), so iteration stops`,
  });
}

/** What kept coming back while paging: a page with rows already seen, an empty page, or an export token that did not move. */
export type Stall = { repeatedPage: number } | "empty page" | "same continueFrom" | "empty export page";

const STALLS = {
  "empty page": "a page came back empty with hasMore: true",
  "same continueFrom": "the export answered hasMore: true without a new continueFrom",
  "empty export page": "the export answered hasMore: true with no rows",
};

export function noProgressError(operationId: string, stall: Stall, times: number): ServiceTitanError {
  const what =
    typeof stall === "object" ? `page ${stall.repeatedPage} repeated the rows of an earlier page` : STALLS[stall];
  return createError({
    status: 200,
    operationId,
    title: `paging made no progress: ${what} ${times} times in a row; stopping rather than asking forever`,
  });
}

function describe(d: ServiceTitanErrorDetails): string {
  const where = [
    d.method && d.url ? `${d.method} ${displayUrl(d.url)}` : d.url && displayUrl(d.url),
    d.operationId && `operationId ${d.operationId}`,
    d.traceId && `traceId ${d.traceId}`,
  ]
    .filter(Boolean)
    .join(", ");
  const fields = Object.entries(d.errors ?? {})
    .map(([field, messages]) => `${field}: ${messages.join(" ")}`)
    .join("; ");
  const notes = [
    fields,
    // Only a 403 that is about scopes names them: a wrong app key is answered 403 too.
    d.status === 403 && d.requiredScopes?.length && /scope/i.test(`${d.title} ${d.rawBody ?? ""}`)
      ? `the operation needs the OAuth scope ${d.requiredScopes.join(", ")}`
      : "",
    d.retryAfterMs !== undefined ? `the server asked to wait ${Math.ceil(d.retryAfterMs / 1000)} s` : "",
    (d.attempts ?? 1) > 1 ? `after ${d.attempts} attempts` : "",
  ].filter(Boolean);
  const status = d.status ? `${d.status} ` : "";
  return `ServiceTitan ${status}${d.title}${notes.length ? ` (${notes.join("; ")})` : ""}${where ? ` [${where}]` : ""}`;
}

function stringOr<T>(value: unknown, fallback: T): string | T {
  return typeof value === "string" && value !== "" ? value : fallback;
}

function fieldErrors(value: unknown): Record<string, string[]> {
  if (!value || typeof value !== "object") return {};
  const result: Record<string, string[]> = {};
  for (const [field, messages] of Object.entries(value)) {
    result[field] = (Array.isArray(messages) ? messages : [messages]).map((message) =>
      message && typeof message === "object" ? "[not a text]" : String(message),
    );
  }
  return result;
}

/**
 * A URL as errors, events and logs show it: query values are the caller's data (a customer's name or
 * phone number in a search), so only their keys are shown. The config refuses URLs with a user name.
 */
export function displayUrl(url: string): string {
  const query = url.indexOf("?");
  if (query < 0) return url;
  const keys = url
    .slice(query + 1)
    .split("&")
    .map((pair) => `${pair.split("=")[0]}=…`);
  return `${url.slice(0, query)}?${keys.join("&")}`;
}

function scrubDetails(details: ServiceTitanErrorDetails, redact: Redact): ServiceTitanErrorDetails {
  const text = (value: string | undefined) => (value === undefined ? undefined : redact(value));
  return {
    ...details,
    title: redact(details.title),
    type: text(details.type),
    traceId: text(details.traceId),
    rawBody: text(details.rawBody),
    errors: details.errors && (scrubJson(details.errors, redact) as Record<string, string[]>),
    data: scrubJson(details.data, redact),
  };
}

/** An error body as text, scrubbed: JSON is parsed first (a server can spell a secret with `\u` escapes). */
export function scrubBody(text: string, redact: Redact): string {
  try {
    return JSON.stringify(scrubJson(JSON.parse(text), redact));
  } catch {
    return redact(text);
  }
}

/** Deeper than this, a server's JSON is cut: no error body needs it, and walking it could overflow the stack. */
const MAX_JSON_DEPTH = 16;

/** Every string (keys included) of a parsed JSON value, redacted; what lies deeper than MAX_JSON_DEPTH is dropped. */
export function scrubJson(value: unknown, redact: Redact, depth = 0): unknown {
  if (typeof value === "string") return redact(value);
  if (!value || typeof value !== "object") return value;
  if (depth >= MAX_JSON_DEPTH) return "[nested too deep]";
  if (Array.isArray(value)) return value.map((item) => scrubJson(item, redact, depth + 1));
  return Object.fromEntries(
    Object.entries(value).map(([key, item]) => [redact(key), scrubJson(item, redact, depth + 1)]),
  );
}

/** What a failed fetch says about why: undici puts the reason (`ECONNREFUSED`, `ENOTFOUND`) in `cause`. */
function describeCause(error: unknown): string {
  const cause = (error as { cause?: { code?: unknown } })?.cause;
  return typeof cause?.code === "string" ? cause.code : describeThrown(cause ?? error);
}

/** A thrown value as text, whatever it is (a Symbol or a null-prototype object cannot go in a template). */
export function describeThrown(value: unknown): string {
  try {
    return String((value as Error | undefined)?.message ?? value);
  } catch {
    return "a value that cannot be shown";
  }
}

/** What a value is, never what it says (a string may be customer data). */
export function describeKind(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "string") return `a string of ${value.length} characters`;
  if (typeof value === "object") return "an object";
  return typeof value === "undefined" ? "undefined" : `a ${typeof value}`;
}

function originOf(location: string, base: string): string {
  try {
    return new URL(location, base).origin;
  } catch {
    return "an invalid URL";
  }
}
