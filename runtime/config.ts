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
}

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
}

const KNOWN_OPTIONS = new Set<string>([
  "clientId", "clientSecret", "appKey", "tenant", "environment", "baseUrl", "authUrl", "fetch", "timeoutMs", "tokenStore",
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
