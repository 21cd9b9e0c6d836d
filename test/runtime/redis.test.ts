import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { createHash } from "node:crypto";
import { createServer } from "node:net";
import path from "node:path";
import { Redis, type RedisOptions as IORedisOptions } from "ioredis";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { createServiceTitan } from "../../generated/index.js";
import { MOCK_CREDENTIALS, startMockServer, type MockServer } from "../../generator/mock/index.js";
import { redisRateLimiter, redisTokenStore, type RedisLike } from "../../runtime/redis/index.js";
import { ROOT, runProcess } from "../helpers.js";

/**
 * Many processes, one ServiceTitan budget: token and rate limit shared through a real redis-server on
 * 127.0.0.1 (Debian's redis-server; .ci/run installs it, this file starts and stops its own). Every client
 * uses `authUrl: mock.url` (so the same token cache key): tests keep apart by their Redis key `prefix`, or
 * by a redis-server of their own.
 */
let port: number;
let mock: MockServer;

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port: free } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return free;
}

/** A redis-server on 127.0.0.1:`port`, started and stopped (SIGKILL, as a crash) by the test. */
class RedisProcess {
  private child: ChildProcess | undefined;
  constructor(
    readonly port: number,
    private readonly extraArgs: string[] = [],
    private readonly password?: string,
  ) {}

  async start(): Promise<void> {
    if (spawnSync("redis-server", ["--version"]).error) {
      throw new Error(
        "redis-server is not installed: run `apt-get install redis-server` (.ci/run does) — these tests need a real one",
      );
    }
    const args = [
      "--port",
      String(this.port),
      "--bind",
      "127.0.0.1",
      "--save",
      "",
      "--appendonly",
      "no",
      ...this.extraArgs,
    ];
    this.child = spawn("redis-server", args, { stdio: "ignore" });
    for (let i = 0; i < 100; i++) {
      const probe = new Redis({
        port: this.port,
        host: "127.0.0.1",
        password: this.password,
        lazyConnect: true,
        enableOfflineQueue: false,
        maxRetriesPerRequest: 0,
        retryStrategy: () => null,
      });
      probe.on("error", () => {}); // refused until the server is up
      try {
        await probe.connect();
        if ((await probe.ping()) === "PONG") return;
      } catch {
        await new Promise((resolve) => setTimeout(resolve, 50));
      } finally {
        probe.disconnect();
      }
    }
    throw new Error(`redis-server did not start on port ${this.port}`);
  }

  async stop(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once("exit", resolve));
    child.kill("SIGKILL");
    await exited;
  }
}
const servers: RedisProcess[] = [];
async function startRedisServer(
  options: { port?: number; args?: string[]; password?: string } = {},
): Promise<RedisProcess> {
  const server = new RedisProcess(options.port ?? (await freePort()), options.args, options.password);
  servers.push(server);
  await server.start();
  return server;
}
let main: RedisProcess;

/** ioredis as the README advises: no offline queue (fail fast while down), reconnecting every 100 ms here. */
function redisOptions(redisPort = port): IORedisOptions {
  return {
    port: redisPort,
    host: "127.0.0.1",
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    retryStrategy: () => 100,
  };
}
/** A connected client that fails fast while the server is down. */
async function client(redisPort = port): Promise<Redis> {
  const redis = new Redis({ ...redisOptions(redisPort), lazyConnect: true });
  redis.on("error", () => {}); // connection errors while the test stops the server are expected
  await redis.connect();
  return redis;
}
const clients: Redis[] = [];
afterEach(() => {
  for (const redis of clients.splice(0)) redis.disconnect();
});

function recorder() {
  const lines: string[] = [];
  const logger = {
    warn: (line: string) => lines.push(`warn ${line}`),
    info: (line: string) => lines.push(`info ${line}`),
    debug: (line: string) => lines.push(`debug ${line}`),
  };
  return {
    lines,
    logger,
    warnings: () => lines.filter((line) => line.startsWith("warn")),
    backs: () => lines.filter((line) => line.includes("Redis is back")),
  };
}
async function until(condition: () => boolean, ms = 3000): Promise<void> {
  for (const started = Date.now(); !condition();) {
    if (Date.now() - started > ms) throw new Error(`not within ${ms} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
/** The most of `times` (ms) that fall in any rolling second. */
function busiestSecond(times: number[]): number {
  const sorted = [...times].sort((a, b) => a - b);
  let busiest = 0;
  for (let i = 0, j = 0; i < sorted.length; i++) {
    while (sorted[i]! - sorted[j]! >= 1000) j++;
    busiest = Math.max(busiest, i - j + 1);
  }
  return busiest;
}

/** The most of `times` in any rolling second that holds the moment `at`. */
function busiestAround(times: number[], at: number): number {
  const sorted = [...times].sort((a, b) => a - b);
  let busiest = 0;
  for (let i = 0; i < sorted.length && sorted[i]! <= at; i++) {
    if (sorted[i]! <= at - 1000) continue;
    let j = i;
    while (j < sorted.length && sorted[j]! - sorted[i]! < 1000) j++;
    busiest = Math.max(busiest, j - i);
  }
  return busiest;
}

beforeAll(async () => {
  main = await startRedisServer();
  port = main.port;
  mock = await startMockServer({ faults: { rateLimitPerSecond: 60, tokenDelayMs: 100 } });
}, 30_000);
afterAll(async () => {
  await mock?.close();
  for (const server of servers) await server.stop();
});

describe("shared through Redis", () => {
  it("4 processes × 250 concurrent calls: one token request, never over 60 requests in any second, all complete", async () => {
    const tsx = path.join(ROOT, "node_modules/tsx/dist/cli.mjs");
    const worker = path.join(ROOT, "test/fixtures/redis-worker.ts");
    const runs = await Promise.all(
      Array.from({ length: 4 }, () => runProcess(process.execPath, [tsx, worker, mock.url, String(port), "250"])),
    );
    const sent: number[] = [];
    for (const run of runs) {
      expect(run.stderr).toBe("");
      const result = JSON.parse(run.stdout) as { ok: number; failures: string[]; granted: number[] };
      expect(result).toMatchObject({ ok: 250, failures: [] });
      sent.push(...result.granted);
    }
    expect(mock.tokenRequests).toBe(1);
    // When the shared limiter let requests go, on Redis's one clock, across all four processes: every
    // request (retries included) got a grant, and never more than 60 in any second.
    expect(sent.length).toBe(mock.apiRequests().length);
    expect(busiestSecond(sent)).toBeLessThanOrEqual(60);
    // The mock counts arrivals, which network and event-loop delays can bunch: a rare 429 is retried.
    expect(mock.apiRequests().filter((r) => r.status === 429).length).toBeLessThanOrEqual(50);
  }, 90_000);

  it("a 401 drops the shared token once; key names hold no client ID and the stored token is not logged", async () => {
    const redis = await client();
    clients.push(redis);
    const { lines, logger } = recorder();
    const store = redisTokenStore(redis, { logger });
    const make = () =>
      createServiceTitan({
        ...MOCK_CREDENTIALS,
        baseUrl: mock.url,
        authUrl: mock.url,
        tokenStore: store,
        rateLimit: false,
        logger,
      });
    await make().crm.customers.get({ id: 1 });
    const before = mock.tokenRequests;
    mock.expireTokens();
    await Promise.all([make().crm.customers.get({ id: 2 }), make().crm.customers.get({ id: 3 })]);
    expect(mock.tokenRequests - before).toBe(1);
    const keys = await redis.keys("*");
    expect(keys.length).toBeGreaterThan(0);
    for (const key of keys) expect(key).not.toContain(MOCK_CREDENTIALS.clientId);
    for (const token of mock.issuedTokens()) for (const line of lines) expect(line).not.toContain(token);
  });

  it("rate-limit and token key names hold neither the app key nor the client ID", async () => {
    const redis = await client();
    clients.push(redis);
    const options = { prefix: "names:" };
    const st = createServiceTitan({
      ...MOCK_CREDENTIALS,
      baseUrl: mock.url,
      authUrl: mock.url,
      tokenStore: redisTokenStore(redis, options),
      rateLimit: { limiter: redisRateLimiter(redis, options) },
    });
    await Promise.all([1, 2, 3].map((id) => st.crm.customers.get({ id })));
    const keys = await redis.keys("names:*"); // the limiter's window lives 1.1 s: read it at once
    expect(keys.some((key) => key.startsWith("names:limit:"))).toBe(true);
    expect(keys.some((key) => key.startsWith("names:token:"))).toBe(true);
    for (const key of await redis.keys("*")) {
      expect(key).not.toContain(MOCK_CREDENTIALS.appKey);
      expect(key).not.toContain(MOCK_CREDENTIALS.clientId);
    }
  });

  it("a lock holder that died holds the others up no longer than its lock's TTL", async () => {
    const redis = await client();
    clients.push(redis);
    // A process took the refresh lock (here for 1.5 s) and died before fetching or releasing. The key is the
    // one runtime/token.ts computes (auth URL without trailing slash, a line break, client ID), hashed.
    const key = createHash("sha256").update(`${mock.url}\n${MOCK_CREDENTIALS.clientId}`).digest("hex").slice(0, 32);
    await redis.set(`dead-holder:token:${key}:lock`, "a-process-that-died", "PX", 1500);
    const before = mock.tokenRequests;
    const started = Date.now();
    const st = createServiceTitan({
      ...MOCK_CREDENTIALS,
      baseUrl: mock.url,
      authUrl: mock.url,
      tokenStore: redisTokenStore(redis, { prefix: "dead-holder:" }),
      rateLimit: false,
    });
    expect((await st.crm.customers.get({ id: 1 })).id).toBe(1);
    const waited = Date.now() - started;
    expect(waited).toBeGreaterThanOrEqual(1400);
    expect(waited).toBeLessThan(5000);
    expect(mock.tokenRequests - before).toBe(1);
  });

  it("when Redis goes down, calls go on with the in-process fallback and one warning; when it is back, it is used again", async () => {
    const redis = await client();
    clients.push(redis);
    const { lines, logger, warnings, backs } = recorder();
    const redisLike: RedisLike = redis;
    const st = createServiceTitan({
      ...MOCK_CREDENTIALS,
      baseUrl: mock.url,
      authUrl: mock.url,
      tokenStore: redisTokenStore(redisLike, { logger, prefix: "down:" }),
      rateLimit: { limiter: redisRateLimiter(redisLike, { logger, prefix: "down:" }) },
    });
    await st.crm.customers.get({ id: 1 });
    expect(lines).toEqual([]);

    await main.stop();
    mock.expireTokens(); // the token store meets the outage too (a 401 drops the shared token), not only the limiter
    const during = await Promise.all(Array.from({ length: 20 }, (_, i) => st.crm.customers.get({ id: i + 1 })));
    expect(during).toHaveLength(20);
    await until(() => warnings().length > 0);
    await new Promise((resolve) => setTimeout(resolve, 600)); // past the moment a second warning would go out
    expect(warnings()).toHaveLength(1); // one for the client, not one per part
    expect(lines[0]).toMatch(
      /Redis is unavailable .*using the in-process token cache and rate limiter until it is back/,
    );

    await main.start();
    await until(() => redis.status === "ready"); // ioredis reconnected: the next call tries Redis at once, not up to 1 s later
    await st.crm.customers.get({ id: 5 });
    await st.crm.customers.get({ id: 6 });
    expect(backs()).toHaveLength(1);
    expect(backs()[0]).toMatch(/^info /);
    expect((await redis.keys("down:*")).length).toBeGreaterThan(0);
  }, 30_000);

  it("a token store and a limiter on one client, Redis down from the start: one warning, one 'is back'", async () => {
    const downPort = await freePort();
    const redis = new Redis(redisOptions(downPort)); // connects in the background: refused
    clients.push(redis);
    const { logger, warnings, backs } = recorder();
    const st = createServiceTitan({
      ...MOCK_CREDENTIALS,
      baseUrl: mock.url,
      authUrl: mock.url,
      tokenStore: redisTokenStore(redis, { logger, prefix: "one-warning:" }),
      rateLimit: { limiter: redisRateLimiter(redis, { logger, prefix: "one-warning:" }) },
    });
    // No valid token in this store yet: both the store and the limiter ask Redis, and both meet the outage.
    const calls = await Promise.all([1, 2, 3].map((id) => st.crm.customers.get({ id })));
    expect(calls.map((customer) => customer.id)).toEqual([1, 2, 3]);
    await until(() => warnings().length > 0);
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect(warnings()).toHaveLength(1);
    expect(warnings()[0]).toContain("ECONNREFUSED"); // the client's own connection error, not "Stream isn't writeable"

    await startRedisServer({ port: downPort });
    await until(() => redis.status === "ready");
    await Promise.all([4, 5].map((id) => st.crm.customers.get({ id })));
    expect(backs()).toHaveLength(1);
    expect(warnings()).toHaveLength(1);
  }, 30_000);

  it("a wrong Redis password: the warning names the authentication failure, never the password, and ioredis prints nothing", async () => {
    const password = "right-horse-battery-staple";
    const wrong = "wrong-pass-7f3a9c";
    const secured = await startRedisServer({ args: ["--requirepass", password], password });
    const printed = vi.spyOn(console, "error").mockImplementation(() => {});
    try {
      // No `error` listener of the test's own: the store and limiter's listener is what keeps ioredis quiet.
      // Each client connects in the background, as the README's example does, and calls at once.
      const made: [() => Redis, RegExp][] = [
        [() => new Redis({ ...redisOptions(secured.port), password: wrong }), /WRONGPASS/],
        [
          () =>
            new Redis(`redis://someone:${wrong}@127.0.0.1:${secured.port}`, {
              enableOfflineQueue: false,
              maxRetriesPerRequest: 0,
              retryStrategy: () => 100,
            }),
          /WRONGPASS/,
        ],
        [() => new Redis(redisOptions(secured.port)), /NOAUTH/],
      ];
      for (const [make, cause] of made) {
        const redis = make();
        clients.push(redis);
        const { lines, logger, warnings } = recorder();
        const st = createServiceTitan({
          ...MOCK_CREDENTIALS,
          baseUrl: mock.url,
          authUrl: mock.url,
          tokenStore: redisTokenStore(redis, { logger, prefix: "auth:" }),
          rateLimit: { limiter: redisRateLimiter(redis, { logger, prefix: "auth:" }) },
        });
        expect((await st.crm.customers.get({ id: 7 })).id).toBe(7); // through the fallback
        await until(() => warnings().length > 0);
        expect(warnings()).toHaveLength(1);
        expect(warnings()[0]).toMatch(cause);
        expect(warnings()[0]).not.toMatch(/Stream isn't writeable/);
        for (const line of lines) {
          expect(line).not.toContain(wrong);
          expect(line).not.toContain(password);
          expect(line).not.toContain("someone:");
        }
      }
      await new Promise((resolve) => setTimeout(resolve, 300)); // a few reconnects, each an `error` event
      expect(
        printed.mock.calls.map((args) => args.join(" ")).filter((line) => line.includes("Unhandled error event")),
      ).toEqual([]);
    } finally {
      printed.mockRestore();
    }
  }, 30_000);

  it("a message that quotes the Redis URL loses its userinfo", async () => {
    const { lines, logger, warnings } = recorder();
    // A client (no `on`: its failure is the reason) whose errors quote its URL and its password.
    const fail = () =>
      Promise.reject(new Error("cannot reach redis://alice:hunter2-secret@10.0.0.1:6379/0 (AUTH pw-from-options-42)"));
    const failing: RedisLike & { options: { password: string } } = {
      get: fail,
      set: fail,
      del: fail,
      eval: fail,
      options: { password: "pw-from-options-42" },
    };
    const st = createServiceTitan({
      ...MOCK_CREDENTIALS,
      baseUrl: mock.url,
      authUrl: mock.url,
      tokenStore: redisTokenStore(failing, { logger, prefix: "scrub:" }),
      rateLimit: { limiter: redisRateLimiter(failing, { logger, prefix: "scrub:" }) },
    });
    expect((await st.crm.customers.get({ id: 8 })).id).toBe(8);
    expect(warnings()).toHaveLength(1);
    expect(warnings()[0]).toContain("redis://[redacted]@10.0.0.1:6379/0");
    for (const line of lines) {
      expect(line).not.toContain("hunter2");
      expect(line).not.toContain("pw-from-options-42");
    }
  });

  it("Redis dies under full load: the fallback goes on from this process's recent sends, never over 60 in any second", async () => {
    const own = await startRedisServer();
    const redis = await client(own.port);
    clients.push(redis);
    const { logger, warnings } = recorder();
    const sent: number[] = []; // when each request left (wall clock, sub-millisecond)
    const st = createServiceTitan({
      ...MOCK_CREDENTIALS,
      baseUrl: mock.url,
      authUrl: mock.url,
      tokenStore: redisTokenStore(redis, { logger, prefix: "switch:" }),
      rateLimit: { limiter: redisRateLimiter(redis, { logger, prefix: "switch:" }) },
      hooks: { onRequest: () => void sent.push(performance.timeOrigin + performance.now()) },
    });
    await st.crm.customers.get({ id: 1 }); // the token, so what follows is all API calls
    // 30 callers, each calling again as soon as its call is back: always more wanted than the 60/s budget.
    let stop = false;
    let done = 0;
    const callers = Array.from({ length: 30 }, async (_, caller) => {
      for (let i = 0; !stop; i++) {
        await st.crm.customers.get({ id: ((caller * 7 + i) % 120) + 1 });
        done++;
      }
    });
    await new Promise((resolve) => setTimeout(resolve, 2500)); // the shared window full, streaming steadily
    const killedAt = Date.now();
    await own.stop();
    await new Promise((resolve) => setTimeout(resolve, 2500)); // the fallback at full speed
    stop = true;
    await Promise.all(callers); // none failed
    expect(done).toBeGreaterThan(200);
    expect(warnings()).toHaveLength(1);

    // Both sides of the switch were busy: the second before it and the second after it each hold at least
    // half a budget (the mock logs when each request arrived; a loaded machine sends fewer than 60).
    const received = mock
      .apiRequests()
      .filter((request) => request.time >= killedAt - 2000)
      .map((request) => request.time);
    expect(received.filter((time) => time >= killedAt - 1000 && time < killedAt).length).toBeGreaterThanOrEqual(30);
    expect(received.filter((time) => time >= killedAt && time < killedAt + 1000).length).toBeGreaterThanOrEqual(30);
    // What ServiceTitan would count: the requests it received in any rolling second that holds the switch
    // (before the fix, 85–89: the fallback started with an empty window, a second budget on top of the first).
    expect(busiestAround(received, killedAt), "received in a second").toBeLessThanOrEqual(60);
    // And what the limiters decided, without the network's jitter: the requests that left the process.
    expect(busiestAround(sent, killedAt), "sent in a second").toBeLessThanOrEqual(60);
  }, 30_000);
});

it("the redis subpath is not imported by the rest of the package", () => {
  const imported = spawnSync(
    "grep",
    ["-rl", "runtime/redis", path.join(ROOT, "generated"), path.join(ROOT, "runtime"), "--include=*.ts"],
    { encoding: "utf8" },
  );
  expect(imported.stdout.split("\n").filter((file) => file && !file.includes("/runtime/redis/"))).toEqual([]);
});
