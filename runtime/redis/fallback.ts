import type { Logger } from "../hooks.js";

/** The part of a Redis client this package uses; an ioredis `Redis` (or `Cluster`) instance fits. */
export interface RedisLike {
  get(key: string): Promise<string | null>;
  set(key: string, value: string, px: "PX", ms: number, nx?: "NX"): Promise<unknown>;
  del(key: string): Promise<number>;
  eval(script: string, numKeys: number, ...args: (string | number)[]): Promise<unknown>;
}

export interface RedisOptions {
  /** Key prefix (default `stgen:`). Keys hold no secret: the client ID is hashed. */
  prefix?: string;
  /** Where "Redis is down, using the in-process fallback" and "Redis is back" go. Default: `console`. */
  logger?: Logger & { info?(message: string): void };
  /** A Redis call that takes longer fails over to the fallback (default 500 ms). */
  timeoutMs?: number;
}

/**
 * Runs Redis calls with a time limit; when Redis fails, says so once, runs the in-process fallback instead,
 * and keeps trying Redis at most once a second until it answers again. A caller's request never fails
 * because Redis is down.
 */
export function redisGuard(options: RedisOptions) {
  const logger = options.logger ?? console;
  const timeoutMs = options.timeoutMs ?? 500;
  let downSince: number | undefined;
  let lastTry = 0;
  return async function guarded<T>(call: () => Promise<T>, fallback: () => T | Promise<T>): Promise<T> {
    if (downSince !== undefined && Date.now() - lastTry < 1000) return fallback();
    lastTry = Date.now();
    let timer: ReturnType<typeof setTimeout> | undefined;
    try {
      const result = await Promise.race([
        call(),
        new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs))),
      ]);
      if (downSince !== undefined) {
        logger.info?.(`ServiceTitan client: Redis is back after ${Math.round((Date.now() - downSince) / 1000)} s; sharing tokens and limits through it again`);
        downSince = undefined;
      }
      return result;
    } catch (error) {
      if (downSince === undefined) {
        downSince = Date.now();
        logger.warn?.(`ServiceTitan client: Redis is unavailable (${(error as Error)?.message ?? error}); using the in-process token cache and rate limiter until it is back`);
      }
      return fallback();
    } finally {
      clearTimeout(timer);
    }
  };
}
