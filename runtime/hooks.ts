import { describeThrown, type ServiceTitanError } from "./errors.js";

/** One request about to leave. `headers` show the bearer token as `Bearer [redacted]`. */
export interface RequestEvent {
  operationId?: string;
  method: string;
  url: string;
  /** 1 for the first try, 2 for the first retry, … */
  attempt: number;
  headers: Record<string, string>;
}

export interface ResponseEvent {
  operationId?: string;
  method: string;
  url: string;
  attempt: number;
  status: number;
  durationMs: number;
}

export interface RetryEvent {
  operationId?: string;
  method: string;
  url: string;
  /** The attempt that failed. */
  attempt: number;
  /** `HTTP 503`, `timeout`, `network error: ECONNRESET`, … */
  reason: string;
  /** How long the client waits before the next attempt. */
  delayMs: number;
}

/**
 * One place where a 2xx body differs from the operation's response schema (`validateResponses`). It never
 * carries a string of the body: `value` is there only for a number, a boolean or null.
 */
export interface DriftEvent {
  /** When the answer was checked (ISO 8601, UTC). */
  at: string;
  operationId: string;
  method: string;
  /** The operation's path template, relative to its module: `/tenant/{tenant}/export/inventory-bills`. */
  path: string;
  /** The spec file the domain was generated from: `inventory-v2.json`. */
  spec: string;
  /** JSON pointer into the body: `/data/0/landedCostMethod`. A key of a map (`additionalProperties`) shows as `*`. */
  pointer: string;
  /** JSON pointer into the spec, at the schema to widen: `/components/schemas/Inventory.V2.LandedCostMethod`. */
  schemaPath: string;
  /**
   * `type`: a JSON type the schema does not allow (`null` included); `enum`: a value outside the enum;
   * `format`: a string that is not a `date` / `date-time`; `required`: a required property absent;
   * `additional`: a property the schema does not list, where it allows no others.
   */
  kind: "type" | "enum" | "format" | "required" | "additional";
  /** What the schema allows, briefly: `string, one of "None", "ByValue"`, `date (YYYY-MM-DD)`, `required property`. */
  expected: string;
  /** What came: a JSON type (`integer`, `null`, …), `date-time` for a date-time in a date field, `missing`, `unexpected property`. */
  actual: string;
  /** The value, only when it is a number, a boolean or null. */
  value?: number | boolean | null;
  /**
   * For `required` and `additional`: the property's name. An unexpected one is named only when it looks
   * like a field name (letters, digits, `_ $ . -`, at most 64); otherwise it may be data, and shows as `*`.
   */
  property?: string;
}

/**
 * Observe calls. Hooks see no secret and change nothing: one that throws, or returns a promise that
 * rejects, is logged at `warn`, and the call goes on as if it had not been there.
 */
export interface Hooks {
  onRequest?(event: RequestEvent): unknown;
  onResponse?(event: ResponseEvent): unknown;
  onRetry?(event: RetryEvent): unknown;
  /** The error a call is about to throw. */
  onError?(error: ServiceTitanError): unknown;
  /** Each place a 2xx body differs from its schema (with `validateResponses` on; at most 1,000 per body). */
  onDrift?(event: DriftEvent): unknown;
}

/** `console` fits. Retries are logged at `warn`, each response at `debug`; a logger that throws is ignored. */
export interface Logger {
  debug?(message: string): void;
  warn?(message: string): void;
}

export function callHook<E>(hook: ((event: E) => unknown) | undefined, event: E, logger: Logger | undefined): void {
  if (!hook) return;
  const warn = (error: unknown) => log(logger, "warn", `ServiceTitan client: a hook threw: ${describeThrown(error)}`);
  try {
    const result = hook(event);
    if (result && typeof (result as Promise<unknown>).then === "function")
      (result as Promise<unknown>).then(undefined, warn);
  } catch (error) {
    warn(error);
  }
}

/** Logs a line; a logger that throws (or rejects) changes nothing about the call. */
export function log(logger: Logger | undefined, level: "debug" | "warn", message: string): void {
  const write = logger?.[level];
  if (!write) return;
  try {
    const result: unknown = write(message);
    if (result && typeof (result as Promise<void>).then === "function")
      (result as Promise<void>).then(undefined, () => {});
  } catch {
    // the logger is broken; the call it observes is not
  }
}

/** Request headers (lower-case names) as hooks see them: the bearer token replaced. */
export function visibleHeaders(headers: Record<string, string>): Record<string, string> {
  return { ...headers, authorization: "Bearer [redacted]" };
}
