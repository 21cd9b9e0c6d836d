import { onAbort } from "./abort.js";

/** At most `requests` requests in any window of `perMs` milliseconds. */
export interface RateLimit {
  requests: number;
  perMs: number;
}

/**
 * Decides when a request may leave. The default keeps its state in this process; a shared one (Redis)
 * lets many processes share one budget. `key` names the budget (app key and tenant); it holds no secret.
 */
export interface RateLimiter {
  /** Resolves when the request may be sent (and counts it); rejects with the signal's reason if aborted while waiting. */
  acquire(key: string, limit: RateLimit, signal?: AbortSignal): Promise<void>;
  /** Optional: takes a slot at once if one is free and nobody waits (and counts it); false otherwise. Saves an await per call. */
  tryAcquire?(key: string, limit: RateLimit): boolean;
}

/**
 * Requests do not leave the instant they are granted: a guard keeps one window's stragglers out of the
 * next, and grants are spaced (see `grantSpacingMs`) so a full budget goes out as a stream, not a burst that
 * reaches the server bunched up.
 */
const JITTER_GUARD_MS = 25;
const MAX_SPACING_MS = 10;

/** The least time between two grants of one budget, for both limiters: half the even share of the window, at most 10 ms. */
export function grantSpacingMs(limit: RateLimit): number {
  return Math.min(limit.perMs / limit.requests / 2, MAX_SPACING_MS);
}

interface Waiter {
  resolve(): void;
  reject(reason: unknown): void;
  /** Stops listening to the caller's signal once the waiter is served. */
  stopListening?: () => void;
}

interface Budget {
  limit: RateLimit;
  /** Send times of the last `limit.requests` requests, oldest first. */
  sent: number[];
  queue: Waiter[];
  timer?: ReturnType<typeof setTimeout>;
}

export interface MemoryRateLimiter extends RateLimiter {
  /**
   * Counts a request that was let through elsewhere (by a shared limiter) as sent now, without waiting or
   * queueing: a shared limiter that falls back to this one starts from a window that holds them.
   */
  record(key: string, limit: RateLimit): void;
}

/**
 * A rolling window per key: a request leaves when fewer than N left in the last window, otherwise when the
 * oldest of the last N is a window old (plus the guard). Unlike a token bucket (which lets a full bucket plus a second's
 * refill through in one second), this never sends more than N in any window, which is how ServiceTitan
 * counts. Waiters are served in arrival order; one that aborts leaves the queue. `guardMs` (default 25)
 * is the guard added to the window.
 */
export function memoryRateLimiter(options: { guardMs?: number } = {}): MemoryRateLimiter {
  const budgets = new Map<string, Budget>();
  const guardMs = options.guardMs ?? JITTER_GUARD_MS;

  const drain = (budget: Budget) => {
    clearTimeout(budget.timer);
    budget.timer = undefined;
    while (budget.queue.length > 0) {
      const now = performance.now(); // monotonic and sub-millisecond: spacing at high rates is below 1 ms
      const at = readyAt(budget, now, guardMs);
      if (at > now) {
        budget.timer = setTimeout(() => drain(budget), at - now);
        return;
      }
      const waiter = budget.queue.shift()!;
      waiter.stopListening?.();
      grant(budget, now);
      waiter.resolve();
    }
  };

  const budgetOf = (key: string, limit: RateLimit) => {
    const budgetKey = `${key}\n${limit.requests}/${limit.perMs}`;
    let budget = budgets.get(budgetKey);
    if (!budget) budgets.set(budgetKey, (budget = { limit, sent: [], queue: [] }));
    return budget;
  };
  /** The common case: under the limit, nobody waiting. */
  const grantNow = (budget: Budget) => {
    if (budget.queue.length > 0) return false;
    const now = performance.now();
    if (readyAt(budget, now, guardMs) > now) return false;
    grant(budget, now);
    return true;
  };

  return {
    tryAcquire: (key, limit) => grantNow(budgetOf(key, limit)),
    record: (key, limit) => grant(budgetOf(key, limit), performance.now()),
    acquire(key, limit, signal) {
      if (signal?.aborted) return Promise.reject(signal.reason);
      const target = budgetOf(key, limit);
      if (grantNow(target)) return Promise.resolve();
      return new Promise<void>((resolve, reject) => {
        const waiter: Waiter = { resolve, reject };
        if (signal) {
          waiter.stopListening = onAbort(signal, () => {
            const index = target.queue.indexOf(waiter);
            if (index >= 0) target.queue.splice(index, 1);
            reject(signal.reason);
            drain(target); // the next waiter may be able to go now
          });
        }
        target.queue.push(waiter);
        if (target.queue.length === 1) drain(target);
      });
    },
  };
}

/** When the next request may leave: the window has room (plus the guard) and the spacing has passed. */
function readyAt(budget: Budget, now: number, guardMs: number): number {
  const { requests, perMs } = budget.limit;
  const windowFreeAt =
    budget.sent.length < requests ? now : budget.sent[budget.sent.length - requests]! + perMs + guardMs;
  const spacedAt = (budget.sent.at(-1) ?? -Infinity) + grantSpacingMs({ perMs, requests });
  return Math.max(windowFreeAt, spacedAt);
}

function grant(budget: Budget, now: number): void {
  budget.sent.push(now);
  if (budget.sent.length > budget.limit.requests) budget.sent.splice(0, budget.sent.length - budget.limit.requests);
}

/** The process-wide default: clients with the same app key and tenant share one budget. */
export const processRateLimiter: RateLimiter = memoryRateLimiter();
