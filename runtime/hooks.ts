import type { ServiceTitanError } from "./errors.js";

/** One request about to leave. `headers` show the bearer token as `Bearer [redacted]`. */
export interface RequestEvent {
  operationId?: string;
  method: string;
  url: string;
  /** 1 for the first try, 2 for the first retry, … */
  attempt: number;
  headers: Record<string, string>;
}

export interface ResponseEvent {
  operationId?: string;
  method: string;
  url: string;
  attempt: number;
  status: number;
  durationMs: number;
}

export interface RetryEvent {
  operationId?: string;
  method: string;
  url: string;
  /** The attempt that failed. */
  attempt: number;
  /** `HTTP 503`, `timeout`, `network error: ECONNRESET`, … */
  reason: string;
  /** How long the client waits before the next attempt. */
  delayMs: number;
}

/** Observe calls; hooks run synchronously, see no secret, and an exception in one is logged, not thrown. */
export interface Hooks {
  onRequest?(event: RequestEvent): void;
  onResponse?(event: ResponseEvent): void;
  onRetry?(event: RetryEvent): void;
  /** The error a call is about to throw. */
  onError?(error: ServiceTitanError): void;
}

/** `console` fits. Retries are logged at `warn`, each response at `debug`. */
export interface Logger {
  debug?(message: string): void;
  warn?(message: string): void;
}

export function callHook<E>(hook: ((event: E) => void) | undefined, event: E, logger: Logger | undefined): void {
  if (!hook) return;
  try {
    hook(event);
  } catch (error) {
    logger?.warn?.(`ServiceTitan client: a hook threw: ${(error as Error)?.message ?? error}`);
  }
}

/** Request headers (lower-case names) as hooks see them: the bearer token replaced. */
export function visibleHeaders(headers: Record<string, string>): Record<string, string> {
  return { ...headers, authorization: "Bearer [redacted]" };
}
