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
  cause?: unknown;
}

const RAW_BODY_LIMIT = 2000;

/**
 * Every failure of a ServiceTitan call: a non-2xx answer, a failed token request, a network error or
 * a timeout. It carries what is needed to act on it (and to ask support), and never a credential.
 */
export class ServiceTitanError extends Error {
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

  constructor(details: ServiceTitanErrorDetails) {
    super(describe(details), details.cause === undefined ? undefined : { cause: details.cause });
    this.name = "ServiceTitanError";
    this.status = details.status;
    this.title = details.title;
    this.type = details.type;
    this.traceId = details.traceId;
    this.errors = details.errors ?? {};
    this.data = details.data;
    this.operationId = details.operationId;
    this.method = details.method;
    this.url = details.url;
    this.rawBody = details.rawBody?.slice(0, RAW_BODY_LIMIT);
  }

  /** Builds the error from a non-2xx response whose body openapi-fetch already read (JSON or text). */
  static fromResponse(response: Response, body: unknown, context: { operationId?: string; method: string }): ServiceTitanError {
    const problem = body && typeof body === "object" ? (body as Record<string, unknown>) : undefined;
    const text = typeof body === "string" ? body : undefined;
    return new ServiceTitanError({
      status: response.status,
      title: stringOr(problem?.title, response.statusText || `HTTP ${response.status}`),
      type: stringOr(problem?.type, undefined),
      traceId: stringOr(problem?.traceId, undefined) ?? response.headers.get("x-trace-id") ?? undefined,
      errors: fieldErrors(problem?.errors),
      data: problem?.data ?? undefined,
      operationId: context.operationId,
      method: context.method,
      url: redactUrl(response.url),
      rawBody: text || undefined,
    });
  }

  toJSON(): Record<string, unknown> {
    const { name, message, status, title, type, traceId, errors, data, operationId, method, url, rawBody } = this;
    return { name, message, status, title, type, traceId, errors, data, operationId, method, url, rawBody };
  }
}

function describe(d: ServiceTitanErrorDetails): string {
  const where = [d.method && d.url ? `${d.method} ${d.url}` : d.url, d.operationId && `operationId ${d.operationId}`, d.traceId && `traceId ${d.traceId}`]
    .filter(Boolean)
    .join(", ");
  const fields = Object.entries(d.errors ?? {})
    .map(([field, messages]) => `${field}: ${messages.join(" ")}`)
    .join("; ");
  const status = d.status ? `${d.status} ` : "";
  return `ServiceTitan ${status}${d.title}${fields ? ` (${fields})` : ""}${where ? ` [${where}]` : ""}`;
}

function stringOr<T>(value: unknown, fallback: T): string | T {
  return typeof value === "string" && value !== "" ? value : fallback;
}

function fieldErrors(value: unknown): Record<string, string[]> {
  if (!value || typeof value !== "object") return {};
  const result: Record<string, string[]> = {};
  for (const [field, messages] of Object.entries(value)) {
    result[field] = Array.isArray(messages) ? messages.map(String) : [String(messages)];
  }
  return result;
}

/** URLs carry no credentials in this API, but a user's proxy URL might: never echo userinfo. */
function redactUrl(url: string): string {
  return url.replace(/\/\/[^/@]*@/, "//");
}
