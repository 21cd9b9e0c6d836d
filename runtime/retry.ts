import { onAbort } from "./abort.js";

/** How failed calls are retried; `retry: false` in the config turns retries off. */
export interface RetryOptions {
  /** Requests per call, the first included. Default 4. */
  maxAttempts?: number;
  /** First backoff step; each retry doubles it, and the wait is a random time up to it (full jitter). Default 500 ms. */
  baseDelayMs?: number;
  /** Longest backoff wait. Default 20 s. */
  maxDelayMs?: number;
  /** Longest `Retry-After` the client waits out; a 429 asking for more fails at once with a RateLimitError. Default 60 s. */
  maxRetryAfterMs?: number;
}

export type ResolvedRetry = Required<RetryOptions>;

export const DEFAULT_RETRY: ResolvedRetry = {
  maxAttempts: 4,
  baseDelayMs: 500,
  maxDelayMs: 20_000,
  maxRetryAfterMs: 60_000,
};

/** What went wrong with one attempt. */
export type Failure =
  | { kind: "status"; status: number; retryAfterMs?: number; maintenance: boolean }
  /** The request may have reached the server (timeout, reset): only idempotent calls may be replayed. */
  | { kind: "timeout" | "network" }
  /** The request never left (the token could not be had for a transient reason): safe to retry for any method. */
  | { kind: "not-sent" };

export type Decision = { retry: true; delayMs: number } | { retry: false };

const IDEMPOTENT = new Set(["GET", "HEAD", "OPTIONS", "PUT", "DELETE"]);
const TRANSIENT_STATUS = new Set([502, 503, 504]);

/**
 * Whether to try again after `attempt` failed, and after how long. 429 is retried for every method (the
 * server refused it unprocessed). 502/503/504, reporting's 409 "suspended for maintenance", resets and
 * timeouts are retried only for GET, PUT and DELETE, unless the caller allowed replaying this POST/PATCH.
 */
export function decide(
  failure: Failure,
  attempt: number,
  method: string,
  replayAllowed: boolean,
  policy: ResolvedRetry,
): Decision {
  if (attempt >= policy.maxAttempts) return { retry: false };
  const backoff = () => Math.random() * Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  if (failure.kind === "not-sent") return { retry: true, delayMs: backoff() };
  if (failure.kind === "status" && failure.status === 429) {
    if (failure.retryAfterMs === undefined) return { retry: true, delayMs: backoff() };
    return failure.retryAfterMs <= policy.maxRetryAfterMs
      ? { retry: true, delayMs: failure.retryAfterMs }
      : { retry: false };
  }
  const transient =
    failure.kind !== "status" ||
    TRANSIENT_STATUS.has(failure.status) ||
    (failure.status === 409 && failure.maintenance);
  if (!transient || !(IDEMPOTENT.has(method) || replayAllowed)) return { retry: false };
  const asked = failure.kind === "status" ? failure.retryAfterMs : undefined;
  return { retry: true, delayMs: asked !== undefined && asked <= policy.maxRetryAfterMs ? asked : backoff() };
}

/**
 * `Retry-After` as seconds (Reporting sends fractions: `1.5`) or an HTTP date; without a usable header,
 * ServiceTitan's "… try again in N seconds." title. A negative number or a text that is neither is
 * ignored (backoff applies), rather than read as "now".
 */
export function retryAfterMs(header: string | null, title: string | undefined): number | undefined {
  const value = header?.trim() ?? "";
  if (/^\d*\.?\d+$/.test(value)) return Number(value) * 1000;
  if (/^[A-Za-z]{3}/.test(value)) {
    const date = Date.parse(value);
    if (!Number.isNaN(date)) return Math.max(0, date - Date.now());
  }
  const seconds = title ? /(\d*\.?\d+)\s*seconds?\b/i.exec(title)?.[1] : undefined;
  return seconds === undefined ? undefined : Number(seconds) * 1000;
}

/** Waits, unless the caller aborts first. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted) return Promise.reject(signal.reason);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      stopListening?.();
      resolve();
    }, ms);
    const stopListening =
      signal &&
      onAbort(signal, () => {
        clearTimeout(timer);
        reject(signal.reason);
      });
  });
}
