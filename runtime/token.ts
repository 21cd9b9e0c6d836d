import type { ResolvedConfig } from "./config.js";
import {
  badBearerTokenError,
  tokenAnswerError,
  tokenNetworkError,
  tokenRedirectError,
  tokenTimeoutError,
  type Redact,
  type TokenEndpoint,
} from "./errors.js";
import { onAbort } from "./abort.js";
import { readBody } from "./read-body.js";
import { sleep } from "./retry.js";
import type { CachedToken, TokenStore } from "./token-store.js";

/** How long a shared refresh lock lives (a holder that dies blocks no one longer), and how often waiters look. */
const LOCK_TTL_MS = 10_000;
const LOCK_POLL_MS = 50;
/** A token answer is a few hundred bytes; anything near this is not one. */
const MAX_TOKEN_RESPONSE_BYTES = 64 * 1024;
/** RFC 6750's b64token: what a bearer token may hold. Anything else (a line break) must never reach a header. */
const BEARER_TOKEN = /^[A-Za-z0-9\-._~+/]+=*$/;
/** Tokens remembered for redaction: the current one and a few it replaced (calls still in flight may carry them). */
const REMEMBERED_TOKENS = 4;

/**
 * One token request in flight per store and cache key, shared by every client in the process: one
 * request, many waiters. When the last waiter gives up (aborts), the request is cancelled, so nothing
 * it holds keeps the process alive.
 */
interface Flight {
  promise: Promise<CachedToken>;
  controller: AbortController;
  waiters: number;
}
const inFlight = new WeakMap<TokenStore, Map<string, Flight>>();

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
  /** Replaces the client secret and the tokens in use wherever they occur in `text`. */
  redact: Redact;
}

/** The secret is captured here and nowhere else: no client or error object holds it as a property. */
export function createTokenProvider(config: ResolvedConfig, clientSecret: string, store: TokenStore): TokenProvider {
  const key = `${config.authUrl}\n${config.clientId}`;
  const { tokenUrl } = config;
  const flights = inFlight.get(store) ?? new Map<string, Flight>();
  inFlight.set(store, flights);

  // The secret as sent (a form encodes it) and as written; tokens as they were handed out.
  const secrets = new Set([
    clientSecret,
    encodeURIComponent(clientSecret),
    new URLSearchParams({ s: clientSecret }).toString().slice(2),
  ]);
  const tokens: string[] = [];
  const remember = (token: string) => {
    if (tokens.includes(token)) return;
    tokens.push(token);
    if (tokens.length > REMEMBERED_TOKENS) tokens.shift();
  };
  // Case-insensitive: a server may write the form-encoded secret's %2b as %2B or the other way round.
  const redact: Redact = (text) => {
    const pattern = new RegExp(
      [...secrets, ...tokens].map((secret) => secret.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join("|"),
      "gi",
    );
    return text.replace(pattern, "[redacted]");
  };
  const endpoint: TokenEndpoint = { url: tokenUrl, clientId: config.clientId, redact };

  const fetchToken = async (signal: AbortSignal): Promise<CachedToken> => {
    const body = new URLSearchParams({
      grant_type: "client_credentials",
      client_id: config.clientId,
      client_secret: clientSecret,
    });
    let response: Response;
    let text: string;
    try {
      const { fetch } = config; // called on its own, as in send.ts
      response = await fetch(tokenUrl, {
        method: "POST",
        headers: {
          "content-type": "application/x-www-form-urlencoded",
          accept: "application/json",
          "user-agent": config.userAgent,
        },
        body,
        // A redirect would post the form, secret included, to wherever the server points: never follow one.
        redirect: "manual",
        signal: AbortSignal.any([signal, AbortSignal.timeout(config.timeoutMs)]),
      });
      text = (await readBody(response, MAX_TOKEN_RESPONSE_BYTES, "text")) as string;
    } catch (error) {
      if (signal.aborted) throw signal.reason;
      if ((error as Error)?.name === "TimeoutError") throw tokenTimeoutError(endpoint, config.timeoutMs, error);
      throw tokenNetworkError(endpoint, error);
    }
    if (response.status >= 300 && response.status < 400)
      throw tokenRedirectError(endpoint, response.status, response.headers.get("location"));
    const json = parseJson(text);
    if (!response.ok || typeof json?.access_token !== "string") throw tokenAnswerError(endpoint, response.status, json);
    if (!BEARER_TOKEN.test(json.access_token)) throw badBearerTokenError(endpoint, response.status);
    // At least a second: a token "valid for a microsecond" would be fetched again for every request.
    const expiresIn =
      typeof json.expires_in === "number" && json.expires_in > 0 && json.expires_in < 10 ** 7
        ? Math.max(1, json.expires_in)
        : 900;
    const token = {
      accessToken: json.access_token,
      expiresAt: Date.now() + expiresIn * 1000 - tokenSafetyMarginMs(expiresIn),
    };
    await store.set(key, token);
    return token;
  };

  /** With a shared store, one process fetches while the others wait for the token to appear in it. */
  const fetchShared = async (signal: AbortSignal): Promise<CachedToken> => {
    if (!store.lock) return fetchToken(signal);
    const deadline = Date.now() + LOCK_TTL_MS;
    for (;;) {
      const release = await store.lock(key, LOCK_TTL_MS);
      if (release) {
        try {
          const fresh = await store.get(key); // another process may have finished just before
          return fresh && fresh.expiresAt > Date.now() ? fresh : await fetchToken(signal);
        } finally {
          await release();
        }
      }
      await sleep(LOCK_POLL_MS, signal);
      const cached = await store.get(key);
      if (cached && cached.expiresAt > Date.now()) return cached;
      if (Date.now() > deadline) return fetchToken(signal); // the holder died: its lock has expired by now anyway
    }
  };

  const handOut = (token: CachedToken): string => {
    remember(token.accessToken);
    return token.accessToken;
  };

  const get = (signal?: AbortSignal): string | Promise<string> => {
    const cached = store.get(key);
    if (isPromiseLike(cached))
      return Promise.resolve(cached).then((token) => (isFresh(token) ? handOut(token) : refresh(signal)));
    return isFresh(cached) ? handOut(cached) : refresh(signal); // the hot path: nothing to wait for
  };

  const refresh = async (signal?: AbortSignal): Promise<string> => {
    if (signal?.aborted) throw signal.reason; // nobody waits: start nothing
    let flight = flights.get(key);
    if (!flight || flight.controller.signal.aborted) {
      const controller = new AbortController();
      const started: Flight = { promise: fetchShared(controller.signal), controller, waiters: 0 };
      started.promise
        .catch(() => {}) // its waiters see the failure; a flight nobody waits for any more must not be "unhandled"
        .finally(() => flights.get(key) === started && flights.delete(key));
      flights.set(key, (flight = started));
    }
    return handOut(await wait(flight, signal));
  };

  return {
    get,
    redact,
    async invalidate(token) {
      if (store.deleteIf) return store.deleteIf(key, token);
      const cached = await store.get(key);
      if (cached?.accessToken === token) await store.delete(key);
    },
  };
}

/** Waits for a shared flight; a waiter that aborts stops waiting, and the last one to leave cancels the request. */
function wait(flight: Flight, signal: AbortSignal | undefined): Promise<CachedToken> {
  flight.waiters++;
  return new Promise<CachedToken>((resolve, reject) => {
    let waiting = true;
    const leave = () => {
      waiting = false;
      stopListening?.();
      flight.waiters--;
    };
    const stopListening =
      signal &&
      onAbort(signal, () => {
        leave();
        if (flight.waiters === 0) flight.controller.abort(new Error("no caller waits for this token any more"));
        reject(signal.reason);
      });
    flight.promise.then(
      (token) => waiting && (leave(), resolve(token)),
      (error: unknown) => waiting && (leave(), reject(error)),
    );
  });
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
