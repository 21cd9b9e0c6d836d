import type { ServiceTitanCore } from "./core.js";
import { createError, ServiceTitanError } from "./errors.js";
import { callHook, visibleHeaders } from "./hooks.js";
import type { RateLimit } from "./rate-limit.js";
import { decide, retryAfterMs, sleep, type Failure } from "./retry.js";

/** One call: its settings, and what happened (read by the caller to build its error). */
export interface CallState {
  operationId?: string;
  method: string;
  /** The caller's signal: it stops everything, waits included. */
  signal?: AbortSignal;
  /** Limit per attempt (ServiceTitan itself gives up after 100 s). */
  timeoutMs: number;
  /** POST/PATCH may be replayed after a 5xx, reset or timeout only when the caller says so. */
  replayAllowed: boolean;
  maxAttempts: number;
  /** Budgets each attempt must get a slot from (per app key and tenant; reporting has its own too). */
  limits: { key: string; limit: RateLimit }[];
  attempts: number;
  url?: string;
  /** For a final 429: how long the server asked to wait. */
  retryAfterMs?: number;
  /**
   * Generated methods: reads a 2xx body within the attempt, so a body that stalls or breaks off is retried
   * like any timeout or reset; the caller calls `settle` when done with the call (it may still read an
   * error body). Absent for path style: openapi-fetch reads the body after `sendCall` returns, so the
   * attempt's timeout must clean up after itself.
   */
  readBody?: (response: Response) => Promise<unknown>;
  /** Ends the current attempt's timeout; see `readBody`. */
  settle?: () => void;
}

/** The final answer: a 2xx with its body already read (with `readBody`), or any other status, unread. */
export interface Received {
  response: Response;
  body?: unknown;
}

type Outcome = (Received & { failure?: Failure }) | { error: ServiceTitanError; failure: Failure };

/** A request to send: a body that can be sent again (a string, bytes or FormData), so retries can replay it. */
export interface Outgoing {
  url: string;
  method: string;
  /** Lower-case names (a plain object: cheaper for fetch than a Headers instance). */
  headers: Record<string, string>;
  body?: string | ArrayBuffer | FormData;
}

/**
 * Sends one call. Each attempt takes a token (fresh if the cached one expired meanwhile), waits for a
 * rate-limit slot, sets `Authorization` and `ST-App-Key`, and runs under its own timeout; a 401 drops the
 * token and sends once more with a new one. Failures are retried as `retry.ts` decides, waiting in a way
 * the caller's signal can cut short. Resolves to the final answer (ok or not); throws for no answer.
 */
export async function sendCall(core: ServiceTitanCore, state: CallState, outgoing: Outgoing): Promise<Received> {
  const { hooks, logger } = core.config;
  state.url = outgoing.url;
  for (let attempt = 1; ; attempt++) {
    state.attempts = attempt;
    const outcome = await tryOnce(core, state, outgoing, attempt);
    if (!outcome.failure) return outcome as Received;
    if (outcome.failure.kind === "status") state.retryAfterMs = outcome.failure.retryAfterMs;
    const decision = decide(outcome.failure, attempt, state.method, state.replayAllowed, { ...core.config.retry, maxAttempts: state.maxAttempts });
    if (!decision.retry) {
      if ("error" in outcome) throw outcome.error;
      return outcome; // its reader settles the attempt
    }
    state.settle?.();
    if ("response" in outcome) await outcome.response.body?.cancel();
    const reason = "response" in outcome ? `HTTP ${outcome.response.status}` : outcome.error.title;
    const delayMs = Math.round(decision.delayMs);
    callHook(hooks.onRetry, { operationId: state.operationId, method: state.method, url: state.url, attempt, reason, delayMs }, logger);
    logger?.warn?.(`ServiceTitan ${state.method} ${state.url}: ${reason} on attempt ${attempt}; retrying in ${delayMs} ms`);
    await sleep(delayMs, state.signal);
  }
}

/** The same for openapi-fetch's path-style calls, as the `fetch` it is given for one call. */
export function callFetch(core: ServiceTitanCore, state: CallState): (request: Request) => Promise<Response> {
  return async (request) => {
    const body = request.body ? await request.arrayBuffer() : undefined; // read once, so it can be sent again
    const headers: Record<string, string> = {};
    request.headers.forEach((value, name) => (headers[name] = value));
    return (await sendCall(core, state, { url: request.url, method: request.method, headers, body })).response;
  };
}

/**
 * One attempt. The hot path (a cached token, a free rate-limit slot, a 2xx) awaits nothing but the
 * request and its body: on a loopback server each extra await was a measurable share of a call.
 */
async function tryOnce(core: ServiceTitanCore, state: CallState, outgoing: Outgoing, attempt: number): Promise<Outcome> {
  const signal = attemptSignal(state);
  let answered = false;
  try {
    const cached = core.tokens.get(signal);
    let token = typeof cached === "string" ? cached : await cached;
    let response = await send(core, state, outgoing, token, signal, attempt);
    if (response.status === 401) {
      await response.body?.cancel();
      await core.tokens.invalidate(token);
      token = await core.tokens.get(signal);
      response = await send(core, state, outgoing, token, signal, attempt);
    }
    if (!response.ok) return await classify(response);
    if (!state.readBody) return { response };
    answered = true;
    return { response, body: await state.readBody(response) };
  } catch (error) {
    const fail = (kind: "timeout" | "network", title: string) =>
      createError({ status: 0, title, kind, operationId: state.operationId, method: state.method, url: state.url, attempts: attempt, cause: error });
    if (state.signal?.aborted) throw state.signal.reason;
    if (error instanceof ServiceTitanError) {
      // The token request failed, so this request never left: a refusal is final, anything else transient.
      const refused = error.status === 400 || error.status === 401 || error.status === 403;
      const { status, title, traceId, method, url } = error;
      const tokenError = createError({ status, title, traceId, method, url, kind: refused ? "auth" : undefined, operationId: state.operationId, attempts: attempt, cause: error.cause });
      return { error: tokenError, failure: refused ? { kind: "status", status: error.status, maintenance: false } : { kind: "not-sent" } };
    }
    const what = answered ? "reading the response" : "request";
    if (signal.aborted) return { error: fail("timeout", `${what} timed out after ${state.timeoutMs} ms`), failure: { kind: "timeout" } };
    return { error: fail("network", `network error${answered ? " while reading the response" : ""}: ${describeCause(error)}`), failure: { kind: "network" } };
  }
}

/**
 * The attempt's signal: its timeout (which also covers reading the body), and the caller's abort if any.
 * For generated methods the timeout is a controller and a timer that `settle` clears once the body is
 * read: on a loopback call that measured 6 µs against 8 for `AbortSignal.timeout` (a weak timer and a
 * finalization registry), still the largest part of what this client adds to a call.
 */
function attemptSignal(state: CallState): AbortSignal {
  let timeout: AbortSignal;
  if (!state.readBody) {
    timeout = AbortSignal.timeout(state.timeoutMs); // nobody tells us when the body is read: a timer that cleans up itself
    state.settle = undefined;
  } else {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(new DOMException("The operation was aborted due to timeout", "TimeoutError")), state.timeoutMs);
    (timer as { unref?: () => void }).unref?.(); // the request itself keeps the process alive, not its timer
    timeout = controller.signal;
    state.settle = () => clearTimeout(timer);
  }
  return state.signal ? AbortSignal.any([state.signal, timeout]) : timeout;
}

async function send(core: ServiceTitanCore, state: CallState, outgoing: Outgoing, token: string, signal: AbortSignal, attempt: number): Promise<Response> {
  // The slot is taken last, just before the request leaves, so waiting for a token cannot bunch requests up.
  for (const { key, limit } of state.limits) {
    if (!core.limiter.tryAcquire?.(key, limit)) await core.limiter.acquire(key, limit, signal);
  }
  const { url, method, headers, body } = outgoing;
  headers.authorization = `Bearer ${token}`;
  headers["st-app-key"] = core.config.appKey;
  const { hooks, logger } = core.config;
  if (hooks.onRequest) callHook(hooks.onRequest, { operationId: state.operationId, method, url, attempt, headers: visibleHeaders(headers) }, logger);
  const started = performance.now();
  const { fetch } = core.config; // called on its own: a browser's fetch throws if `this` is not the window
  const response = await fetch(url, { method, headers, body, signal });
  const durationMs = Math.round(performance.now() - started);
  if (hooks.onResponse) callHook(hooks.onResponse, { operationId: state.operationId, method, url, attempt, status: response.status, durationMs }, logger);
  logger?.debug?.(`ServiceTitan ${method} ${url} → ${response.status} in ${durationMs} ms (attempt ${attempt})`);
  return response;
}

/** 429 and 409 need the body's title (the wait in "… N seconds.", the word "maintenance"): read it and pass on a copy. */
async function classify(response: Response): Promise<Outcome> {
  const { status } = response;
  if (response.ok || (status !== 429 && status !== 409 && status < 500)) return { response };
  const header = response.headers.get("retry-after");
  let title: string | undefined;
  if (status === 409 || (status === 429 && header === null)) {
    const text = await response.text();
    title = readTitle(text);
    response = new Response(text, { status, statusText: response.statusText, headers: response.headers });
  }
  const maintenance = status === 409 && /maintenance/i.test(title ?? "");
  if (status === 409 && !maintenance) return { response };
  return { response, failure: { kind: "status", status, retryAfterMs: retryAfterMs(header, title), maintenance } };
}

function readTitle(text: string): string | undefined {
  try {
    const title = (JSON.parse(text) as { title?: unknown }).title;
    return typeof title === "string" ? title : undefined;
  } catch {
    return undefined;
  }
}

function describeCause(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } })?.cause;
  return cause?.code ?? cause?.message ?? (error as Error)?.message ?? String(error);
}
