import { resolveConfig, type ResolvedConfig, type ServiceTitanConfig } from "./config.js";
import { createTokenProvider, type TokenProvider } from "./token.js";
import { processTokenStore } from "./token-store.js";

const CORE = Symbol.for("servicetitan-client.core");

/** What every domain client of one `createServiceTitan` shares: config, tokens, the authorizing fetch. */
export interface ServiceTitanCore {
  readonly [CORE]: true;
  readonly config: ResolvedConfig;
  readonly tokens: TokenProvider;
  /** `fetch` that adds the bearer token and app key, and on a 401 refreshes the token and retries once. */
  readonly fetch: (request: Request) => Promise<Response>;
}

export function createCore(config: ServiceTitanConfig): ServiceTitanCore {
  const resolved = resolveConfig(config);
  const tokens = createTokenProvider(resolved, config.clientSecret, config.tokenStore ?? processTokenStore);
  return { [CORE]: true, config: resolved, tokens, fetch: authorizedFetch(resolved, tokens) };
}

export function isCore(value: unknown): value is ServiceTitanCore {
  return typeof value === "object" && value !== null && (value as Record<symbol, unknown>)[CORE] === true;
}

/** Domain clients take either a config (standalone import) or the core of a `createServiceTitan` client. */
export function toCore(configOrCore: ServiceTitanConfig | ServiceTitanCore): ServiceTitanCore {
  return isCore(configOrCore) ? configOrCore : createCore(configOrCore);
}

function authorizedFetch(config: ResolvedConfig, tokens: TokenProvider): (request: Request) => Promise<Response> {
  const send = async (request: Request): Promise<{ response: Response; token: string }> => {
    const token = await tokens.get(request.signal);
    request.headers.set("Authorization", `Bearer ${token}`);
    request.headers.set("ST-App-Key", config.appKey);
    return { response: await config.fetch(request), token };
  };
  return async (request) => {
    // A body can be sent once; keep a copy in case a 401 makes us send it again.
    const spare = request.body ? request.clone() : request;
    const first = await send(request);
    if (first.response.status !== 401) return first.response;
    await first.response.body?.cancel();
    await tokens.invalidate(first.token);
    return (await send(spare)).response;
  };
}
