import { resolveConfig, type ResolvedConfig, type ServiceTitanConfig } from "./config.js";
import { processRateLimiter, type RateLimiter } from "./rate-limit.js";
import { createTokenProvider, type TokenProvider } from "./token.js";
import { processTokenStore } from "./token-store.js";

const CORE = Symbol.for("servicetitan-client.core");

/** What every domain client of one `createServiceTitan` shares: config, tokens, the rate limiter. */
export interface ServiceTitanCore {
  readonly [CORE]: true;
  readonly config: ResolvedConfig;
  readonly tokens: TokenProvider;
  readonly limiter: RateLimiter;
}

export function createCore(config: ServiceTitanConfig): ServiceTitanCore {
  const resolved = resolveConfig(config);
  const tokens = createTokenProvider(resolved, config.clientSecret, config.tokenStore ?? processTokenStore);
  return { [CORE]: true, config: resolved, tokens, limiter: resolved.rateLimit?.limiter ?? processRateLimiter };
}

export function isCore(value: unknown): value is ServiceTitanCore {
  return typeof value === "object" && value !== null && (value as Record<symbol, unknown>)[CORE] === true;
}

/** Domain clients take either a config (standalone import) or the core of a `createServiceTitan` client. */
export function toCore(configOrCore: ServiceTitanConfig | ServiceTitanCore): ServiceTitanCore {
  return isCore(configOrCore) ? configOrCore : createCore(configOrCore);
}
