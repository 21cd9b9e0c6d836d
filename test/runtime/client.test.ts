import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import {
  createServiceTitan,
  memoryTokenStore,
  ServiceTitanConfigError,
  ServiceTitanError,
  type ServiceTitanConfig,
} from "../../generated/index.js";
import { createCrmClient } from "../../generated/crm/index.js";
import { MOCK_CREDENTIALS as CREDENTIALS, startMockServer, type MockServer } from "../../generator/mock/index.js";

/** The runtime over real HTTP against `stgen mock`, the spec-driven fake ServiceTitan. */
let mock: MockServer;

function config(overrides: Partial<ServiceTitanConfig> = {}): ServiceTitanConfig {
  return { ...CREDENTIALS, baseUrl: mock.url, authUrl: mock.url, ...overrides };
}
function freshClient(overrides: Partial<ServiceTitanConfig> = {}) {
  // A token store of its own keeps the client apart from the process-wide token cache.
  return createServiceTitan(config({ tokenStore: memoryTokenStore(), ...overrides }));
}

beforeAll(async () => {
  mock = await startMockServer();
});
afterAll(() => mock.close());
afterEach(() => {
  mock.reset();
  mock.setFaults({});
});

/** A loopback URL where nothing listens: a port that was free a moment ago. */
async function closedPortUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return `http://127.0.0.1:${port}`;
}

describe("tokens", () => {
  it("makes exactly one token request for 100 concurrent first calls", async () => {
    mock.setFaults({ tokenDelayMs: 50 });
    const before = mock.tokenRequests;
    const st = freshClient();
    const results = await Promise.all(Array.from({ length: 100 }, (_, i) => st.crm.customers.get({ id: i + 1 })));
    expect(mock.tokenRequests - before).toBe(1);
    expect(results.map((c) => c.id)).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
  });

  it("shares the cached token between two clients with the same auth URL and client ID", async () => {
    const before = mock.tokenRequests;
    const tokenStore = memoryTokenStore();
    await createServiceTitan(config({ tokenStore })).crm.customers.get({ id: 1 });
    await createCrmClient(config({ tokenStore })).customers.get({ id: 2 });
    expect(mock.tokenRequests - before).toBe(1);
  });

  it("fetches a new token once the cached one has expired", async () => {
    const shortLived = await startMockServer({ expiresIn: 1 });
    try {
      const st = createServiceTitan(config({ baseUrl: shortLived.url, authUrl: shortLived.url }));
      await st.crm.customers.get({ id: 1 });
      await st.crm.customers.get({ id: 2 });
      expect(shortLived.tokenRequests).toBe(1);
      await new Promise((resolve) => setTimeout(resolve, 1100));
      await st.crm.customers.get({ id: 3 });
      expect(shortLived.tokenRequests).toBe(2);
      const bearers = shortLived.apiRequests().map((r) => r.headers.authorization);
      expect(bearers[0]).toBe(bearers[1]);
      expect(bearers[2]).not.toBe(bearers[1]);
    } finally {
      await shortLived.close();
    }
  });

  it("on a 401 drops the token, fetches a new one and retries the call once, body included", async () => {
    const st = freshClient();
    await st.crm.customers.get({ id: 1 }); // warm the token
    mock.expireTokens();
    const before = mock.tokenRequests;
    mock.clearLog();
    const { data, response } = await st.crm.POST("/tenant/{tenant}/customers/{id}/notes", {
      params: { path: { id: 3 } },
      body: { text: "VIP" },
    });
    expect(response.status).toBe(200);
    expect(data?.text).toBe("VIP");
    expect(mock.tokenRequests - before).toBe(1);
    const calls = mock.apiRequests();
    expect(calls.map((r) => r.status)).toEqual([401, 200]);
    expect(calls[0]!.headers.authorization).not.toBe(calls[1]!.headers.authorization);
    expect(calls[1]!.body).toEqual({ text: "VIP" }); // the body survived the retry
  });

  it("gives up after one retry when the new token is refused too", async () => {
    mock.injectFault({ status: 401, title: "Token rejected" }, { operationId: "Customers_Get", times: 2 });
    const st = freshClient();
    const error = await st.crm.customers.get({ id: 5 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ServiceTitanError);
    expect((error as ServiceTitanError).status).toBe(401);
    expect(mock.apiRequests()).toHaveLength(2);
  });

  it("reports bad credentials at the token endpoint without echoing the secret", async () => {
    const st = freshClient({ clientSecret: "cs1.wrong-secret-zzz" });
    const error = (await st.crm.customers.get({ id: 1 }).catch((e: unknown) => e)) as ServiceTitanError;
    expect(error).toBeInstanceOf(ServiceTitanError);
    expect(error.status).toBe(400);
    expect(error.message).toContain("invalid_client");
    expect(error.message).toContain(CREDENTIALS.clientId);
    for (const text of [error.message, JSON.stringify(error), String(error.stack)])
      expect(text).not.toContain("cs1.wrong-secret-zzz");
  });
});

describe("requests", () => {
  it("sends the bearer token, the app key and the configured tenant, and never asks callers for the tenant", async () => {
    const st = freshClient();
    const customer = await st.crm.customers.get({ id: 42 });
    expect(customer.id).toBe(42);
    expect(customer.name).toEqual(expect.any(String));
    const [call] = mock.apiRequests();
    expect(call!.path).toBe(`/crm/v2/tenant/${CREDENTIALS.tenant}/customers/42`);
    expect(call!.headers.authorization).toMatch(/^Bearer \[token \d+\]$/);
    expect(call!.headers["st-app-key"]).toBe(CREDENTIALS.appKey);
    expect(call!.headers.accept).toBe("application/json");
  });

  it("sends query parameters, dotted names, a literal + in sort, and per-call headers", async () => {
    const st = freshClient();
    const page = await st.accounting.apBills.getListPaginated(
      { page: 1, pageSize: 5, "customField.Operator": "Or", "customField.Fields": { Color: "Red" } },
      { headers: { "X-Request-Id": "abc" } },
    );
    expect(page.data).toHaveLength(5);
    expect(page.hasMore).toBe(true);
    await st.crm.customers.getList({ sort: "+ModifiedOn", active: "Any" });
    const [bills, customers] = mock.apiRequests();
    expect(bills!.status).toBe(200);
    expect(bills!.query).toMatchObject({
      page: "1",
      pageSize: "5",
      "customField.Operator": "Or",
      "customField.Fields[Color]": "Red",
    });
    expect(bills!.headers["x-request-id"]).toBe("abc");
    expect(customers!.query).toMatchObject({ sort: "+ModifiedOn", active: "Any" });
    expect(customers!.url).toContain("sort=%2BModifiedOn");
  });

  it("puts `id` in the path and `queryId` in the query for Receipts_CancelReceipts", async () => {
    const st = freshClient();
    await st.inventory.receipts.cancelReceipts({ id: 7, queryId: 8, body: { canceledReason: "Duplicate" } });
    const [call] = mock.apiRequests();
    expect(call).toMatchObject({
      status: 200,
      path: `/inventory/v2/tenant/${CREDENTIALS.tenant}/receipts/7/cancellation`,
      query: { id: "8" },
      body: { canceledReason: "Duplicate" },
    });
    expect(call!.headers["content-type"]).toBe("application/json");
  });

  it("resolves to undefined for a 2xx without a body", async () => {
    const st = freshClient();
    await expect(st.crm.bookings.deleteContact({ booking_provider: 1, id: 2, contactId: 3 })).resolves.toBeUndefined();
    expect(mock.apiRequests()[0]!.status).toBe(200);
  });

  it("reads JSON that arrives as text/plain (marketing reputation reviews)", async () => {
    const st = freshClient();
    const reviews = await st.marketingReputation.reviews({ page: 1, pageSize: 3 });
    expect(reviews.data).toHaveLength(3);
    expect(reviews.page).toBe(1);
    expect(mock.apiRequests()[0]!.status).toBe(200);
  });

  it("returns telecom recordings as a Blob from the /v2 path, and v3 paths work too", async () => {
    const st = freshClient();
    const blob = await st.telecom.calls.getRecording({ id: 99 });
    expect(blob).toBeInstanceOf(Blob);
    expect(await blob.text()).toBe("ID3 mock file for Calls_GetRecording");
    const calls = await st.telecom.calls.calls({ pageSize: 2 });
    expect(calls.data).toHaveLength(2);
    expect(mock.apiRequests().map((r) => r.path)).toEqual([
      `/telecom/v2/tenant/${CREDENTIALS.tenant}/calls/99/recording`,
      `/telecom/v3/tenant/${CREDENTIALS.tenant}/calls`,
    ]);
  });

  it("follows a 302 download to the file (pricebook images)", async () => {
    const st = freshClient();
    const image = await st.pricebook.images.get({ path: "Images/pipe.png" });
    expect(await image.text()).toContain("mock file for Images_Get");
    expect(mock.requests.filter((r) => r.kind !== "token").map((r) => r.status)).toEqual([302, 200]);
  });

  it("sends uploads declared as a binary field as multipart/form-data", async () => {
    const st = freshClient();
    await st.pricebook.images.post({ body: { file: new Blob(["IMAGEBYTES"], { type: "image/png" }) } });
    const [call] = mock.apiRequests();
    expect(call!.status).toBe(201); // what the spec declares for Images_Post
    expect(call!.headers["content-type"]).toMatch(/^multipart\/form-data; boundary=/);
    expect(call!.body).toContain('name="file"');
    expect(call!.body).toContain("IMAGEBYTES");
  });

  it("path style: tenant filled in when left out, openapi-fetch's { data, error, response } kept", async () => {
    const st = freshClient();
    const ok = await st.crm.GET("/tenant/{tenant}/customers/{id}", { params: { path: { id: 5 } } });
    expect(ok.data?.id).toBe(5);
    expect(ok.response.status).toBe(200);
    const same = await st.crm.GET("/tenant/{tenant}/customers/{id}", {
      params: { path: { id: 5, tenant: Number(CREDENTIALS.tenant) } },
    });
    expect(same.data?.id).toBe(5);
    const missing = await st.crm.GET("/tenant/{tenant}/customers/{id}", { params: { path: { id: 404_404 } } });
    expect(missing.response.status).toBe(404);
    expect(missing.error?.title).toBeTypeOf("string");
  });
});

describe("path style limits", () => {
  it("applies the client's timeoutMs to path-style calls too", async () => {
    const st = freshClient({ timeoutMs: 150, retry: false });
    await st.crm.customers.get({ id: 1 }, { timeoutMs: 30_000 }); // warm the token
    mock.injectFault({ delayMs: 2000 }, { operationId: "Customers_Get" });
    const started = Date.now();
    const error = await st.crm
      .GET("/tenant/{tenant}/customers/{id}", { params: { path: { id: 1 } } })
      .catch((e: unknown) => e);
    expect((error as Error).name).toBe("TimeoutError");
    expect(Date.now() - started).toBeLessThan(1500);
  });
});

describe("errors", () => {
  it("turns an error body into a ServiceTitanError with status, title, traceId, field errors and where it happened", async () => {
    const st = freshClient();
    const error = (await st.crm.customers
      .create({ body: { name: "No Address" } as never })
      .catch((e: unknown) => e)) as ServiceTitanError;
    expect(error).toBeInstanceOf(ServiceTitanError);
    expect(error).toMatchObject({
      status: 400,
      title: "One or more validation errors occurred.",
      traceId: expect.stringMatching(/^00-/),
      errors: { address: ["The address field is required."], locations: ["The locations field is required."] },
      operationId: "Customers_Create",
      method: "POST",
      url: `${mock.url}/crm/v2/tenant/${CREDENTIALS.tenant}/customers`,
    });
    expect(error.message).toContain("address: The address field is required.");
  });

  it("keeps a non-JSON error body as rawBody", async () => {
    mock.injectFault({ status: 503, html: true }, { operationId: "Customers_Get" });
    const st = freshClient({ retry: false });
    const error = (await st.crm.customers.get({ id: 1 }).catch((e: unknown) => e)) as ServiceTitanError;
    expect(error.status).toBe(503);
    expect(error.rawBody).toContain("503 Service Unavailable");
  });

  it("times out per call, and a caller's abort stays an abort", async () => {
    const st = freshClient({ retry: false });
    await st.crm.customers.get({ id: 1 }); // token first, so only the call is timed
    mock.injectFault({ delayMs: 2000 }, { operationId: "Customers_Get", times: 2 });
    const timedOut = (await st.crm.customers
      .get({ id: 1 }, { timeoutMs: 100 })
      .catch((e: unknown) => e)) as ServiceTitanError;
    expect(timedOut).toBeInstanceOf(ServiceTitanError);
    expect(timedOut.status).toBe(0);
    expect(timedOut.title).toMatch(/timed out after 100 ms/);
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error("user gave up")), 50);
    await expect(st.crm.customers.get({ id: 1 }, { signal: controller.signal })).rejects.toThrow("user gave up");
  });

  it("reports a refused connection as a ServiceTitanError with status 0", async () => {
    const st = createServiceTitan(config({ baseUrl: await closedPortUrl(), tokenStore: memoryTokenStore() }));
    const error = (await st.crm.customers.get({ id: 1 }).catch((e: unknown) => e)) as ServiceTitanError;
    expect(error).toBeInstanceOf(ServiceTitanError);
    expect(error.status).toBe(0);
    expect(error.title).toMatch(/network error: ECONNREFUSED/);
  });

  it("never puts the client secret or a token in an error message, its JSON, or its stack", async () => {
    const errors: unknown[] = [];
    const st = freshClient();
    errors.push(await st.crm.customers.get({ id: 99_999 }).catch((e: unknown) => e));
    errors.push(
      await freshClient({ clientSecret: "cs1.another-wrong-secret" })
        .crm.customers.get({ id: 1 })
        .catch((e: unknown) => e),
    );
    errors.push(
      await freshClient({ baseUrl: await closedPortUrl() })
        .crm.customers.get({ id: 1 })
        .catch((e: unknown) => e),
    );
    const secrets = [CREDENTIALS.clientSecret, "cs1.another-wrong-secret", ...mock.issuedTokens()];
    expect(mock.issuedTokens().length).toBeGreaterThan(0);
    expect((errors[0] as ServiceTitanError).status).toBe(404);
    for (const error of errors) {
      expect(error).toBeInstanceOf(ServiceTitanError);
      const texts = [
        String(error),
        JSON.stringify(error),
        (error as Error).stack ?? "",
        JSON.stringify(Object.entries(error as object)),
      ];
      for (const text of texts) for (const secret of secrets) expect(text).not.toContain(secret);
    }
    for (const text of [JSON.stringify(st), JSON.stringify(Object.entries(st.crm))])
      expect(text).not.toContain(CREDENTIALS.clientSecret);
  });
});

describe("config", () => {
  it.each([
    [{ appKey: undefined }, "'appKey' is required"],
    [{ clientSecret: "" }, "'clientSecret' is required"],
    [{ tenant: "acme" }, "'tenant' must be the numeric tenant ID"],
    [{ tenant: 1.5 }, "'tenant' must be the numeric tenant ID"],
    [{ environment: "staging" }, "'environment' must be"],
    [{ baseUrl: "not a url" }, "'baseUrl' is not a valid URL"],
    [{ timeoutMs: -1 }, "'timeoutMs' must be a number of milliseconds above 0"],
    [{ tenantId: 5 }, "unknown option 'tenantId'"],
  ])("rejects %o up front", (overrides, message) => {
    const bad = { ...config(), ...overrides } as ServiceTitanConfig;
    expect(() => createServiceTitan(bad)).toThrow(ServiceTitanConfigError);
    expect(() => createServiceTitan(bad)).toThrow(message);
    try {
      createServiceTitan(bad);
    } catch (error) {
      expect(String(error)).not.toContain(CREDENTIALS.clientSecret);
    }
  });

  it("uses the production hosts by default and the integration hosts when asked", async () => {
    const seen: string[] = [];
    const recordingFetch: typeof fetch = async (input) => {
      seen.push(input instanceof Request ? input.url : String(input));
      return new Response(JSON.stringify({ access_token: "t", expires_in: 900 }), {
        status: 200,
        headers: { "Content-Type": "application/json" },
      });
    };
    const base = { ...CREDENTIALS, fetch: recordingFetch };
    await createServiceTitan({ ...base, clientId: "cid.prod" }).crm.customers.get({ id: 1 });
    await createServiceTitan({ ...base, clientId: "cid.int", environment: "integration" }).crm.customers.get({ id: 1 });
    expect(seen).toEqual([
      "https://auth.servicetitan.io/connect/token",
      `https://api.servicetitan.io/crm/v2/tenant/${CREDENTIALS.tenant}/customers/1`,
      "https://auth-integration.servicetitan.io/connect/token",
      `https://api-integration.servicetitan.io/crm/v2/tenant/${CREDENTIALS.tenant}/customers/1`,
    ]);
  });

  it("calls the given fetch on its own, as a browser's fetch needs (it throws when `this` is another object)", async () => {
    const calls: string[] = [];
    const browserLikeFetch = function (this: unknown, input: RequestInfo | URL) {
      if (this !== undefined && this !== globalThis)
        throw new TypeError("Failed to execute 'fetch': Illegal invocation");
      calls.push(String(input));
      return Promise.resolve(
        new Response(JSON.stringify({ access_token: "t", expires_in: 900, id: 1 }), { status: 200 }),
      );
    } as typeof fetch;
    const customer = await createServiceTitan({ ...CREDENTIALS, fetch: browserLikeFetch }).crm.customers.get({ id: 1 });
    expect(customer.id).toBe(1);
    expect(calls).toHaveLength(2); // the token, then the call
  });
});
