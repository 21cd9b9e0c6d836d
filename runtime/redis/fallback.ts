import { createHash } from "node:crypto";
import { describeThrown } from "../errors.js";
import type { Logger } from "../hooks.js";

/**
 * The part of a Redis client this package uses; an ioredis `Redis` (or `Cluster`) instance fits. A client
 * that also has `on` (ioredis does) is listened to for `error` (the warning names the cause) and `ready`.
 */
export interface RedisLike {
  get(key: string): Promise<string | null>;
  set(key: string, value: string, px: "PX", ms: number, nx?: "NX"): Promise<unknown>;
  del(key: string): Promise<number>;
  eval(script: string, numKeys: number, ...args: (string | number)[]): Promise<unknown>;
}

export interface RedisOptions {
  /** Key prefix (default `stgen:`). Keys hold no secret: the client ID and the app key are hashed. */
  prefix?: string;
  /**
   * Where "Redis is down, using the in-process fallback" and "Redis is back" go. Default: `console`. The
   * token store and the rate limiter on one Redis client share one such pair of lines.
   */
  logger?: Logger & { info?(message: string): void };
  /** A Redis call that takes longer fails over to the fallback (default 500 ms). */
  timeoutMs?: number;
}

/** A key part that may name a client or an app (auth URL and client ID, app key and tenant), as it goes into a Redis key name. */
export const hashedKey = (key: string): string => createHash("sha256").update(key).digest("hex").slice(0, 32);

/**
 * Takes secrets out of a message about Redis: a URL's userinfo (`redis://user:password@host` becomes
 * `redis://[redacted]@host`) and the password the client was given, should a message quote it.
 */
export function scrubRedisMessage(message: string, redis?: object): string {
  let text = message.replace(/\/\/[^\s@]*@/g, "//[redacted]@");
  const password = (redis as { options?: { password?: unknown } } | undefined)?.options?.password;
  if (typeof password === "string" && password.length >= 4) text = text.split(password).join("[redacted]");
  return text;
}

type RedisLogger = NonNullable<RedisOptions["logger"]>;

/** The health of one Redis client, shared by every store and limiter that uses it: one warning, one "is back". */
interface Health {
  /** When a call to Redis first failed; undefined while Redis answers. */
  downSince?: number;
  lastTry: number;
  /** Whether the client reports its connection errors (`on("error")`, as ioredis does). */
  listening: boolean;
  /** The client's last connection error since it was last ready (WRONGPASS, NOAUTH, ECONNREFUSED…), scrubbed. */
  connectionError?: string;
  /** A warning not logged yet: it waits a moment for the client to say why it cannot connect. */
  pending?: { logger: RedisLogger; reason: string; timer: ReturnType<typeof setTimeout> };
  /** Where the warning went, so the "is back" line goes there too. */
  warned?: RedisLogger;
}
const healthOf = new WeakMap<object, Health>();

function health(redis: RedisLike): Health {
  const known = healthOf.get(redis);
  if (known) return known;
  const state: Health = { lastTry: 0, listening: false };
  healthOf.set(redis, state);
  const emitter = redis as { on?: (event: string, listener: (arg?: unknown) => void) => unknown };
  if (typeof emitter.on === "function") {
    state.listening = true;
    // A listener also keeps ioredis from printing "Unhandled error event" on every reconnect.
    emitter.on.call(redis, "error", (error) => {
      state.connectionError = scrubRedisMessage(describeThrown(error), redis);
      if (state.pending) announce(state);
    });
    emitter.on.call(redis, "ready", () => {
      state.connectionError = undefined;
      state.lastTry = 0; // connected (again): the next call tries Redis at once
      if (state.pending) {
        // Failed while still connecting (a call right at start-up) and connected within a moment: nothing to report.
        clearTimeout(state.pending.timer);
        state.pending = undefined;
        state.downSince = undefined;
      }
    });
  }
  return state;
}

function announce(state: Health): void {
  const pending = state.pending!;
  clearTimeout(pending.timer);
  state.pending = undefined;
  state.warned = pending.logger;
  pending.logger.warn?.(
    `ServiceTitan client: Redis is unavailable (${state.connectionError ?? pending.reason}); using the in-process token cache and rate limiter until it is back`,
  );
}

/**
 * Runs Redis calls with a time limit; when Redis fails, says so once, runs the in-process fallback instead,
 * and keeps trying Redis at most once a second (at once when the client reconnects) until it answers
 * again. A caller's request never fails because Redis is down. Every guard on one client object shares
 * its state: one warning and one "is back" line per client, however many stores and limiters use it.
 *
 * The warning names the cause: the client's last connection error when it reports them (ioredis: an
 * `error` event, so a wrong password reads "WRONGPASS …", not "Stream isn't writeable"). A call that fails
 * before the client has said why waits up to `timeoutMs` for it; the call itself goes on with the fallback
 * at once. Messages never hold the password or a URL's userinfo.
 */
export function redisGuard(redis: RedisLike, options: RedisOptions) {
  const logger = options.logger ?? console;
  const timeoutMs = options.timeoutMs ?? 500;
  const state = health(redis);
  return async function guarded<T>(call: () => Promise<T>, fallback: () => T | Promise<T>): Promise<T> {
    if (state.downSince !== undefined && Date.now() - state.lastTry < 1000) return fallback();
    state.lastTry = Date.now();
    let timer: ReturnType<typeof setTimeout> | undefined;
    let timedOut = false;
    try {
      const result = await Promise.race([
        call(),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => {
            timedOut = true;
            reject(new Error(`no answer within ${timeoutMs} ms`));
          }, timeoutMs);
        }),
      ]);
      if (state.downSince !== undefined) {
        if (state.pending) {
          clearTimeout(state.pending.timer); // back before the warning went out: say neither
          state.pending = undefined;
        } else {
          (state.warned ?? logger).info?.(
            `ServiceTitan client: Redis is back after ${Math.round((Date.now() - state.downSince) / 1000)} s; sharing tokens and limits through it again`,
          );
        }
        state.downSince = undefined;
        state.warned = undefined;
      }
      return result;
    } catch (error) {
      if (state.downSince === undefined) {
        state.downSince = Date.now();
        const reason = scrubRedisMessage(describeThrown(error), redis);
        // Not unref'd: a process that fell back and is about to end still says why (at most `timeoutMs` later).
        const wait = setTimeout(() => state.pending && announce(state), timeoutMs);
        state.pending = { logger, reason, timer: wait };
        // A call that went unanswered has already given the client `timeoutMs` to say why.
        if (!state.listening || state.connectionError !== undefined || timedOut) announce(state);
      }
      return fallback();
    } finally {
      clearTimeout(timer);
    }
  };
}
