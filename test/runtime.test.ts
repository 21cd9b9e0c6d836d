import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createServiceTitan, ServiceTitanConfigError, ServiceTitanError, type ServiceTitanConfig } from "../generated/index.js";
import { createCrmClient } from "../generated/crm/index.js";
import { CREDENTIALS, json, problem, startFakeServiceTitan, type FakeServiceTitan } from "./fake-servicetitan.js";

let fake: FakeServiceTitan;
let serial = 0;

/** Each test gets its own client ID, so the process-wide token cache never leaks between tests. */
function config(overrides: Partial<ServiceTitanConfig> = {}): ServiceTitanConfig {
  return { ...CREDENTIALS, baseUrl: fake.url, authUrl: fake.url, ...overrides };
}
function freshClient(overrides: Partial<ServiceTitanConfig> = {}) {
  // A distinct auth URL per client (same server, another path) keeps token caches apart.
  return createServiceTitan(config({ authUrl: `${fake.url}/client-${++serial}`, ...overrides }));
}

beforeAll(async () => {
  fake = await startFakeServiceTitan();
});
afterAll(() => fake.close());
afterEach(() => {
  fake.log.length = 0;
  fake.setTokenDelay(0);
});

/** A loopback URL where nothing listens: a port that was free a moment ago. */
async function closedPortUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return `http://127.0.0.1:${port}`;
}

function customerRoute() {
  fake.route("GET", "/crm/v2/tenant/:tenant/customers/:id", (req, params, res) =>
    json(res, 200, { id: Number(params.id), name: "Smith Plumbing", active: true }),
  );
}

describe("tokens", () => {
  it("makes exactly one token request for 100 concurrent first calls", async () => {
    customerRoute();
    fake.setTokenDelay(50);
    const before = fake.tokenRequests;
    const st = freshClient();
    const results = await Promise.all(Array.from({ length: 100 }, (_, i) => st.crm.customers.get({ id: i + 1 })));
    expect(fake.tokenRequests - before).toBe(1);
    expect(results.map((c) => c.id)).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
  });

  it("shares the cached token between two clients with the same auth URL and client ID", async () => {
    customerRoute();
    const before = fake.tokenRequests;
    const authUrl = `${fake.url}/shared`;
    await createServiceTitan(config({ authUrl })).crm.customers.get({ id: 1 });
    await createCrmClient(config({ authUrl })).customers.get({ id: 2 });
    expect(fake.tokenRequests - before).toBe(1);
  });

  it("fetches a new token once the cached one has expired", async () => {
    const shortLived = await startFakeServiceTitan({ expiresIn: 1 });
    try {
      shortLived.route("GET", "/crm/v2/tenant/:tenant/customers/:id", (_req, params, res) => json(res, 200, { id: Number(params.id) }));
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

  it("on a 401 drops the token, fetches a new one and retries the call once", async () => {
    let creates = 0;
    fake.route("POST", "/crm/v2/tenant/:tenant/tags", (req, _params, res) => {
      creates++;
      json(res, 200, { echoed: JSON.parse(req.body.toString("utf8")) });
    });
    const st = freshClient();
    await st.crm.customers.get({ id: 1 }).catch(() => undefined); // warm the token
    fake.revokeTokens();
    const before = fake.tokenRequests;
    fake.log.length = 0;
    const path = "/tenant/{tenant}/tags" as never;
    const { data } = await st.crm.POST(path, { body: { name: "vip" } } as never);
    expect(data).toEqual({ echoed: { name: "vip" } });
    expect(fake.tokenRequests - before).toBe(1);
    const calls = fake.apiRequests();
    expect(calls.map((r) => r.headers.authorization === calls[0]!.headers.authorization)).toEqual([true, false]);
    expect(calls[1]!.body.toString("utf8")).toBe('{"name":"vip"}'); // the body survived the retry
    expect(creates).toBe(1); // the first attempt was refused before reaching the handler
  });

  it("gives up after one retry when the new token is refused too", async () => {
    fake.route("GET", "/crm/v2/tenant/:tenant/customers/:id", (_req, _params, res) => problem(res, 401, "Token rejected"));
    const st = freshClient();
    const error = await st.crm.customers.get({ id: 5 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ServiceTitanError);
    expect((error as ServiceTitanError).status).toBe(401);
    expect(fake.apiRequests()).toHaveLength(2);
  });

  it("reports bad credentials at the token endpoint without echoing the secret", async () => {
    const st = freshClient({ clientSecret: "cs1.wrong-secret-zzz" });
    const error = (await st.crm.customers.get({ id: 1 }).catch((e: unknown) => e)) as ServiceTitanError;
    expect(error).toBeInstanceOf(ServiceTitanError);
    expect(error.status).toBe(400);
    expect(error.message).toContain("invalid_client");
    expect(error.message).toContain(CREDENTIALS.clientId);
    for (const text of [error.message, JSON.stringify(error), String(error.stack)]) expect(text).not.toContain("cs1.wrong-secret-zzz");
  });
});

describe("requests", () => {
  it("sends the bearer token, the app key and the configured tenant, and never asks callers for the tenant", async () => {
    customerRoute();
    const st = freshClient();
    const customer = await st.crm.customers.get({ id: 42 });
    expect(customer).toEqual({ id: 42, name: "Smith Plumbing", active: true });
    const [call] = fake.apiRequests();
    expect(call!.path).toBe(`/crm/v2/tenant/${CREDENTIALS.tenant}/customers/42`);
    expect(call!.headers.authorization).toMatch(/^Bearer token-/);
    expect(call!.headers["st-app-key"]).toBe(CREDENTIALS.appKey);
    expect(call!.headers.accept).toBe("application/json");
  });

  it("sends query parameters, dotted names, a literal + in sort, and per-call headers", async () => {
    const emptyPage = { page: 1, pageSize: 5, hasMore: false, totalCount: null, data: [] };
    fake.route("GET", "/accounting/v2/tenant/:tenant/ap-bills", (_req, _params, res) => json(res, 200, emptyPage));
    fake.route("GET", "/crm/v2/tenant/:tenant/customers", (_req, _params, res) => json(res, 200, emptyPage));
    const st = freshClient();
    const page = await st.accounting.apBills.getListPaginated(
      { page: 1, pageSize: 5, "customField.Operator": "Or" as never, "customField.Fields": { Color: "Red" } },
      { headers: { "X-Request-Id": "abc" } },
    );
    expect(page.hasMore).toBe(false);
    await st.crm.customers.getList({ sort: "+ModifiedOn", active: "Any" });
    const [bills, customers] = fake.apiRequests();
    expect(bills!.query.get("page")).toBe("1");
    expect(bills!.query.get("customField.Operator")).toBe("Or");
    expect(bills!.query.get("customField.Fields[Color]")).toBe("Red");
    expect(bills!.headers["x-request-id"]).toBe("abc");
    expect(customers!.query.get("sort")).toBe("+ModifiedOn");
    expect(customers!.url).toContain("sort=%2BModifiedOn");
    expect(customers!.query.get("active")).toBe("Any");
  });

  it("puts `id` in the path and `queryId` in the query for Receipts_CancelReceipts", async () => {
    fake.route("PATCH", "/inventory/v2/tenant/:tenant/receipts/:id/cancellation", (req, params, res) =>
      json(res, 200, { id: Number(params.id), query: req.query.get("id"), body: JSON.parse(req.body.toString()) }),
    );
    const st = freshClient();
    const result = await st.inventory.receipts.cancelReceipts({ id: 7, queryId: 8, body: { canceledReason: {} } as never });
    expect(result).toEqual({ id: 7, query: "8", body: { canceledReason: {} } });
    expect(fake.apiRequests()[0]!.headers["content-type"]).toBe("application/json");
  });

  it("resolves to undefined for a 2xx without a body", async () => {
    fake.route("DELETE", "/crm/v2/tenant/:tenant/booking-provider/:provider/bookings/:id/contacts/:contactId", (_req, _params, res) => {
      res.writeHead(200);
      res.end();
    });
    const st = freshClient();
    await expect(st.crm.bookings.deleteContact({ booking_provider: 1, id: 2, contactId: 3 })).resolves.toBeUndefined();
  });

  it("reads JSON that arrives as text/plain (marketing reputation reviews)", async () => {
    fake.route("GET", "/marketingreputation/v2/tenant/:tenant/reviews", (_req, _params, res) =>
      json(res, 200, { page: 1, pageSize: 50, hasMore: false, totalCount: 1, data: [{ review: "Great job", rating: 5 }] }, "text/plain; charset=utf-8"),
    );
    const st = freshClient();
    const reviews = await st.marketingReputation.reviews({ page: 1 });
    expect(reviews.data?.[0]?.rating).toBe(5);
  });

  it("returns telecom recordings as a Blob from the /v2 path, and v3 paths work too", async () => {
    const audio = Buffer.from([0x49, 0x44, 0x33, 0x04, 0x00, 0xff]);
    fake.route("GET", "/telecom/v2/tenant/:tenant/calls/:id/recording", (_req, _params, res) => {
      res.writeHead(200, { "Content-Type": "application/octet-stream" });
      res.end(audio);
    });
    fake.route("GET", "/telecom/v3/tenant/:tenant/calls", (_req, _params, res) => json(res, 200, { page: 1, pageSize: 50, hasMore: false, totalCount: null, data: [] }));
    const st = freshClient();
    const blob = await st.telecom.calls.getRecording({ id: 99 });
    expect(blob).toBeInstanceOf(Blob);
    expect(Buffer.from(await blob.arrayBuffer())).toEqual(audio);
    const v3 = fake.apiRequests().length;
    await st.telecom.calls.calls({});
    expect(fake.apiRequests()[v3]!.path).toBe(`/telecom/v3/tenant/${CREDENTIALS.tenant}/calls`);
  });

  it("follows a 302 download to the file (pricebook images)", async () => {
    fake.route("GET", "/pricebook/v2/tenant/:tenant/images", (req, _params, res) => {
      res.writeHead(302, { Location: `/files/${req.query.get("path")}` });
      res.end();
    });
    fake.route("GET", "/files/Images/pipe.png", (_req, _params, res) => {
      res.writeHead(200, { "Content-Type": "image/png" });
      res.end(Buffer.from("PNGDATA"));
    });
    const st = freshClient();
    const image = await st.pricebook.images.get({ path: "Images/pipe.png" });
    expect(await image.text()).toBe("PNGDATA");
  });

  it("sends uploads declared as a binary field as multipart/form-data", async () => {
    fake.route("POST", "/pricebook/v2/tenant/:tenant/images", (req, _params, res) => json(res, 200, { contentType: req.headers["content-type"], body: req.body.toString("latin1") }));
    const st = freshClient();
    const result = (await st.pricebook.images.post({ body: { file: new Blob(["IMAGEBYTES"], { type: "image/png" }) } })) as unknown as { contentType: string; body: string };
    expect(result.contentType).toMatch(/^multipart\/form-data; boundary=/);
    expect(result.body).toContain('name="file"');
    expect(result.body).toContain("IMAGEBYTES");
  });

  it("path style: tenant filled in when left out, openapi-fetch's { data, error, response } kept", async () => {
    customerRoute();
    const st = freshClient();
    const ok = await st.crm.GET("/tenant/{tenant}/customers/{id}", { params: { path: { id: 5 } } });
    expect(ok.data?.id).toBe(5);
    expect(ok.response.status).toBe(200);
    const missing = await st.crm.GET("/tenant/{tenant}/customers/{id}", { params: { path: { id: 5, tenant: 999 } } });
    expect(missing.response.status).toBe(404);
    expect(missing.error?.title).toBe("Tenant 999 not found");
  });
});

describe("path style limits", () => {
  it("applies the client's timeoutMs to path-style calls too", async () => {
    fake.route("GET", "/crm/v2/tenant/:tenant/customers/:id", (_req, _params, res) => void setTimeout(() => json(res, 200, {}), 2000));
    const st = freshClient({ timeoutMs: 150 });
    await st.crm.customers.get({ id: 0 }, { timeoutMs: 30_000 }).catch(() => undefined); // warm the token
    const started = Date.now();
    const error = await st.crm.GET("/tenant/{tenant}/customers/{id}", { params: { path: { id: 1 } } }).catch((e: unknown) => e);
    expect((error as Error).name).toBe("TimeoutError");
    expect(Date.now() - started).toBeLessThan(1500);
  });
});

describe("errors", () => {
  it("turns an error body into a ServiceTitanError with status, title, traceId, field errors and where it happened", async () => {
    fake.route("POST", "/crm/v2/tenant/:tenant/customers", (_req, _params, res) => problem(res, 400, "One or more validation errors occurred.", { Name: ["The Name field is required."] }));
    const st = freshClient();
    const error = (await st.crm.customers.create({ body: {} as never }).catch((e: unknown) => e)) as ServiceTitanError;
    expect(error).toBeInstanceOf(ServiceTitanError);
    expect(error).toMatchObject({
      status: 400,
      title: "One or more validation errors occurred.",
      traceId: "trace-400-abc",
      errors: { Name: ["The Name field is required."] },
      operationId: "Customers_Create",
      method: "POST",
      url: `${fake.url}/crm/v2/tenant/${CREDENTIALS.tenant}/customers`,
    });
    expect(error.message).toContain("Name: The Name field is required.");
  });

  it("keeps a non-JSON error body as rawBody", async () => {
    fake.route("GET", "/crm/v2/tenant/:tenant/customers/:id", (_req, _params, res) => {
      res.writeHead(503, { "Content-Type": "text/html" });
      res.end("<html><body>Service Unavailable</body></html>");
    });
    const st = freshClient();
    const error = (await st.crm.customers.get({ id: 1 }).catch((e: unknown) => e)) as ServiceTitanError;
    expect(error.status).toBe(503);
    expect(error.rawBody).toContain("Service Unavailable");
  });

  it("times out per call, and a caller's abort stays an abort", async () => {
    fake.route("GET", "/crm/v2/tenant/:tenant/customers/:id", (_req, _params, res) => void setTimeout(() => json(res, 200, {}), 2000));
    const st = freshClient();
    await st.crm.customers.get({ id: 0 }).catch(() => undefined); // token first, so only the call is timed
    const timedOut = (await st.crm.customers.get({ id: 1 }, { timeoutMs: 100 }).catch((e: unknown) => e)) as ServiceTitanError;
    expect(timedOut).toBeInstanceOf(ServiceTitanError);
    expect(timedOut.status).toBe(0);
    expect(timedOut.title).toMatch(/timed out after 100 ms/);
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error("user gave up")), 50);
    await expect(st.crm.customers.get({ id: 1 }, { signal: controller.signal })).rejects.toThrow("user gave up");
  });

  it("reports a refused connection as a ServiceTitanError with status 0", async () => {
    const st = createServiceTitan(config({ baseUrl: await closedPortUrl(), authUrl: fake.url + "/refused" }));
    const error = (await st.crm.customers.get({ id: 1 }).catch((e: unknown) => e)) as ServiceTitanError;
    expect(error).toBeInstanceOf(ServiceTitanError);
    expect(error.status).toBe(0);
    expect(error.title).toMatch(/network error: ECONNREFUSED/);
  });

  it("never puts the client secret or a token in an error message, its JSON, or its stack", async () => {
    const errors: unknown[] = [];
    fake.route("GET", "/crm/v2/tenant/:tenant/customers/:id", (_req, _params, res) => problem(res, 404, "Customer not found"));
    const st = freshClient();
    errors.push(await st.crm.customers.get({ id: 1 }).catch((e: unknown) => e));
    errors.push(await freshClient({ clientSecret: "cs1.another-wrong-secret" }).crm.customers.get({ id: 1 }).catch((e: unknown) => e));
    errors.push(await freshClient({ baseUrl: await closedPortUrl() }).crm.customers.get({ id: 1 }).catch((e: unknown) => e));
    const secrets = [CREDENTIALS.clientSecret, "cs1.another-wrong-secret", ...fake.issuedTokens()];
    expect(fake.issuedTokens().length).toBeGreaterThan(0);
    for (const error of errors) {
      expect(error).toBeInstanceOf(ServiceTitanError);
      const texts = [String(error), JSON.stringify(error), (error as Error).stack ?? "", JSON.stringify(Object.entries(error as object))];
      for (const text of texts) for (const secret of secrets) expect(text).not.toContain(secret);
    }
    for (const text of [JSON.stringify(st), JSON.stringify(Object.entries(st.crm))]) expect(text).not.toContain(CREDENTIALS.clientSecret);
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
    [{ timeoutMs: -1 }, "'timeoutMs' must be a positive number"],
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
      return new Response(JSON.stringify({ access_token: "t", expires_in: 900 }), { status: 200, headers: { "Content-Type": "application/json" } });
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
});
