/**
 * `servicetitan-client/redis`: one token and one rate-limit budget for many processes. Import it only
 * where Redis is used; the rest of the package never loads it.
 *
 *   import { Redis } from "ioredis";
 *   const redis = new Redis(process.env.REDIS_URL!, { lazyConnect: true, enableOfflineQueue: false, maxRetriesPerRequest: 0 });
 *   redis.on("error", () => {}); // the store and limiter report an outage once, naming its cause
 *   createServiceTitan({ ...config, tokenStore: redisTokenStore(redis), rateLimit: { limiter: redisRateLimiter(redis) } });
 *   await redis.connect().catch(() => {}); // Redis down at start-up: the in-process fallback until it is back
 */
export { redisTokenStore } from "./token-store.js";
export { redisRateLimiter } from "./rate-limiter.js";
export type { RedisLike, RedisOptions } from "./fallback.js";
