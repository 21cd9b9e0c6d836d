import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { createHash } from "node:crypto";
import { createServer } from "node:net";
import path from "node:path";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createServiceTitan } from "../generated/index.js";
import { MOCK_CREDENTIALS, startMockServer, type MockServer } from "../generator/mock/index.js";
import { redisRateLimiter, redisTokenStore, type RedisLike } from "../runtime/redis/index.js";
import { ROOT, runProcess } from "./helpers.js";

/**
 * Many processes, one ServiceTitan budget: token and rate limit shared through a real redis-server on
 * 127.0.0.1 (Debian's redis-server; .ci/run installs it, this file starts and stops its own).
 */
let redisServer: ChildProcess | undefined;
let port: number;
let mock: MockServer;

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port: free } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return free;
}
async function startRedis(): Promise<void> {
  if (spawnSync("redis-server", ["--version"]).error) {
    throw new Error("redis-server is not installed: run `apt-get install redis-server` (.ci/run does) — these tests need a real one");
  }
  redisServer = spawn("redis-server", ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"], { stdio: "ignore" });
  for (let i = 0; i < 100; i++) {
    const probe = new Redis({ port, host: "127.0.0.1", lazyConnect: true, enableOfflineQueue: false, maxRetriesPerRequest: 0, retryStrategy: () => null });
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
  throw new Error(`redis-server did not start on port ${port}`);
}
async function stopRedis(): Promise<void> {
  if (!redisServer || redisServer.exitCode !== null) return;
  const exited = new Promise((resolve) => redisServer!.once("exit", resolve));
  redisServer.kill("SIGKILL");
  await exited;
}
/** A connected client that fails fast while the server is down (no offline queue), as the README advises. */
async function client(): Promise<Redis> {
  const redis = new Redis({ port, host: "127.0.0.1", lazyConnect: true, enableOfflineQueue: false, maxRetriesPerRequest: 0, retryStrategy: () => 100 });
  redis.on("error", () => {}); // connection errors while the test stops the server are expected
  await redis.connect();
  return redis;
}

beforeAll(async () => {
  port = await freePort();
  await startRedis();
  mock = await startMockServer({ faults: { rateLimitPerSecond: 60, tokenDelayMs: 100 } });
}, 30_000);
afterAll(async () => {
  await mock?.close();
  await stopRedis();
});

describe("shared through Redis", () => {
  it("4 processes × 250 concurrent calls: one token request, never over 60 requests in any second, all complete", async () => {
    const tsx = path.join(ROOT, "node_modules/tsx/dist/cli.mjs");
    const worker = path.join(ROOT, "test/fixtures/redis-worker.ts");
    const runs = await Promise.all(Array.from({ length: 4 }, () => runProcess(process.execPath, [tsx, worker, mock.url, String(port), "250"])));
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
    sent.sort((a, b) => a - b);
    let busiest = 0;
    for (let i = 0, j = 0; i < sent.length; i++) {
      while (sent[i]! - sent[j]! >= 1000) j++;
      busiest = Math.max(busiest, i - j + 1);
    }
    expect(busiest).toBeLessThanOrEqual(60);
    // The mock counts arrivals, which network and event-loop delays can bunch: a rare 429 is retried.
    expect(mock.apiRequests().filter((r) => r.status === 429).length).toBeLessThanOrEqual(50);
  }, 90_000);

  it("a 401 drops the shared token once; key names hold no client ID and the stored token is not logged", async () => {
    const redis = await client();
    const lines: string[] = [];
    const logger = { warn: (line: string) => lines.push(line), info: (line: string) => lines.push(line), debug: (line: string) => lines.push(line) };
    const store = redisTokenStore(redis, { logger });
    const make = () => createServiceTitan({ ...MOCK_CREDENTIALS, baseUrl: mock.url, authUrl: mock.url, tokenStore: store, rateLimit: false, logger });
    await make().crm.customers.get({ id: 1 });
    const before = mock.tokenRequests;
    mock.expireTokens();
    await Promise.all([make().crm.customers.get({ id: 2 }), make().crm.customers.get({ id: 3 })]);
    expect(mock.tokenRequests - before).toBe(1);
    const keys = await redis.keys("*");
    expect(keys.length).toBeGreaterThan(0);
    for (const key of keys) expect(key).not.toContain(MOCK_CREDENTIALS.clientId);
    for (const token of mock.issuedTokens()) for (const line of lines) expect(line).not.toContain(token);
    redis.disconnect();
  });

  it("a lock holder that died holds the others up no longer than its lock's TTL", async () => {
    const redis = await client();
    const authUrl = `${mock.url}/dead-holder`;
    // A process took the refresh lock (here for 1.5 s) and died before fetching or releasing.
    const key = createHash("sha256").update(`${authUrl}\n${MOCK_CREDENTIALS.clientId}`).digest("hex").slice(0, 32);
    await redis.set(`stgen:token:${key}:lock`, "a-process-that-died", "PX", 1500);
    const before = mock.tokenRequests;
    const started = Date.now();
    const st = createServiceTitan({ ...MOCK_CREDENTIALS, baseUrl: mock.url, authUrl, tokenStore: redisTokenStore(redis), rateLimit: false });
    expect((await st.crm.customers.get({ id: 1 })).id).toBe(1);
    const waited = Date.now() - started;
    expect(waited).toBeGreaterThanOrEqual(1400);
    expect(waited).toBeLessThan(5000);
    expect(mock.tokenRequests - before).toBe(1);
    redis.disconnect();
  });

  it("when Redis goes down, calls go on with the in-process fallback and one warning; when it is back, it is used again", async () => {
    const redis = await client();
    const lines: string[] = [];
    const logger = { warn: (line: string) => lines.push(`warn ${line}`), info: (line: string) => lines.push(`info ${line}`) };
    const redisLike: RedisLike = redis;
    const st = createServiceTitan({
      ...MOCK_CREDENTIALS,
      clientId: MOCK_CREDENTIALS.clientId, // same credentials, a store of its own prefix
      baseUrl: mock.url,
      authUrl: `${mock.url}/redis-down`,
      tokenStore: redisTokenStore(redisLike, { logger, prefix: "down:" }),
      rateLimit: { limiter: redisRateLimiter(redisLike, { logger, prefix: "down:" }) },
    });
    await st.crm.customers.get({ id: 1 });
    expect(lines).toEqual([]);

    await stopRedis();
    const during = await Promise.all(Array.from({ length: 20 }, (_, i) => st.crm.customers.get({ id: i + 1 })));
    expect(during).toHaveLength(20);
    // One warning per part that met the outage (the limiter always; the token store only if it asked Redis).
    expect(lines.filter((line) => line.startsWith("warn")).length).toBeGreaterThanOrEqual(1);
    expect(lines.filter((line) => line.startsWith("warn")).length).toBeLessThanOrEqual(2);
    expect(lines[0]).toMatch(/Redis is unavailable .*using the in-process token cache and rate limiter until it is back/);

    await startRedis();
    await new Promise((resolve) => setTimeout(resolve, 1500)); // ioredis reconnects; the guard tries Redis again after 1 s
    await st.crm.customers.get({ id: 5 });
    await st.crm.customers.get({ id: 6 });
    expect(lines.some((line) => line.startsWith("info") && line.includes("Redis is back"))).toBe(true);
    expect((await redis.keys("down:*")).length).toBeGreaterThan(0);
    redis.disconnect();
  }, 30_000);
});

it("the redis subpath is not imported by the rest of the package", () => {
  const imported = spawnSync("grep", ["-rl", "runtime/redis", path.join(ROOT, "generated"), path.join(ROOT, "runtime"), "--include=*.ts"], { encoding: "utf8" });
  expect(imported.stdout.split("\n").filter((file) => file && !file.includes("/runtime/redis/"))).toEqual([]);
});
