import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import {
  AuthenticationError,
  ConflictError,
  createServiceTitan,
  NetworkError,
  NotFoundError,
  PermissionError,
  RateLimitError,
  ServerError,
  ServiceTitanError,
  TimeoutError,
  ValidationError,
  memoryTokenStore,
  type Hooks,
  type ServiceTitanConfig,
} from "../../generated/index.js";
import { NotFoundError as CrmNotFoundError, createCrmClient } from "../../generated/crm/index.js";
import { MOCK_CREDENTIALS as CREDENTIALS, startMockServer, type MockServer } from "../../generator/mock/index.js";

/**
 * Retries, rate limits, timeouts, typed errors and hooks, over real HTTP against `stgen mock` and its
 * fault injection. Every hook payload, log line and error of this file is kept and scanned for secrets
 * at the end.
 */
let mock: MockServer;
const seen: unknown[] = [];

const recordingHooks: Hooks = {
  onRequest: (event) => seen.push(event),
  onResponse: (event) => seen.push(event),
  onRetry: (event) => seen.push(event),
  onError: (error) => seen.push(error),
};
const recordingLogger = { debug: (line: string) => seen.push(line), warn: (line: string) => seen.push(line) };

/** Fast backoff unless a test says otherwise; each client its own auth URL, so token caches stay apart. */
function client(overrides: Partial<ServiceTitanConfig> = {}, server = mock) {
  return createServiceTitan({
    ...CREDENTIALS,
    baseUrl: server.url,
    authUrl: server.url,
    tokenStore: memoryTokenStore(),
    retry: { baseDelayMs: 20 },
    hooks: recordingHooks,
    logger: recordingLogger,
    ...overrides,
  });
}
async function failure(promise: Promise<unknown>): Promise<ServiceTitanError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  seen.push(error);
  expect(error).toBeInstanceOf(ServiceTitanError);
  return error as ServiceTitanError;
}
const statuses = () => mock.apiRequests().map((r) => r.status);

beforeAll(async () => {
  mock = await startMockServer();
});
afterEach(() => {
  mock.reset();
  mock.setFaults({});
});
afterAll(() => mock.close());

describe("429", () => {
  it("waits for Retry-After in seconds, then succeeds", async () => {
    mock.injectFault({ status: 429, retryAfter: 1 }, { operationId: "Customers_Get" });
    const started = Date.now();
    const customer = await client().crm.customers.get({ id: 1 });
    expect(customer.id).toBe(1);
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expect(statuses()).toEqual([429, 200]);
  });

  it("waits for Retry-After as an HTTP date", async () => {
    mock.injectFault(
      { status: 429, retryAfter: new Date(Date.now() + 2000).toUTCString() },
      { operationId: "Customers_Get" },
    );
    const started = Date.now();
    await client().crm.customers.get({ id: 1 });
    expect(Date.now() - started).toBeGreaterThanOrEqual(900); // the date has whole seconds: 1–2 s from now
    expect(statuses()).toEqual([429, 200]);
  });

  it("without the header, reads 'N seconds' from the title; without either, backs off", async () => {
    mock.injectFault(
      { status: 429, retryAfter: null, title: "Rate limit is exceeded. Try again in 1 seconds." },
      { operationId: "Customers_Get" },
    );
    const started = Date.now();
    await client().crm.customers.get({ id: 1 });
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    mock.injectFault(
      { status: 429, retryAfter: null, title: "Too many requests" },
      { operationId: "Customers_Get", times: 2 },
    );
    const quick = Date.now();
    await client().crm.customers.get({ id: 1 });
    expect(Date.now() - quick).toBeLessThan(900); // 20 ms base backoff, not seconds
    expect(statuses()).toEqual([429, 200, 429, 429, 200]);
  });

  it("retries a 429 even for a POST (the server refused it unprocessed)", async () => {
    mock.injectFault({ status: 429, retryAfter: 0 }, { operationId: "Customers_CreateNote" });
    const note = await client().crm.customers.createNote({ id: 2, body: { text: "hello" } });
    expect(note.text).toBe("hello");
    expect(statuses()).toEqual([429, 200]);
  });

  it("throws a RateLimitError at once when the server asks for longer than maxRetryAfterMs", async () => {
    mock.injectFault({ status: 429, retryAfter: 120 }, { operationId: "Customers_Get" });
    const started = Date.now();
    const error = await failure(client().crm.customers.get({ id: 1 }));
    expect(Date.now() - started).toBeLessThan(1000);
    expect(error).toBeInstanceOf(RateLimitError);
    expect((error as RateLimitError).retryAfterMs).toBe(120_000);
    expect(error.message).toContain("the server asked to wait 120 s");
    expect(error.attempts).toBe(1);
  });

  it("gives up with a RateLimitError after maxAttempts", async () => {
    mock.injectFault({ status: 429, retryAfter: 0 }, { operationId: "Customers_Get", times: 10 });
    const error = await failure(client({ retry: { maxAttempts: 3, baseDelayMs: 1 } }).crm.customers.get({ id: 1 }));
    expect(error).toBeInstanceOf(RateLimitError);
    expect(error.attempts).toBe(3);
    expect(error.message).toContain("after 3 attempts");
    expect(statuses()).toEqual([429, 429, 429]);
  });
});

describe("transient failures", () => {
  it("retries a GET after a 503 with an HTML body", async () => {
    mock.injectFault({ status: 503, html: true }, { operationId: "Customers_Get", times: 2 });
    const customer = await client().crm.customers.get({ id: 4 });
    expect(customer.id).toBe(4);
    expect(statuses()).toEqual([503, 503, 200]);
  });

  it("keeps the HTML page, truncated, when the 503s do not stop", async () => {
    mock.injectFault({ status: 503, html: true }, { operationId: "Customers_Get", times: 4 });
    const error = await failure(client().crm.customers.get({ id: 4 }));
    expect(error).toBeInstanceOf(ServerError);
    expect(error).toMatchObject({ status: 503, attempts: 4, operationId: "Customers_Get", method: "GET" });
    expect(error.rawBody).toContain("503 Service Unavailable");
    expect(error.url).toBe(`${mock.url}/crm/v2/tenant/${CREDENTIALS.tenant}/customers/4`);
  });

  it("retries reporting's 409 'suspended for maintenance', but not another 409", async () => {
    mock.injectFault(
      { status: 409, title: "The service is suspended for maintenance." },
      { operationId: "ReportCategories_GetCategories" },
    );
    const categories = await client().reporting.reportCategories.getCategories({});
    expect(categories.data.length).toBeGreaterThan(0);
    mock.injectFault({ status: 409, title: "The job was already completed." }, { operationId: "Jobs_Get" });
    const error = await failure(client().jpm.jobs.get({ id: 1 }));
    expect(error).toBeInstanceOf(ConflictError);
    expect(statuses()).toEqual([409, 200, 409]);
  });

  it("retries a GET whose connection was dropped", async () => {
    mock.injectFault({ drop: true }, { operationId: "Customers_Get" });
    const customer = await client().crm.customers.get({ id: 5 });
    expect(customer.id).toBe(5);
    expect(statuses()).toEqual([0, 200]);
  });

  it("retries a GET that timed out, and says TimeoutError with the attempts when every try does", async () => {
    const st = client({ timeoutMs: 200 });
    await st.crm.customers.get({ id: 1 }); // the token first
    mock.injectFault({ delayMs: 1000 }, { operationId: "Customers_Get" });
    expect((await st.crm.customers.get({ id: 6 })).id).toBe(6);
    mock.injectFault({ delayMs: 1000 }, { operationId: "Customers_Get", times: 2 });
    const error = await failure(st.crm.customers.get({ id: 6 }, { retry: { maxAttempts: 2 } }));
    expect(error).toBeInstanceOf(TimeoutError);
    expect(error).toMatchObject({ status: 0, attempts: 2, title: "request timed out after 200 ms" });
  });

  it("retries a GET whose body stalls half-way (the attempt's timeout covers reading it), but not a POST", async () => {
    const st = client({ timeoutMs: 300 });
    await st.crm.customers.get({ id: 1 }); // the token first
    mock.injectFault({ stallBodyMs: 100 }, { operationId: "Customers_Get" });
    expect((await st.crm.customers.get({ id: 8 })).id).toBe(8); // slow, but within the limit
    mock.injectFault({ stallBodyMs: 2000 }, { operationId: "Customers_Get" });
    expect((await st.crm.customers.get({ id: 8 })).id).toBe(8); // the second attempt gets it whole
    expect(statuses().slice(-2)).toEqual([200, 200]);

    mock.injectFault({ stallBodyMs: 2000 }, { operationId: "Customers_Get", times: 2 });
    const started = Date.now();
    const error = await failure(st.crm.customers.get({ id: 8 }, { retry: { maxAttempts: 2 } }));
    expect(error).toBeInstanceOf(TimeoutError);
    expect(error).toMatchObject({ status: 0, attempts: 2, title: "reading the response timed out after 300 ms" });
    expect(Date.now() - started).toBeLessThan(2500);

    const body = {
      name: "Stalled Plumbing",
      type: "Residential" as const,
      address: { street: "1 A St", city: "Austin", state: "TX", zip: "78701", country: "USA" },
      locations: [],
    };
    mock.injectFault({ stallBodyMs: 2000 }, { operationId: "Customers_Create" });
    const posted = await failure(st.crm.customers.create({ body }));
    expect(posted).toMatchObject({ attempts: 1 }); // the server may have created it: not sent again
    expect(mock.apiRequests().filter((r) => r.method === "POST")).toHaveLength(1);
  });

  it("leaves no attempt timeout running once a call is over, whatever its end", async () => {
    const st = client({ timeoutMs: 123_456 });
    await st.crm.customers.get({ id: 1 }); // the token first
    const armed = new Set<unknown>();
    const realSet = globalThis.setTimeout;
    const realClear = globalThis.clearTimeout;
    // Every argument passed on: undici's own timers carry theirs (a parser WeakRef) to their handlers.
    const setSpy = vi.spyOn(globalThis, "setTimeout").mockImplementation(((
      handler: (...args: unknown[]) => void,
      ms?: number,
      ...args: unknown[]
    ) => {
      const timer = realSet(handler, ms, ...args);
      if (ms === 123_456) armed.add(timer);
      return timer;
    }) as typeof setTimeout);
    const clearSpy = vi.spyOn(globalThis, "clearTimeout").mockImplementation(((
      timer: Parameters<typeof clearTimeout>[0],
    ) => {
      armed.delete(timer);
      realClear(timer);
    }) as typeof clearTimeout);
    try {
      mock.injectFault({ status: 503 }, { operationId: "Customers_Get" }); // a retried attempt
      await st.crm.customers.get({ id: 2 });
      await failure(st.crm.customers.get({ id: 99_999 })); // an error answer, its body read
      for await (const customer of st.crm.customers.getList.all({}, { maxItems: 3 }))
        expect(customer.id).toBeGreaterThan(0); // paged
      await st.crm.customers.get({ id: 3 });
      expect(setSpy.mock.calls.filter(([, ms]) => ms === 123_456).length).toBeGreaterThanOrEqual(5);
      expect(armed.size).toBe(0);
    } finally {
      setSpy.mockRestore();
      clearSpy.mockRestore();
    }
  });

  it("sends a POST that gets a 503 exactly once, unless the caller allows replaying it", async () => {
    const st = client();
    const body = {
      name: "Once Plumbing",
      type: "Residential" as const,
      address: { street: "1 A St", city: "Austin", state: "TX", zip: "78701", country: "USA" },
      locations: [],
    };
    mock.injectFault({ status: 503 }, { operationId: "Customers_Create", times: 2 });
    const error = await failure(st.crm.customers.create({ body }));
    expect(error).toBeInstanceOf(ServerError);
    expect(error.attempts).toBe(1);
    expect(mock.apiRequests().filter((r) => r.method === "POST")).toHaveLength(1);
    const created = await st.crm.customers.create({ body }, { retry: { nonIdempotent: true } });
    expect(created.name).toBe("Once Plumbing");
    expect(statuses()).toEqual([503, 503, 200]);
  });

  it("takes a fresh token for an attempt when the cached one expired during the backoff", async () => {
    const shortLived = await startMockServer({ expiresIn: 2 }); // cached for 1.8 s (10% safety margin)
    try {
      shortLived.injectFault({ status: 429, retryAfter: 2 }, { operationId: "Customers_Get" });
      const customer = await client({}, shortLived).crm.customers.get({ id: 7 });
      expect(customer.id).toBe(7);
      expect(shortLived.tokenRequests).toBe(2);
      expect(shortLived.apiRequests().map((r) => [r.status, r.headers.authorization])).toEqual([
        [429, "Bearer [token 1]"],
        [200, "Bearer [token 2]"],
      ]);
    } finally {
      await shortLived.close();
    }
  });

  it("stops waiting at once when the caller aborts during a backoff", async () => {
    mock.injectFault({ status: 429, retryAfter: 30 }, { operationId: "Customers_Get" });
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error("shutting down")), 150);
    const started = Date.now();
    await expect(client().crm.customers.get({ id: 1 }, { signal: controller.signal })).rejects.toThrow("shutting down");
    expect(Date.now() - started).toBeLessThan(1000);
    expect(statuses()).toEqual([429]);
  });

  it("sends once with retry: false", async () => {
    mock.injectFault({ status: 503 }, { operationId: "Customers_Get" });
    const error = await failure(client({ retry: false }).crm.customers.get({ id: 1 }));
    expect(error.attempts).toBe(1);
    expect(statuses()).toEqual([503]);
  });

  it("gives path-style calls the same retries", async () => {
    mock.injectFault({ status: 502 }, { operationId: "Customers_Get" });
    const { data, response } = await client().crm.GET("/tenant/{tenant}/customers/{id}", {
      params: { path: { id: 8 } },
    });
    expect(response.status).toBe(200);
    expect(data?.id).toBe(8);
    expect(statuses()).toEqual([502, 200]);
  });
});

describe("errors by meaning", () => {
  it("NotFoundError, ValidationError with field messages, ConflictError", async () => {
    const st = client();
    const missing = await failure(st.crm.customers.get({ id: 99_999 }));
    expect(missing).toBeInstanceOf(NotFoundError);
    expect(missing).toMatchObject({
      status: 404,
      operationId: "Customers_Get",
      method: "GET",
      attempts: 1,
      traceId: expect.stringMatching(/^00-/),
    });
    const invalid = await failure(st.crm.customers.create({ body: { name: "No Address" } as never }));
    expect(invalid).toBeInstanceOf(ValidationError);
    expect(invalid.errors).toMatchObject({ address: ["The address field is required."] });
    mock.injectFault({ status: 409, title: "Version conflict" }, { operationId: "Customers_Update" });
    expect(await failure(st.crm.customers.update({ id: 1, body: { name: "X" } }))).toBeInstanceOf(ConflictError);
  });

  it("PermissionError names the OAuth scope the spec lists", async () => {
    const scoped = await startMockServer({ scopes: ["tn.jpm.jobs:r"] });
    try {
      const error = await failure(client({}, scoped).crm.customers.get({ id: 1 }));
      expect(error).toBeInstanceOf(PermissionError);
      expect((error as PermissionError).requiredScopes).toEqual(["tn.crm.customers:r"]);
      expect(error.message).toContain("the operation needs the OAuth scope tn.crm.customers:r");
    } finally {
      await scoped.close();
    }
  });

  it("AuthenticationError for refused credentials and for a 401 that a fresh token does not cure", async () => {
    const refused = await failure(client({ clientSecret: "cs1.wrong-one" }).crm.customers.get({ id: 1 }));
    expect(refused).toBeInstanceOf(AuthenticationError);
    expect(refused).toMatchObject({ status: 400, operationId: "Customers_Get" });
    mock.injectFault({ status: 401 }, { operationId: "Customers_Get", times: 2 });
    const rejected = await failure(client().crm.customers.get({ id: 1 }));
    expect(rejected).toBeInstanceOf(AuthenticationError);
    expect(statuses()).toEqual([401, 401]);
  });

  it("NetworkError when nothing listens; instanceof holds across the root and domain entry points", async () => {
    const st = client({ baseUrl: "http://127.0.0.1:9", retry: { maxAttempts: 2, baseDelayMs: 1 } });
    const error = await failure(st.crm.customers.get({ id: 1 }));
    expect(error).toBeInstanceOf(NetworkError);
    expect(error.attempts).toBe(2);
    const fromDomain = await failure(
      createCrmClient({ ...CREDENTIALS, baseUrl: mock.url, authUrl: mock.url }).customers.get({ id: 123_456 }),
    );
    expect(fromDomain).toBeInstanceOf(NotFoundError);
    expect(fromDomain).toBeInstanceOf(CrmNotFoundError);
    expect(CrmNotFoundError).toBe(NotFoundError);
  });
});

describe("rate limiter", () => {
  it(
    "1,000 concurrent calls under 60/s: never more than 60 leave in any second, all complete, one token",
    { timeout: 60_000 },
    async () => {
      mock.setFaults({ rateLimitPerSecond: 60 });
      const sent: number[] = [];
      const st = client({ hooks: { onRequest: () => sent.push(performance.now()) }, logger: undefined });
      const tokensBefore = mock.tokenRequests;
      const results = await Promise.all(
        Array.from({ length: 1000 }, (_, i) => st.crm.customers.get({ id: (i % 120) + 1 })),
      );
      expect(results).toHaveLength(1000);
      expect(mock.tokenRequests - tokensBefore).toBe(1);
      let busiest = 0;
      for (let i = 0, j = 0; i < sent.length; i++) {
        while (sent[i]! - sent[j]! >= 1000) j++;
        busiest = Math.max(busiest, i - j + 1);
      }
      expect(busiest).toBeLessThanOrEqual(60);
      expect(sent.length).toBeGreaterThanOrEqual(1000);
      expect(sent.at(-1)! - sent[0]!).toBeGreaterThan(15_000); // 1,000 at 60/s cannot take less
    },
  );

  it("shares one budget between clients with the same app key and tenant; an aborted waiter leaves the queue", async () => {
    const config = { rateLimit: { requestsPerSecond: 2 }, appKey: CREDENTIALS.appKey };
    const a = client(config);
    const b = client(config);
    const started = Date.now();
    await Promise.all([a.crm.customers.get({ id: 1 }), b.crm.customers.get({ id: 2 })]); // the whole budget
    const controller = new AbortController();
    const dropped = b.crm.customers.get({ id: 3 }, { signal: controller.signal });
    const next = a.crm.customers.get({ id: 4 });
    controller.abort(new Error("not needed"));
    await expect(dropped).rejects.toThrow("not needed");
    await next;
    const waited = Date.now() - started;
    expect(waited).toBeGreaterThanOrEqual(950); // the third request had to wait for the window
    expect(waited).toBeLessThan(1900); // and did not wait behind the aborted one
    expect(mock.apiRequests().map((r) => r.path.split("/").at(-1))).toEqual(expect.arrayContaining(["1", "2", "4"]));
    expect(mock.apiRequests()).toHaveLength(3);
  });

  it("gives reporting a stricter budget of its own, and can be switched off", async () => {
    const st = client({ rateLimit: { reportingRequestsPerMinute: 2 } });
    const reporting = st.reporting;
    await reporting.reportCategories.getCategories({});
    await reporting.reportCategories.getCategories({});
    const controller = new AbortController();
    const third = reporting.reportCategories.getCategories({}, { signal: controller.signal });
    const crm = await st.crm.customers.get({ id: 1 }); // other domains are not held up
    expect(crm.id).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(mock.apiRequests().filter((r) => r.domain === "reporting")).toHaveLength(2);
    controller.abort(new Error("stop"));
    await expect(third).rejects.toThrow("stop");

    const unlimited = client({ rateLimit: false });
    const started = Date.now();
    await Promise.all(Array.from({ length: 150 }, () => unlimited.crm.customers.get({ id: 1 })));
    expect(Date.now() - started).toBeLessThan(2500); // 150 at 60/s would take over 1.5 s of waiting
  });
});

describe("hooks and logger", () => {
  it("see every request, response, retry and error, with the token redacted", async () => {
    const events: { kind: string; event: any }[] = [];
    const lines: string[] = [];
    const st = client({
      hooks: {
        onRequest: (event) => events.push({ kind: "request", event }),
        onResponse: (event) => events.push({ kind: "response", event }),
        onRetry: (event) => events.push({ kind: "retry", event }),
        onError: (event) => events.push({ kind: "error", event }),
      },
      logger: { debug: (line) => lines.push(line), warn: (line) => lines.push(line) },
    });
    mock.injectFault({ status: 503 }, { operationId: "Customers_Get" });
    await st.crm.customers.get({ id: 1 });
    await st.crm.customers.get({ id: 99_999 }).catch(() => undefined);
    seen.push(...events, ...lines);
    expect(events.map((e) => `${e.kind}${e.event.status ? ` ${e.event.status}` : ""}`)).toEqual([
      "request",
      "response 503",
      "retry",
      "request",
      "response 200",
      "request",
      "response 404",
      "error 404",
    ]);
    expect(events[0]!.event).toMatchObject({ operationId: "Customers_Get", method: "GET", attempt: 1 });
    expect(events[0]!.event.headers.authorization).toBe("Bearer [redacted]");
    expect(events[2]!.event).toMatchObject({ attempt: 1, reason: "HTTP 503", delayMs: expect.any(Number) });
    expect(events[3]!.event.attempt).toBe(2);
    expect(lines.some((line) => /503 on attempt 1; retrying in \d+ ms/.test(line))).toBe(true);
    expect(lines.filter((line) => line.includes("→"))).toHaveLength(3);
  });

  it("a hook that throws is logged, not thrown", async () => {
    const lines: string[] = [];
    const st = client({
      hooks: {
        onRequest: () => {
          throw new Error("hook bug");
        },
      },
      logger: { warn: (line) => lines.push(line) },
    });
    expect((await st.crm.customers.get({ id: 1 })).id).toBe(1);
    expect(lines).toContain("ServiceTitan client: a hook threw: hook bug");
  });
});

// Last, so it sees what every test above produced.
it("no hook payload, log line or error of this file holds the client secret or a token", () => {
  const secrets = [CREDENTIALS.clientSecret, ...mock.issuedTokens()];
  expect(mock.issuedTokens().length).toBeGreaterThan(5);
  expect(seen.length).toBeGreaterThan(100);
  for (const item of seen) {
    const texts =
      item instanceof Error ? [String(item), item.stack ?? "", JSON.stringify(item)] : [JSON.stringify(item)];
    for (const text of texts) for (const secret of secrets) expect(text).not.toContain(secret);
  }
});
