import type { Hooks, Logger } from "./hooks.js";
import type { RateLimit, RateLimiter } from "./rate-limit.js";
import { DEFAULT_RETRY, type ResolvedRetry, type RetryOptions } from "./retry.js";
import type { TokenStore } from "./token-store.js";
import { describeKind } from "./errors.js";
import { VERSION } from "./version.js";

export type Environment = "production" | "integration";

/** Hosts from ServiceTitan's developer docs. Never taken from a spec's `servers` (3.0.1 specs list only integration). */
export const ENVIRONMENTS: Record<Environment, { authUrl: string; apiUrl: string }> = {
  production: { authUrl: "https://auth.servicetitan.io", apiUrl: "https://api.servicetitan.io" },
  integration: {
    authUrl: "https://auth-integration.servicetitan.io",
    apiUrl: "https://api-integration.servicetitan.io",
  },
};

/** The server itself gives up after 100 s, so waiting longer only hides a dead connection. */
export const DEFAULT_TIMEOUT_MS = 100_000;
/** Node's timers hold at most 2^31 − 1 ms; a longer one fires at once. */
export const MAX_TIMER_MS = 2 ** 31 - 1;
/**
 * Several times the widest page of 5,000 rows the specs describe (BENCHMARKS.md, "Response size"), and
 * far below what would exhaust a worker's memory.
 */
export const DEFAULT_MAX_RESPONSE_BYTES = 128 * 1024 * 1024;

export interface ServiceTitanConfig {
  /** OAuth client ID (`cid.…`), per environment. */
  clientId: string;
  /** OAuth client secret (`cs1.…`). Kept out of every error, log and property of the client. */
  clientSecret: string;
  /** Your app's key (`ak1.…`), sent as `ST-App-Key`. */
  appKey: string;
  /** Tenant ID; filled into every path. A number, or a string of digits for IDs beyond 2^53. */
  tenant: number | string;
  /** Which ServiceTitan hosts to use. Default `production`. */
  environment?: Environment;
  /** API host override (a proxy, a test server). The module path (`/crm/v2`) is appended to it. */
  baseUrl?: string;
  /** Auth host override (`https://auth.example`), or the full token URL (`…/connect/token`) as ServiceTitan's docs show it. */
  authUrl?: string;
  /** `fetch` to use; default `globalThis.fetch`. */
  fetch?: typeof globalThis.fetch;
  /** Per-request time limit in milliseconds, from when the request is sent. Default 100000 (ServiceTitan's own). */
  timeoutMs?: number;
  /** The largest response body read, in decoded bytes; a larger one fails at once. Default 128 MiB. */
  maxResponseBytes?: number;
  /** Sent as `User-Agent`. Default `servicetitan-client/<version>`, so ServiceTitan support can tell the traffic apart. */
  userAgent?: string;
  /** Where tokens are cached. Default: in this process, shared by clients with the same auth URL and client ID. */
  tokenStore?: TokenStore;
  /** Retry policy (see the README's defaults table); `false` sends every request once. */
  retry?: false | RetryOptions;
  /** Client-side rate limit per (app key, tenant); `false` turns it off. */
  rateLimit?: false | RateLimitOptions;
  /** Observe every request, response, retry and error (tokens redacted). */
  hooks?: Hooks;
  /** Where retries (`warn`) and responses (`debug`) are logged; `console` fits. Default: nowhere. */
  logger?: Logger;
  /**
   * Check each 2xx JSON body against its operation's response schema (the spec with its overlays):
   * `"report"` calls `hooks.onDrift` per mismatch, warns once per place and resolves with the body;
   * `"throw"` rejects with a `ResponseValidationError`. Default `"off"`: nothing is loaded or checked.
   */
  validateResponses?: ValidateResponses;
}

export type ValidateResponses = "off" | "report" | "throw";
export const VALIDATE_RESPONSES: readonly ValidateResponses[] = ["off", "report", "throw"];

export interface RateLimitOptions {
  /** Requests per second per (app key, tenant). Default 60, ServiceTitan's limit. */
  requestsPerSecond?: number;
  /** An extra, stricter budget for the reporting domain, per minute; `false` for none. Default 5. */
  reportingRequestsPerMinute?: number | false;
  /** Where the budget is kept. Default: this process (shared by clients with the same app key and tenant). */
  limiter?: RateLimiter;
}

/** ServiceTitan's documented limit, and a cautious guess for reports ("a handful of runs per minute"). */
export const DEFAULT_REQUESTS_PER_SECOND = 60;
export const DEFAULT_REPORTING_REQUESTS_PER_MINUTE = 5;

/** The config after validation, with defaults applied. Holds no secret: that stays inside the token provider. */
export interface ResolvedConfig {
  clientId: string;
  appKey: string;
  tenant: string;
  environment: Environment;
  apiUrl: string;
  authUrl: string;
  /** `{authUrl}/connect/token`. */
  tokenUrl: string;
  fetch: typeof globalThis.fetch;
  timeoutMs: number;
  maxResponseBytes: number;
  userAgent: string;
  /** `maxAttempts: 1` when retries are off. */
  retry: ResolvedRetry;
  /** Absent when rate limiting is off. */
  rateLimit?: { perSecond: RateLimit; reporting?: RateLimit; limiter?: RateLimiter };
  /** Read once from the config (see `readFunctions`). */
  hooks: Hooks;
  logger: Logger;
  validateResponses: ValidateResponses;
}

const OPTIONS = {
  top: [
    "clientId",
    "clientSecret",
    "appKey",
    "tenant",
    "environment",
    "baseUrl",
    "authUrl",
    "fetch",
    "timeoutMs",
    "maxResponseBytes",
    "userAgent",
    "tokenStore",
    "retry",
    "rateLimit",
    "hooks",
    "logger",
    "validateResponses",
  ],
  rateLimit: ["requestsPerSecond", "reportingRequestsPerMinute", "limiter"],
  hooks: ["onRequest", "onResponse", "onRetry", "onError", "onDrift"],
} as const;

export class ServiceTitanConfigError extends TypeError {
  constructor(problem: string) {
    super(`Invalid ServiceTitan config: ${problem}`);
    this.name = "ServiceTitanConfigError";
  }
}

/**
 * Checks the whole config up front, so a typo fails at start-up with a message, not at the first call.
 * Messages name the option and what kind of value it got, never the value: a secret pasted into the
 * wrong option must not end up in a log.
 */
export function resolveConfig(config: ServiceTitanConfig): ResolvedConfig {
  if (config === null || typeof config !== "object")
    throw new ServiceTitanConfigError("expected an object with clientId, clientSecret, appKey and tenant");
  checkKeys(config, OPTIONS.top, "");
  for (const key of ["clientId", "clientSecret", "appKey"] as const) {
    const value: unknown = config[key];
    if (typeof value !== "string" || value.trim() === "")
      throw new ServiceTitanConfigError(
        `'${key}' is required and must be a non-empty string (got ${describeKind(value)})`,
      );
    if (!HEADER_VALUE.test(value))
      throw new ServiceTitanConfigError(`'${key}' contains a line break or another control character`);
  }
  const tenant = String(config.tenant ?? "");
  if (!/^\d+$/.test(tenant) || (typeof config.tenant === "number" && !Number.isSafeInteger(config.tenant))) {
    throw new ServiceTitanConfigError(
      `'tenant' must be the numeric tenant ID, a number or a string of digits (got ${describeKind(config.tenant)})`,
    );
  }
  const environment = config.environment ?? "production";
  if (!Object.hasOwn(ENVIRONMENTS, environment))
    throw new ServiceTitanConfigError(
      `'environment' must be "production" or "integration" (got ${describeKind(environment)})`,
    );
  const hosts = ENVIRONMENTS[environment];
  const fetchImpl = config.fetch ?? globalThis.fetch;
  if (typeof fetchImpl !== "function")
    throw new ServiceTitanConfigError("'fetch' must be a function (no global fetch found)");
  const userAgent = config.userAgent ?? `servicetitan-client/${VERSION}`;
  if (typeof userAgent !== "string" || userAgent === "" || !HEADER_VALUE.test(userAgent)) {
    throw new ServiceTitanConfigError("'userAgent' must be a non-empty string without line breaks");
  }
  checkMethods("tokenStore", config.tokenStore, ["get", "set", "delete"]);
  checkMethods("hooks", config.hooks, []);
  checkKeys(config.hooks ?? {}, OPTIONS.hooks, "hooks.");
  checkMethods("logger", config.logger, []);
  const authUrl = checkUrl("authUrl", config.authUrl ?? hosts.authUrl).replace(/\/connect\/token$/, "");
  return {
    clientId: config.clientId,
    appKey: config.appKey,
    tenant,
    environment,
    apiUrl: checkUrl("baseUrl", config.baseUrl ?? hosts.apiUrl),
    authUrl,
    tokenUrl: `${authUrl}/connect/token`,
    fetch: fetchImpl,
    timeoutMs: checkTimeout(
      config.timeoutMs ?? DEFAULT_TIMEOUT_MS,
      "timeoutMs",
      (problem) => new ServiceTitanConfigError(problem),
    ),
    maxResponseBytes: checkCount("maxResponseBytes", config.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES),
    userAgent,
    retry: resolveRetry(config.retry),
    rateLimit: resolveRateLimit(config.rateLimit),
    hooks: readFunctions("hooks", config.hooks, OPTIONS.hooks),
    logger: readFunctions("logger", config.logger, ["debug", "warn"]),
    validateResponses: checkValidateResponses(
      config.validateResponses ?? "off",
      "'validateResponses'",
      (problem) => new ServiceTitanConfigError(problem),
    ),
  };
}

/**
 * The hooks or logger methods, read once: a getter that throws (or changes its mind) mid-call must not
 * turn a call into a failure. Each stays bound to its object, as a class instance needs.
 */
function readFunctions<T extends object>(option: string, source: T | undefined, names: readonly string[]): T {
  const result: Record<string, unknown> = {};
  for (const name of names) {
    let value: unknown;
    try {
      value = (source as Record<string, unknown> | undefined)?.[name];
    } catch {
      throw new ServiceTitanConfigError(`reading '${option}.${name}' threw`);
    }
    if (value === undefined) continue;
    if (typeof value !== "function")
      throw new ServiceTitanConfigError(`'${option}.${name}' must be a function (got ${describeKind(value)})`);
    result[name] = value.bind(source);
  }
  return result as T;
}

/** A header value fetch accepts: tabs and printable Latin-1, no line breaks or other control characters. */
export const HEADER_VALUE = /^[\x09\x20-\x7e\x80-\xff]*$/;

/** One of "off", "report", "throw". Also checks the per-call option (`what` names it in the message). */
export function checkValidateResponses(
  value: unknown,
  what: string,
  fail: (problem: string) => Error,
): ValidateResponses {
  if (VALIDATE_RESPONSES.includes(value as ValidateResponses)) return value as ValidateResponses;
  throw fail(`${what} must be "off", "report" or "throw" (got ${describeKind(value)})`);
}

/** A time limit a timer can hold: positive, finite, below 2^31 ms. Also checks per-call `timeoutMs`. */
export function checkTimeout(value: unknown, option: string, fail: (problem: string) => Error): number {
  if (typeof value === "number" && value > 0 && value <= MAX_TIMER_MS) return value;
  throw fail(
    `'${option}' must be a number of milliseconds above 0 and at most ${MAX_TIMER_MS} (got ${describeValue(value)})`,
  );
}

function resolveRetry(retry: ServiceTitanConfig["retry"]): ResolvedRetry {
  if (retry === false) return { ...DEFAULT_RETRY, maxAttempts: 1 };
  if (retry !== undefined && (retry === null || typeof retry !== "object"))
    throw new ServiceTitanConfigError(`'retry' must be false or an object (got ${describeKind(retry)})`);
  checkKeys(retry ?? {}, Object.keys(DEFAULT_RETRY), "retry.");
  const resolved = { ...DEFAULT_RETRY, ...retry };
  for (const [key, value] of Object.entries(resolved)) {
    if (!(typeof value === "number" && value >= 0 && value <= MAX_TIMER_MS)) {
      throw new ServiceTitanConfigError(
        `'retry.${key}' must be a number from 0 to ${MAX_TIMER_MS} (got ${describeValue(value)})`,
      );
    }
  }
  if (!Number.isInteger(resolved.maxAttempts) || resolved.maxAttempts < 1)
    throw new ServiceTitanConfigError("'retry.maxAttempts' must be a whole number, at least 1");
  return resolved;
}

function resolveRateLimit(options: ServiceTitanConfig["rateLimit"]): ResolvedConfig["rateLimit"] {
  if (options === false) return undefined;
  if (options !== undefined && (options === null || typeof options !== "object"))
    throw new ServiceTitanConfigError(`'rateLimit' must be false or an object (got ${describeKind(options)})`);
  checkKeys(options ?? {}, OPTIONS.rateLimit, "rateLimit.");
  checkMethods("rateLimit.limiter", options?.limiter, ["acquire"]);
  const perSecond = options?.requestsPerSecond ?? DEFAULT_REQUESTS_PER_SECOND;
  const perMinute = options?.reportingRequestsPerMinute ?? DEFAULT_REPORTING_REQUESTS_PER_MINUTE;
  if (!(typeof perSecond === "number" && perSecond > 0 && Number.isFinite(perSecond))) {
    throw new ServiceTitanConfigError(
      `'rateLimit.requestsPerSecond' must be a positive number (got ${describeValue(perSecond)})`,
    );
  }
  if (perMinute !== false && !(typeof perMinute === "number" && perMinute > 0 && Number.isFinite(perMinute))) {
    throw new ServiceTitanConfigError(
      `'rateLimit.reportingRequestsPerMinute' must be a positive number or false (got ${describeValue(perMinute)})`,
    );
  }
  // Whole requests per window: 0.5/s becomes 1 per 2 s.
  const window = (count: number, ms: number): RateLimit =>
    count >= 1 ? { requests: Math.floor(count), perMs: ms } : { requests: 1, perMs: ms / count };
  return {
    perSecond: window(perSecond, 1000),
    reporting: perMinute === false ? undefined : window(perMinute, 60_000),
    limiter: options?.limiter,
  };
}

function checkUrl(option: string, value: unknown): string {
  let url: URL;
  try {
    url = new URL(value as string);
  } catch {
    throw new ServiceTitanConfigError(`'${option}' is not a valid URL (got ${describeKind(value)})`);
  }
  if (url.protocol !== "https:" && url.protocol !== "http:")
    throw new ServiceTitanConfigError(`'${option}' must be an http(s) URL`);
  // Errors and events show URLs; credentials in one would be shown too. A proxy's password goes in a custom `fetch`.
  if (url.username || url.password)
    throw new ServiceTitanConfigError(`'${option}' must not contain a user name or password`);
  if (url.search || url.hash) throw new ServiceTitanConfigError(`'${option}' must not have a query or a fragment`);
  return url.href.replace(/\/+$/, "");
}

function checkCount(option: string, value: unknown): number {
  if (typeof value === "number" && Number.isSafeInteger(value) && value > 0) return value;
  throw new ServiceTitanConfigError(`'${option}' must be a whole number above 0 (got ${describeValue(value)})`);
}

/** An object option whose named members are functions (and whose other function-valued members are too). */
function checkMethods(option: string, value: unknown, required: readonly string[]): void {
  if (value === undefined) return;
  if (value === null || typeof value !== "object")
    throw new ServiceTitanConfigError(`'${option}' must be an object (got ${describeKind(value)})`);
  for (const name of required) {
    if (typeof (value as Record<string, unknown>)[name] !== "function")
      throw new ServiceTitanConfigError(`'${option}.${name}' must be a function`);
  }
}

/** Unknown keys fail with the nearest known one suggested: `requestPerSecond` → `requestsPerSecond`. */
function checkKeys(object: object, known: readonly string[], prefix: string): void {
  for (const key of Object.keys(object)) {
    if (known.includes(key)) continue;
    const nearest = known
      .map((name) => ({ name, distance: editDistance(key.toLowerCase(), name.toLowerCase()) }))
      .sort((a, b) => a.distance - b.distance)[0];
    const hint =
      nearest && nearest.distance <= Math.max(2, Math.floor(key.length / 3))
        ? `; did you mean '${prefix}${nearest.name}'?`
        : "";
    throw new ServiceTitanConfigError(
      `unknown option '${prefix}${key}'${hint} (known: ${known.map((name) => prefix + name).join(", ")})`,
    );
  }
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++)
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    previous = current;
  }
  return previous[b.length]!;
}

/** Numbers are shown (they are never secrets); anything else by its kind. */
function describeValue(value: unknown): string {
  return typeof value === "number" ? String(value) : describeKind(value);
}
