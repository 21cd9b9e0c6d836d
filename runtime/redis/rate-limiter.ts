import { randomBytes } from "node:crypto";
import { grantSpacingMs, memoryRateLimiter, type RateLimiter } from "../rate-limit.js";
import { sleep } from "../retry.js";
import { hashedKey, redisGuard, type RedisLike, type RedisOptions } from "./fallback.js";

/**
 * A rolling window in a sorted set, on Redis's own clock: drop entries older than the window; if the last
 * grant was less than `spacing` ago, or the window is full, answer how many ms to wait (at least 1: Redis
 * turns Lua numbers into integers); else add this request and answer minus the grant time (Redis clock, ms).
 */
const SLIDING_WINDOW = `
local now = redis.call('TIME')
local ms = tonumber(now[1]) * 1000 + math.floor(tonumber(now[2]) / 1000)
local window = tonumber(ARGV[1])
local spacing = tonumber(ARGV[4])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ms - window)
local last = redis.call('ZRANGE', KEYS[1], -1, -1, 'WITHSCORES')
if last[2] and ms - tonumber(last[2]) < spacing then return math.max(1, math.ceil(spacing - (ms - tonumber(last[2])))) end
if redis.call('ZCARD', KEYS[1]) < tonumber(ARGV[2]) then
  redis.call('ZADD', KEYS[1], ms, ARGV[3])
  redis.call('PEXPIRE', KEYS[1], window)
  return -ms
end
local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
return tonumber(oldest[2]) + window - ms + 1
`;

/**
 * A request reaches ServiceTitan some time after its grant, and across busy processes that delay varies
 * more than inside one: the window is kept 100 ms longer than the limit's, and grants are spaced as in
 * memory (`grantSpacingMs`) so a full budget goes out as a stream. 60/s becomes, in the worst case, 60 per 1.1 s.
 */
const JITTER_GUARD_MS = 100;

/**
 * The 60 requests/s budget per (app key, tenant), shared by every process using the same Redis: a request
 * waits for a slot rather than fail. Not rate-limiter-flexible: its Redis limiters count fixed windows,
 * which let twice the limit through across a window boundary; ServiceTitan counts any second, so this is
 * the same rolling window as the in-process limiter, in one Lua script. When Redis is down each process
 * falls back to its own in-process budget (so N processes without Redis send up to N × 60/s), which already
 * holds the requests this process sent in the last window.
 */
export function redisRateLimiter(redis: RedisLike, options: RedisOptions = {}): RateLimiter {
  const prefix = options.prefix ?? "stgen:";
  const guarded = redisGuard(redis, options);
  // Every grant from Redis is counted here too, so the fallback's window starts with this process's
  // recent sends instead of empty (which let a second budget out in the second after Redis went down);
  // and it is the same 1.1 s window, so the switch changes nothing about the pace.
  const local = memoryRateLimiter({ guardMs: JITTER_GUARD_MS });
  return {
    async acquire(key, limit, signal) {
      // The key holds the app key: hash it, so no Redis key names an app.
      const name = `${prefix}limit:${hashedKey(key)}:${limit.requests}/${limit.perMs}`;
      for (;;) {
        if (signal?.aborted) throw signal.reason;
        const id = `${Date.now()}-${randomBytes(6).toString("hex")}`;
        const wait = await guarded(
          async () => {
            const spacing = grantSpacingMs(limit);
            return Number(
              await redis.eval(SLIDING_WINDOW, 1, name, limit.perMs + JITTER_GUARD_MS, limit.requests, id, spacing),
            );
          },
          async () => {
            await local.acquire(key, limit, signal);
            return 0;
          },
        );
        if (wait < 0) local.record(key, limit); // granted by Redis (the fallback's own grants are counted already)
        if (wait <= 0) return;
        await sleep(Math.min(wait, limit.perMs) + Math.random() * 5, signal); // a little jitter: processes do not all retry at once
      }
    },
  };
}
