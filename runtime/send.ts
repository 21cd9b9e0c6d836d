import type { ServiceTitanCore } from "./core.js";
import { onAbort } from "./abort.js";
import {
  AuthenticationError,
  bodyTooLargeError,
  displayUrl,
  networkError,
  noTokenError,
  scrubBody,
  ServiceTitanError,
  timeoutError,
} from "./errors.js";
import { callHook, log, visibleHeaders } from "./hooks.js";
import type { RateLimit } from "./rate-limit.js";
import { BodyTooLarge, readBody } from "./read-body.js";
import { decide, retryAfterMs, sleep, type Failure } from "./retry.js";

/** An error answer is read this far: enough for ServiceTitan's JSON problem or the start of an HTML page. */
const ERROR_BODY_BYTES = 64 * 1024;
const MAX_REDIRECTS = 5;

/** One call's settings (see `callSettings` in operation.ts); sending reads them and changes nothing in them. */
export interface CallSettings {
  operationId?: string;
  method: string;
  /** The caller's signal: it stops everything, waits included. */
  signal?: AbortSignal;
  /** Limit per request, from when it is sent until its body is read (ServiceTitan itself gives up after 100 s). */
  timeoutMs: number;
  /** POST/PATCH may be replayed after a 5xx, reset or timeout only when the caller says so. */
  replayAllowed: boolean;
  maxAttempts: number;
  /** Budgets each attempt must get a slot from (per app key and tenant; reporting has its own too). */
  limits: readonly { key: string; limit: RateLimit }[];
  /**
   * How a 2xx body is read. It is read within the attempt, under its timeout, so a body that stalls or
   * breaks off is retried like any timeout or reset; other statuses are read as text.
   */
  read: "text" | "bytes" | "blob" | "none";
}

/** The final answer, its body already read: a 2xx as `read` says, any other status as (at most 64 kB of) text. */
export interface Received {
  response: Response;
  body: string | ArrayBuffer | Blob | undefined;
  attempts: number;
  /** For a final 429: how long the server asked to wait. */
  retryAfterMs?: number;
}

/** A request to send: a body that can be sent again (a string, bytes or FormData), so retries can replay it. */
export interface Outgoing {
  url: string;
  method: string;
  /** Lower-case names (a plain object: cheaper for fetch than a Headers instance). */
  headers: Record<string, string>;
  body?: string | ArrayBuffer | FormData;
}

/** What one attempt came to: an answer (which may still be a retryable failure), or no answer. */
type Outcome =
  { response: Response; body: Received["body"]; failure?: Failure } | { error: ServiceTitanError; failure?: Failure };

/**
 * Sends one call. Each attempt takes a token, then a rate-limit slot, then the token again (it may have
 * expired while the call queued), sets `Authorization` and `ST-App-Key`, and runs under its own timeout
 * from the moment it is sent; a 401 drops the token and sends once more with a new one. Failures are
 * retried as `retry.ts` decides, waiting in a way the caller's signal can cut short. Resolves to the final
 * answer (ok or not); throws a ServiceTitanError when there was none, or the caller's abort reason.
 */
export async function sendCall(core: ServiceTitanCore, state: CallSettings, outgoing: Outgoing): Promise<Received> {
  const { hooks, logger } = core.config;
  for (let attempt = 1; ; attempt++) {
    const outcome = await tryOnce(core, state, outgoing, attempt);
    const decision = outcome.failure
      ? decide(outcome.failure, attempt, state.method, state.replayAllowed, {
          ...core.config.retry,
          maxAttempts: state.maxAttempts,
        })
      : { retry: false as const };
    if (!decision.retry) {
      if ("error" in outcome) throw outcome.error;
      const retryAfter = outcome.failure?.kind === "status" ? outcome.failure.retryAfterMs : undefined;
      return { response: outcome.response, body: outcome.body, attempts: attempt, retryAfterMs: retryAfter };
    }
    const reason = "error" in outcome ? outcome.error.title : `HTTP ${outcome.response.status}`;
    const delayMs = Math.round(decision.delayMs);
    const url = displayUrl(outgoing.url);
    callHook(
      hooks.onRetry,
      { operationId: state.operationId, method: state.method, url, attempt, reason, delayMs },
      logger,
    );
    log(
      logger,
      "warn",
      `ServiceTitan ${state.method} ${url}: ${reason} on attempt ${attempt}; retrying in ${delayMs} ms`,
    );
    await sleep(delayMs, state.signal);
  }
}

/**
 * The same for openapi-fetch's path-style calls, as the `fetch` it is given for one call: the body is read
 * here (bounded, under the attempt's timeout) and handed to openapi-fetch as a new Response.
 */
export function callFetch(core: ServiceTitanCore, state: CallSettings): (request: Request) => Promise<Response> {
  return async (request) => {
    if (!request.url.startsWith(`${core.config.apiUrl}/`))
      throw new TypeError(`a path-style call may only go to ${core.config.apiUrl}`);
    const body = request.body ? await request.arrayBuffer() : undefined; // read once, so it can be sent again
    const headers: Record<string, string> = {};
    request.headers.forEach((value, name) => (headers[name] = value));
    const { response, body: received } = await sendCall(core, state, {
      url: request.url,
      method: request.method,
      headers,
      body,
    });
    const empty = received === undefined || [101, 204, 205, 304].includes(response.status);
    // An error body reaches the caller as `error`: scrubbed, as errors are.
    const content = typeof received === "string" ? scrubBody(received, core.tokens.redact) : received;
    return new Response(empty ? null : (content as string | ArrayBuffer), {
      status: response.status,
      statusText: response.statusText,
      headers: response.headers,
    });
  };
}

/** One attempt: a token and a slot, the request (and, after a 401, once more), its body. */
async function tryOnce(
  core: ServiceTitanCore,
  state: CallSettings,
  outgoing: Outgoing,
  attempt: number,
): Promise<Outcome> {
  const clock = attemptClock(state);
  let phase: "token" | "request" | "reading the response" = "token";
  let response: Response | undefined;
  try {
    const ready = tokenAfterSlot(core, state);
    let token = typeof ready === "string" ? ready : await ready;
    phase = "request";
    response = await send(core, state, outgoing, token, clock.start(), attempt);
    if (response.status === 401) {
      await response.body?.cancel();
      await core.tokens.invalidate(token);
      phase = "token";
      token = await tokenAfterSlot(core, state);
      phase = "request";
      response = await send(core, state, outgoing, token, clock.start(), attempt);
    }
    phase = "reading the response";
    const { maxResponseBytes } = core.config;
    if (!response.ok) {
      const text = (await readBody(response, Math.min(ERROR_BODY_BYTES, maxResponseBytes), "text", true)) as string;
      return { response, body: text, failure: classify(response, text) };
    }
    if (state.read === "none") return { response, body: void (await response.body?.cancel()) };
    return { response, body: await readBody(response, maxResponseBytes, state.read) };
  } catch (error) {
    if (state.signal?.aborted) throw state.signal.reason;
    const context = {
      operationId: state.operationId,
      method: state.method,
      url: outgoing.url,
      attempts: attempt,
      cause: error,
    };
    // Final: the same request would bring the same body again.
    if (error instanceof BodyTooLarge) return { error: bodyTooLargeError(context, response!.status, error.maxBytes) };
    if (phase === "token") {
      if (!(error instanceof ServiceTitanError)) throw error; // a custom token store or limiter failed: its error, as it is
      // The token request failed, so this request never left: a refusal is final, anything else transient.
      const tokenError = noTokenError(context, error);
      return error instanceof AuthenticationError
        ? { error: tokenError }
        : { error: tokenError, failure: { kind: "not-sent" } };
    }
    if (clock.timedOut()) return { error: timeoutError(context, phase, state.timeoutMs), failure: { kind: "timeout" } };
    return { error: networkError(context, phase), failure: { kind: "network" } };
  } finally {
    clock.stop();
  }
}

/**
 * A token, waiting for one if need be, so that a slow token request holds no rate-limit slot; then the
 * slot; then the token again, since it may have expired while the call queued. In the hot path (a cached
 * token, a free slot) all of it is synchronous.
 */
function tokenAfterSlot(core: ServiceTitanCore, state: CallSettings): string | Promise<string> {
  const { limits, signal } = state;
  const first = core.tokens.get(signal);
  if (limits.length === 0) return first;
  let taken = 0;
  if (typeof first === "string")
    while (taken < limits.length && core.limiter.tryAcquire?.(limits[taken]!.key, limits[taken]!.limit)) taken++;
  if (taken === limits.length) return first; // no time passed: the token just read is still the one to use
  return (async () => {
    await first;
    for (const { key, limit } of limits.slice(taken)) await core.limiter.acquire(key, limit, signal);
    return core.tokens.get(signal);
  })();
}

/**
 * The attempt's time limit: a timer started when a request is sent (not while it waits for a token or a
 * slot) and stopped once its body is read, with the caller's signal folded in.
 */
function attemptClock(state: CallSettings) {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let controller: AbortController | undefined;
  let stopListening: (() => void) | undefined;
  const stop = () => {
    clearTimeout(timer);
    stopListening?.();
  };
  return {
    start(): AbortSignal {
      stop();
      const current = (controller = new AbortController());
      timer = setTimeout(
        () => current.abort(new DOMException("The operation was aborted due to timeout", "TimeoutError")),
        state.timeoutMs,
      );
      const { signal } = state;
      if (signal) {
        if (signal.aborted) current.abort(signal.reason);
        else stopListening = onAbort(signal, () => current.abort(signal.reason));
      }
      return current.signal;
    },
    stop,
    timedOut: () => controller?.signal.aborted === true,
  };
}

async function send(
  core: ServiceTitanCore,
  state: CallSettings,
  outgoing: Outgoing,
  token: string,
  signal: AbortSignal,
  attempt: number,
): Promise<Response> {
  const { url, method, body } = outgoing;
  const headers = { ...outgoing.headers, authorization: `Bearer ${token}`, "st-app-key": core.config.appKey };
  const { hooks, logger } = core.config;
  const observed = hooks.onRequest || hooks.onResponse || logger?.debug;
  const shown = observed ? displayUrl(url) : url;
  if (hooks.onRequest)
    callHook(
      hooks.onRequest,
      { operationId: state.operationId, method, url: shown, attempt, headers: visibleHeaders(headers) },
      logger,
    );
  const started = performance.now();
  const init = { method, headers, body, signal, redirect: "manual" as const };
  const { fetch } = core.config; // called on its own: a browser's fetch throws if `this` is not the window
  let response = await fetch(url, init);
  const { status } = response;
  if (status >= 300 && status < 400) response = await followRedirects(fetch, url, init, response);
  if (!observed) return response;
  const durationMs = Math.round(performance.now() - started);
  if (hooks.onResponse)
    callHook(
      hooks.onResponse,
      { operationId: state.operationId, method, url: shown, attempt, status: response.status, durationMs },
      logger,
    );
  log(logger, "debug", `ServiceTitan ${method} ${shown} → ${response.status} in ${durationMs} ms (attempt ${attempt})`);
  return response;
}

/**
 * Redirects are followed here, not by fetch: fetch drops `Authorization` when a redirect leaves the host,
 * but would carry `ST-App-Key` (and a 307's body) to wherever the server points. Off the API host only a
 * GET follows, without credentials (the three downloads the specs declare as a 302 need that).
 */
async function followRedirects(
  fetch: typeof globalThis.fetch,
  url: string,
  init: RequestInit & { headers: Record<string, string> },
  response: Response,
): Promise<Response> {
  for (let hops = 0; ; hops++) {
    const location = response.status >= 300 && response.status < 400 ? response.headers.get("location") : null;
    if (location === null || hops === MAX_REDIRECTS) return response;
    const next = new URL(location, url);
    const toGet =
      response.status === 303 || ((response.status === 301 || response.status === 302) && init.method === "POST");
    const method = toGet ? "GET" : init.method;
    let headers = init.headers;
    if (next.origin !== new URL(url).origin) {
      if (method !== "GET") return response; // a write is never sent to another host
      const { authorization: _bearer, "st-app-key": _appKey, ...rest } = headers;
      headers = rest;
    }
    await response.body?.cancel();
    init = { ...init, method, headers, body: toGet ? undefined : init.body };
    url = next.href;
    response = await fetch(url, init);
  }
}

/** Whether a non-2xx answer is worth another attempt: 429, 5xx, and reporting's 409 "suspended for maintenance". */
function classify(response: Response, text: string): Failure | undefined {
  const { status } = response;
  if (status !== 429 && status !== 409 && status < 500) return undefined;
  const title = status === 409 || status === 429 ? readTitle(text) : undefined;
  const maintenance = status === 409 && /maintenance/i.test(title ?? "");
  if (status === 409 && !maintenance) return undefined;
  return {
    kind: "status",
    status,
    retryAfterMs: retryAfterMs(response.headers.get("retry-after"), title),
    maintenance,
  };
}

function readTitle(text: string): string | undefined {
  try {
    const title = (JSON.parse(text) as { title?: unknown }).title;
    return typeof title === "string" ? title : undefined;
  } catch {
    return undefined;
  }
}
