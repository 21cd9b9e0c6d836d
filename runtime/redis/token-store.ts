import { randomBytes } from "node:crypto";
import { memoryTokenStore, type CachedToken, type TokenStore } from "../token-store.js";
import { hashedKey, redisGuard, type RedisLike, type RedisOptions } from "./fallback.js";

const DELETE_IF_EQUAL = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) else return 0 end`;

/**
 * Tokens shared by every process that uses the same Redis: one token request per (auth URL, client ID) per
 * token life across the fleet. The process that finds no valid token takes a short lock (SET NX PX) and
 * fetches; the others wait for the token to appear. Entries expire with the token. When Redis is down,
 * each process falls back to its own cache (see `redisGuard`).
 */
export function redisTokenStore(redis: RedisLike, options: RedisOptions = {}): TokenStore {
  const prefix = options.prefix ?? "stgen:";
  const guarded = redisGuard(redis, options);
  const local = memoryTokenStore();
  // The cache key holds the auth URL and client ID: hash it, so no Redis key names a client.
  const name = (key: string) => `${prefix}token:${hashedKey(key)}`;
  const tokenValue = (token: CachedToken) => `${token.expiresAt}:${token.accessToken}`;

  return {
    // A valid token this process already holds is used without asking Redis (one round trip less per call);
    // if another process dropped it after a 401, this one meets the 401 too and takes the new token.
    async get(key) {
      const mine = await local.get(key);
      if (mine && mine.expiresAt > Date.now()) return mine;
      return guarded(
        async () => {
          const value = await redis.get(name(key));
          if (!value) return undefined;
          const split = value.indexOf(":");
          const shared = { expiresAt: Number(value.slice(0, split)), accessToken: value.slice(split + 1) };
          await local.set(key, shared);
          return shared;
        },
        () => local.get(key),
      );
    },
    async set(key, token) {
      await local.set(key, token);
      await guarded(
        async () => {
          const ttl = token.expiresAt - Date.now();
          if (ttl > 0) await redis.set(name(key), tokenValue(token), "PX", ttl);
        },
        () => {},
      );
    },
    async delete(key) {
      await local.delete(key);
      await guarded(
        async () => void (await redis.del(name(key))),
        () => {},
      );
    },
    async deleteIf(key, accessToken) {
      if ((await local.get(key))?.accessToken === accessToken) await local.delete(key);
      await guarded(
        async () => {
          const current = await redis.get(name(key));
          if (current?.slice(current.indexOf(":") + 1) === accessToken)
            await redis.eval(DELETE_IF_EQUAL, 1, name(key), current);
        },
        () => {},
      );
    },
    lock: (key, ttlMs) =>
      guarded(
        async () => {
          const lockKey = `${name(key)}:lock`;
          const owner = randomBytes(12).toString("hex");
          const taken = await redis.set(lockKey, owner, "PX", ttlMs, "NX");
          if (taken !== "OK") return null;
          return async () =>
            void (await guarded(
              () => redis.eval(DELETE_IF_EQUAL, 1, lockKey, owner),
              () => 0,
            ));
        },
        () => async () => {}, // without Redis, this process's own single flight is the lock
      ),
  };
}
