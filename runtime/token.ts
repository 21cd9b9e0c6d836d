import type { ResolvedConfig } from "./config.js";
import { ServiceTitanError } from "./errors.js";
import type { CachedToken, TokenStore } from "./token-store.js";

/** How long a shared refresh lock lives (a holder that dies blocks no one longer), and how often waiters look. */
const LOCK_TTL_MS = 10_000;
const LOCK_POLL_MS = 50;

/** Token requests in flight, per cache key, shared by every client in the process: one request, many waiters. */
const inFlight = new Map<string, Promise<CachedToken>>();

/** ServiceTitan tokens live 900 s; refresh a minute early (or a tenth of the life, if shorter) so none expires in flight. */
export function tokenSafetyMarginMs(expiresInSeconds: number): number {
  return Math.min(60_000, expiresInSeconds * 100);
}

export interface TokenProvider {
  /**
   * A valid access token: cached, or fetched once for all concurrent callers. A cached token in a store
   * that answers at once comes back as it is, not in a promise: that is every call but a few.
   */
  get(signal?: AbortSignal): string | Promise<string>;
  /** Forget `token` after a 401, unless a newer one has already replaced it. */
  invalidate(token: string): Promise<void>;
}

/** The secret is captured here and nowhere else: no client or error object holds it as a property. */
export function createTokenProvider(config: ResolvedConfig, clientSecret: string, store: TokenStore): TokenProvider {
  const key = `${config.authUrl}\n${config.clientId}`;
  const tokenUrl = `${config.authUrl}/connect/token`;

  const fetchToken = async (): Promise<CachedToken> => {
    const body = new URLSearchParams({ grant_type: "client_credentials", client_id: config.clientId, client_secret: clientSecret });
    let response: Response;
    try {
      const { fetch } = config; // called on its own, as in send.ts
      response = await fetch(tokenUrl, {
        method: "POST",
        headers: { "Content-Type": "application/x-www-form-urlencoded", Accept: "application/json" },
        body,
        signal: AbortSignal.timeout(config.timeoutMs),
      });
    } catch (error) {
      throw new ServiceTitanError({
        status: 0,
        title: `token request failed: ${(error as Error).message}`,
        method: "POST",
        url: tokenUrl,
        cause: error,
      });
    }
    const text = await response.text();
    const json = parseJson(text);
    if (!response.ok || typeof json?.access_token !== "string") {
      const reason = typeof json?.error === "string" ? `${json.error}${json.error_description ? `: ${json.error_description}` : ""}` : `HTTP ${response.status}`;
      throw new ServiceTitanError({
        status: response.status,
        title: `token request for client '${config.clientId}' failed (${reason})`,
        method: "POST",
        url: tokenUrl,
        traceId: typeof json?.traceId === "string" ? json.traceId : undefined,
      });
    }
    const expiresIn = typeof json.expires_in === "number" && json.expires_in > 0 ? json.expires_in : 900;
    const token = { accessToken: json.access_token, expiresAt: Date.now() + expiresIn * 1000 - tokenSafetyMarginMs(expiresIn) };
    await store.set(key, token);
    return token;
  };

  /** With a shared store, one process fetches while the others wait for the token to appear in it. */
  const fetchShared = async (): Promise<CachedToken> => {
    if (!store.lock) return fetchToken();
    const deadline = Date.now() + LOCK_TTL_MS;
    for (;;) {
      const release = await store.lock(key, LOCK_TTL_MS);
      if (release) {
        try {
          const fresh = await store.get(key); // another process may have finished just before
          return fresh && fresh.expiresAt > Date.now() ? fresh : await fetchToken();
        } finally {
          await release();
        }
      }
      await new Promise((resolve) => setTimeout(resolve, LOCK_POLL_MS));
      const cached = await store.get(key);
      if (cached && cached.expiresAt > Date.now()) return cached;
      if (Date.now() > deadline) return fetchToken(); // the holder died: its lock has expired by now anyway
    }
  };

  const get = (signal?: AbortSignal): string | Promise<string> => {
    const cached = store.get(key);
    if (isPromiseLike(cached)) return Promise.resolve(cached).then((token) => (isFresh(token) ? token.accessToken : refresh(signal)));
    return isFresh(cached) ? cached.accessToken : refresh(signal); // the hot path: nothing to wait for
  };

  const refresh = async (signal?: AbortSignal): Promise<string> => {
    let flight = inFlight.get(key);
    if (!flight) {
      flight = fetchShared().finally(() => inFlight.delete(key));
      inFlight.set(key, flight);
    }
    return (await (signal ? raceAbort(flight, signal) : flight)).accessToken;
  };

  return {
    get,
    async invalidate(token) {
      if (store.deleteIf) return store.deleteIf(key, token);
      const cached = await store.get(key);
      if (cached?.accessToken === token) await store.delete(key);
    },
  };
}

function isPromiseLike<T>(value: T | PromiseLike<T>): value is PromiseLike<T> {
  return typeof (value as PromiseLike<T> | undefined)?.then === "function";
}

function isFresh(token: CachedToken | undefined): token is CachedToken {
  return token !== undefined && token.expiresAt > Date.now();
}

function parseJson(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return value && typeof value === "object" ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** Lets one caller stop waiting for a shared token without cancelling it for the others. */
function raceAbort<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
  });
}
