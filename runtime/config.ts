import type { Hooks, Logger } from "./hooks.js";
import type { RateLimit, RateLimiter } from "./rate-limit.js";
import { DEFAULT_RETRY, type ResolvedRetry, type RetryOptions } from "./retry.js";
import type { TokenStore } from "./token-store.js";

export type Environment = "production" | "integration";

/** Hosts from ServiceTitan's developer docs. Never taken from a spec's `servers` (3.0.1 specs list only integration). */
export const ENVIRONMENTS: Record<Environment, { authUrl: string; apiUrl: string }> = {
  production: { authUrl: "https://auth.servicetitan.io", apiUrl: "https://api.servicetitan.io" },
  integration: { authUrl: "https://auth-integration.servicetitan.io", apiUrl: "https://api-integration.servicetitan.io" },
};

/** The server itself gives up after 100 s, so waiting longer only hides a dead connection. */
export const DEFAULT_TIMEOUT_MS = 100_000;

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
  /** Auth host override; the token is fetched from `{authUrl}/connect/token`. */
  authUrl?: string;
  /** `fetch` to use; default `globalThis.fetch`. */
  fetch?: typeof globalThis.fetch;
  /** Per-request time limit in milliseconds. Default 100000 (ServiceTitan's own). */
  timeoutMs?: number;
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
}

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
  fetch: typeof globalThis.fetch;
  timeoutMs: number;
  /** `maxAttempts: 1` when retries are off. */
  retry: ResolvedRetry;
  /** Absent when rate limiting is off. */
  rateLimit?: { perSecond: RateLimit; reporting?: RateLimit; limiter?: RateLimiter };
  hooks: Hooks;
  logger?: Logger;
}

const KNOWN_OPTIONS = new Set<string>([
  "clientId", "clientSecret", "appKey", "tenant", "environment", "baseUrl", "authUrl", "fetch", "timeoutMs", "tokenStore",
  "retry", "rateLimit", "hooks", "logger",
]);

export class ServiceTitanConfigError extends TypeError {
  constructor(problem: string) {
    super(`Invalid ServiceTitan config: ${problem}`);
    this.name = "ServiceTitanConfigError";
  }
}

/** Checks the whole config up front, so a typo fails at start-up with a message, not at the first call. */
export function resolveConfig(config: ServiceTitanConfig): ResolvedConfig {
  if (config === null || typeof config !== "object") throw new ServiceTitanConfigError("expected an object with clientId, clientSecret, appKey and tenant");
  for (const key of Object.keys(config)) {
    if (!KNOWN_OPTIONS.has(key)) throw new ServiceTitanConfigError(`unknown option '${key}' (known: ${[...KNOWN_OPTIONS].join(", ")})`);
  }
  for (const key of ["clientId", "clientSecret", "appKey"] as const) {
    const value: unknown = config[key];
    if (typeof value !== "string" || value.trim() === "") throw new ServiceTitanConfigError(`'${key}' is required and must be a non-empty string`);
  }
  const tenant = String(config.tenant ?? "");
  if (!/^\d+$/.test(tenant) || (typeof config.tenant === "number" && !Number.isSafeInteger(config.tenant))) {
    throw new ServiceTitanConfigError(`'tenant' must be the numeric tenant ID (got ${JSON.stringify(config.tenant ?? null)})`);
  }
  const environment = config.environment ?? "production";
  const hosts = ENVIRONMENTS[environment];
  if (!hosts) throw new ServiceTitanConfigError(`'environment' must be "production" or "integration" (got ${JSON.stringify(environment)})`);
  const timeoutMs = config.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  if (!(typeof timeoutMs === "number" && timeoutMs > 0 && Number.isFinite(timeoutMs))) {
    throw new ServiceTitanConfigError(`'timeoutMs' must be a positive number of milliseconds (got ${JSON.stringify(timeoutMs)})`);
  }
  const fetchImpl = config.fetch ?? globalThis.fetch;
  if (typeof fetchImpl !== "function") throw new ServiceTitanConfigError("'fetch' must be a function (no global fetch found)");
  return {
    clientId: config.clientId,
    appKey: config.appKey,
    tenant,
    environment,
    apiUrl: checkUrl("baseUrl", config.baseUrl ?? hosts.apiUrl),
    authUrl: checkUrl("authUrl", config.authUrl ?? hosts.authUrl),
    fetch: fetchImpl,
    timeoutMs,
    retry: resolveRetry(config.retry),
    rateLimit: resolveRateLimit(config.rateLimit),
    hooks: config.hooks ?? {},
    logger: config.logger,
  };
}

function resolveRetry(retry: ServiceTitanConfig["retry"]): ResolvedRetry {
  if (retry === false) return { ...DEFAULT_RETRY, maxAttempts: 1 };
  const resolved = { ...DEFAULT_RETRY, ...retry };
  for (const [key, value] of Object.entries(resolved)) {
    if (!(key in DEFAULT_RETRY)) throw new ServiceTitanConfigError(`unknown option 'retry.${key}' (known: ${Object.keys(DEFAULT_RETRY).join(", ")})`);
    if (!(typeof value === "number" && value >= 0 && Number.isFinite(value))) {
      throw new ServiceTitanConfigError(`'retry.${key}' must be a non-negative number (got ${JSON.stringify(value)})`);
    }
  }
  if (resolved.maxAttempts < 1) throw new ServiceTitanConfigError("'retry.maxAttempts' must be at least 1");
  return resolved;
}

function resolveRateLimit(options: ServiceTitanConfig["rateLimit"]): ResolvedConfig["rateLimit"] {
  if (options === false) return undefined;
  const perSecond = options?.requestsPerSecond ?? DEFAULT_REQUESTS_PER_SECOND;
  const perMinute = options?.reportingRequestsPerMinute ?? DEFAULT_REPORTING_REQUESTS_PER_MINUTE;
  if (!(typeof perSecond === "number" && perSecond > 0)) throw new ServiceTitanConfigError(`'rateLimit.requestsPerSecond' must be a positive number (got ${JSON.stringify(perSecond)})`);
  if (perMinute !== false && !(typeof perMinute === "number" && perMinute > 0)) {
    throw new ServiceTitanConfigError(`'rateLimit.reportingRequestsPerMinute' must be a positive number or false (got ${JSON.stringify(perMinute)})`);
  }
  // Whole requests per window: 0.5/s becomes 1 per 2 s.
  const window = (count: number, ms: number): RateLimit => (count >= 1 ? { requests: Math.floor(count), perMs: ms } : { requests: 1, perMs: ms / count });
  return {
    perSecond: window(perSecond, 1000),
    reporting: perMinute === false ? undefined : window(perMinute, 60_000),
    limiter: options?.limiter,
  };
}

function checkUrl(option: string, value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ServiceTitanConfigError(`'${option}' is not a valid URL (got ${JSON.stringify(value)})`);
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") throw new ServiceTitanConfigError(`'${option}' must be an http(s) URL`);
  return value.replace(/\/+$/, "");
}
