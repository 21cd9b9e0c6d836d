// One process of the fleet in bench/redis.mjs: N concurrent calls sharing token and limit through Redis.
import { Redis } from "ioredis";
import { createServiceTitan } from "../dist/generated/index.js";
import { redisRateLimiter, redisTokenStore } from "../dist/runtime/redis/index.js";

const [mockUrl, port, count] = process.argv.slice(2);
const redis = new Redis({
  port: Number(port),
  host: "127.0.0.1",
  lazyConnect: true,
  enableOfflineQueue: false,
  maxRetriesPerRequest: 0,
});
await redis.connect();
const st = createServiceTitan({
  clientId: "cid.mock-client",
  clientSecret: "cs1.mock-secret",
  appKey: "ak1.mock-app-key",
  tenant: "1234567",
  baseUrl: mockUrl,
  authUrl: mockUrl,
  tokenStore: redisTokenStore(redis),
  rateLimit: { limiter: redisRateLimiter(redis) },
});
await Promise.all(Array.from({ length: Number(count) }, (_, i) => st.crm.customers.get({ id: (i % 120) + 1 })));
redis.disconnect();
