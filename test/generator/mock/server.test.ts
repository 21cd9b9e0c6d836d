import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startMockServer, type MockServer, type MockServerOptions } from "../../../generator/mock/index.js";
import { mockToken } from "../../helpers.js";

/** The mock's behaviour over real HTTP: auth, data, paging, export feeds, writes, faults and the log. */
let mock: MockServer;
let token: string;

beforeAll(async () => {
  mock = await startMockServer({ seed: 7 });
  token = await mockToken(mock);
});
afterAll(() => mock.close());
afterEach(() => {
  mock.reset();
  mock.setFaults({});
});

interface CallOptions {
  method?: string;
  body?: unknown;
  headers?: Record<string, string>;
  server?: MockServer;
  bearer?: string;
}
/** An API call with the right token and app key unless told otherwise; the path starts at the module. */
async function call(path: string, options: CallOptions = {}) {
  const server = options.server ?? mock;
  const headers: Record<string, string> = {
    Authorization: `Bearer ${options.bearer ?? token}`,
    "ST-App-Key": server.credentials.appKey,
    ...options.headers,
  };
  if (options.body !== undefined) headers["Content-Type"] = "application/json";
  const response = await fetch(server.url + path.replace("{tenant}", server.credentials.tenant), {
    method: options.method ?? "GET",
    headers,
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
  });
  const text = await response.text();
  const json = (() => {
    try {
      return JSON.parse(text) as Record<string, any>;
    } catch {
      return undefined;
    }
  })();
  return { status: response.status, headers: response.headers, text, json: json! };
}

const CUSTOMERS = "/crm/v2/tenant/{tenant}/customers";
const EXPORT_CUSTOMERS = "/crm/v2/tenant/{tenant}/export/customers";

describe("auth", () => {
  it("issues a token for a client-credentials form and refuses bad credentials and other grants", async () => {
    const ok = await fetch(`${mock.url}/connect/token`, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({
        grant_type: "client_credentials",
        client_id: mock.credentials.clientId,
        client_secret: mock.credentials.clientSecret,
      }),
    });
    expect(ok.status).toBe(200);
    expect(await ok.json()).toMatchObject({ expires_in: 900, token_type: "Bearer", access_token: expect.any(String) });
    const wrong = await fetch(`${mock.url}/connect/token`, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({
        grant_type: "client_credentials",
        client_id: mock.credentials.clientId,
        client_secret: "cs1.nope",
      }),
    });
    expect(wrong.status).toBe(400);
    expect(await wrong.json()).toEqual({ error: "invalid_client" });
    const json = await fetch(`${mock.url}/connect/token`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: "{}",
    });
    expect(json.status).toBe(400);
  });

  it.each([
    ["no bearer token", 401, { bearer: "" }, /Bearer token is required/],
    ["an unknown token", 401, { bearer: "mock.forged" }, /invalid or has expired/],
    ["no ST-App-Key", 401, { headers: { "ST-App-Key": "" } }, /ST-App-Key header is required/],
    ["a wrong ST-App-Key", 403, { headers: { "ST-App-Key": "ak1.other" } }, /application key is not valid/],
  ] as const)("answers a call with %s: %i in ApiErrorResponse shape", async (_, status, options, title) => {
    const answer = await call(`${CUSTOMERS}/1`, options as CallOptions);
    expect(answer.status).toBe(status);
    expect(answer.json).toEqual({
      type: expect.stringMatching(/^https:/),
      title: expect.stringMatching(title),
      status,
      traceId: expect.any(String),
      errors: {},
      data: {},
    });
  });

  it("answers 404 for a tenant the client is not connected to", async () => {
    const answer = await call("/crm/v2/tenant/999/customers/1");
    expect(answer.status).toBe(404);
    expect(answer.json.title).toMatch(/Tenant 999 was not found/);
  });

  it("expires tokens after expires_in, and on demand", async () => {
    const shortLived = await startMockServer({ expiresIn: 1 });
    try {
      const bearer = await mockToken(shortLived);
      expect((await call(`${CUSTOMERS}/1`, { server: shortLived, bearer })).status).toBe(200);
      await new Promise((resolve) => setTimeout(resolve, 1050));
      expect((await call(`${CUSTOMERS}/1`, { server: shortLived, bearer })).status).toBe(401);
      const fresh = await mockToken(shortLived);
      shortLived.expireTokens();
      expect((await call(`${CUSTOMERS}/1`, { server: shortLived, bearer: fresh })).status).toBe(401);
    } finally {
      await shortLived.close();
    }
  });

  it("refuses an operation whose OAuth scope the client was not granted, naming the scope", async () => {
    const scoped = await startMockServer({ scopes: ["tn.crm.customers:r"] });
    try {
      const bearer = await mockToken(scoped);
      expect((await call(`${CUSTOMERS}/1`, { server: scoped, bearer })).status).toBe(200);
      const denied = await call("/jpm/v2/tenant/{tenant}/jobs/1", { server: scoped, bearer });
      expect(denied.status).toBe(403);
      expect(denied.json.title).toContain("tn.jpm.jobs:r");
    } finally {
      await scoped.close();
    }
  });
});

describe("data", () => {
  it("is the same for the same seed and different for another", async () => {
    const paths = [
      `${CUSTOMERS}?page=2&pageSize=3`,
      `${CUSTOMERS}/17`,
      "/jpm/v2/tenant/{tenant}/jobs/5",
      EXPORT_CUSTOMERS,
      "/pricebook/v2/tenant/{tenant}/services/3",
    ];
    const read = async (options: MockServerOptions) => {
      const server = await startMockServer(options);
      try {
        const bearer = await mockToken(server);
        return await Promise.all(paths.map(async (path) => (await call(path, { server, bearer })).text));
      } finally {
        await server.close();
      }
    };
    const [first, again, other] = [await read({ seed: 42 }), await read({ seed: 42 }), await read({ seed: 43 })];
    expect(again).toEqual(first);
    paths.forEach((_, i) => expect(other[i]).not.toEqual(first[i]));
  });

  it("gives a record the same fields in a list, by id, and in the export feed", async () => {
    const page = await call(`${CUSTOMERS}?page=3&pageSize=10`);
    const listed = page.json.data[4];
    expect(listed.id).toBe(25);
    const byId = await call(`${CUSTOMERS}/25`);
    expect(byId.json).toEqual(listed);
    const feed = await call(EXPORT_CUSTOMERS);
    const exported = feed.json.data.find((row: { id: number }) => row.id === 25);
    expect(exported.name).toBe(listed.name);
    expect(exported.modifiedOn).toBe(listed.modifiedOn);
  });

  it("answers 404 for an id that is not in the collection", async () => {
    const missing = await call(`${CUSTOMERS}/5000`);
    expect(missing.status).toBe(404);
    expect(missing.json.title).toBe("Customer with id 5000 was not found.");
  });
});

describe("paged lists", () => {
  it("walks every record once with page/pageSize, reports hasMore, and totalCount only when asked", async () => {
    const ids: number[] = [];
    for (let page = 1; ; page++) {
      const answer = await call(`${CUSTOMERS}?page=${page}&pageSize=25${page === 1 ? "&includeTotal=true" : ""}`);
      expect(answer.json.page).toBe(page);
      expect(answer.json.pageSize).toBe(25);
      expect(answer.json.totalCount).toBe(page === 1 ? 120 : null);
      ids.push(...answer.json.data.map((row: { id: number }) => row.id));
      if (!answer.json.hasMore) break;
    }
    expect(ids).toEqual(Array.from({ length: 120 }, (_, i) => i + 1));
  });

  it("defaults to page 1 of 50 and refuses a page size over the maximum or a non-numeric page", async () => {
    const first = await call(CUSTOMERS);
    expect([first.json.page, first.json.pageSize, first.json.data.length, first.json.hasMore]).toEqual([
      1,
      50,
      50,
      true,
    ]);
    const tooBig = await call(`${CUSTOMERS}?pageSize=5001`);
    expect(tooBig.status).toBe(400);
    expect(tooBig.json.errors.pageSize).toEqual(["pageSize must be between 1 and 5000."]);
    const notANumber = await call(`${CUSTOMERS}?page=two`);
    expect(notANumber.status).toBe(400);
    expect(notANumber.json.errors.page[0]).toContain("'two' is not valid");
  });
});

describe("export feeds", () => {
  async function readFeed(from?: string, extra = "") {
    const rows: { id: number; active: boolean }[] = [];
    let token = from;
    let pages = 0;
    for (;;) {
      const query = [token ? `from=${encodeURIComponent(token)}` : "", extra].filter(Boolean).join("&");
      const answer = await call(`${EXPORT_CUSTOMERS}${query ? `?${query}` : ""}`);
      expect(answer.status).toBe(200);
      rows.push(...answer.json.data);
      token = answer.json.continueFrom;
      pages++;
      if (!answer.json.hasMore) return { rows, token: token!, pages };
    }
  }

  it("serves the whole fixed-size dataset in order, then a token that yields nothing new", async () => {
    const all = await readFeed();
    expect(all.rows.map((r) => r.id)).toEqual(Array.from({ length: 120 }, (_, i) => i + 1));
    expect(all.pages).toBe(2); // 100 rows per answer
    const again = await readFeed(all.token);
    expect(again.rows).toEqual([]);
    expect(again.token).toBe(all.token);
  });

  it("resumes after a saved continueFrom with exactly the rows after it", async () => {
    const first = await call(EXPORT_CUSTOMERS);
    expect(first.json.hasMore).toBe(true);
    const rest = await readFeed(first.json.continueFrom);
    expect(rest.rows.map((r) => r.id)).toEqual(Array.from({ length: 20 }, (_, i) => i + 101));
  });

  it("starts at a date, and refuses a token it never issued", async () => {
    // Record n was last modified n minutes after 2025-01-01T00:00:00Z.
    const fromDate = await readFeed("2025-01-01T01:40:00Z");
    expect(fromDate.rows[0]!.id).toBe(100);
    expect(fromDate.rows).toHaveLength(21);
    const bad = await call(`${EXPORT_CUSTOMERS}?from=not-a-token`);
    expect(bad.status).toBe(400);
    expect(bad.json.errors.from[0]).toContain("neither a continuation token nor a date");
  });

  it("shows writes after the token, and repeats recent rows only with includeRecentChanges", async () => {
    const caughtUp = await readFeed();
    await call(`${CUSTOMERS}/7`, { method: "PATCH", body: { name: "Renamed Plumbing" } });
    await call(`${CUSTOMERS}/9`, { method: "PATCH", body: { name: "Other Heating" } });
    const changes = await readFeed(caughtUp.token);
    expect(changes.rows.map((r) => r.id)).toEqual([7, 9]);
    expect(changes.rows.map((r) => (r as unknown as { name: string }).name)).toEqual([
      "Renamed Plumbing",
      "Other Heating",
    ]);
    const withRecent = await readFeed(changes.token, "includeRecentChanges=true");
    expect(withRecent.rows.map((r) => r.id)).toEqual([7, 9]); // the two rows before the token, again
    const all = await readFeed();
    expect(all.rows.map((r) => r.id).slice(-2)).toEqual([7, 9]); // moved to the end, not listed twice
    expect(all.rows).toHaveLength(120);
  });
});

describe("writes", () => {
  it("create → read → update → delete round trip, seen by lists and the export feed", async () => {
    const created = await call(CUSTOMERS, {
      method: "POST",
      body: {
        name: "Round Trip HVAC",
        type: "Commercial",
        address: { street: "1 Main St", city: "Austin", state: "TX", zip: "78701", country: "USA" },
        locations: [],
      },
    });
    expect(created.json.errors).toBeUndefined();
    expect(created.status).toBe(200);
    const id = created.json.id as number;
    expect(id).toBe(121);
    expect((await call(`${CUSTOMERS}/${id}`)).json.name).toBe("Round Trip HVAC");
    expect((await call(`${CUSTOMERS}?includeTotal=true`)).json.totalCount).toBe(121);

    const updated = await call(`${CUSTOMERS}/${id}`, { method: "PATCH", body: { name: "Renamed HVAC" } });
    expect(updated.status).toBe(200);
    expect((await call(`${CUSTOMERS}/${id}`)).json).toMatchObject({ id, name: "Renamed HVAC", type: "Commercial" });

    const noDelete = await call(`${CUSTOMERS}/3`, { method: "DELETE" }); // the spec has no customer delete
    expect(noDelete.status).toBe(405);
    expect(noDelete.headers.get("allow")).toBe("GET, PATCH");
    const team = "/dispatch/v2/tenant/{tenant}/teams/2";
    expect((await call(team)).status).toBe(200);
    expect((await call(team, { method: "DELETE" })).status).toBeLessThan(300);
    expect((await call(team)).status).toBe(404);
    expect((await call(team, { method: "DELETE" })).status).toBe(404);
  });

  it("refuses a body that breaks the schema with 400 and the field errors", async () => {
    const answer = await call(CUSTOMERS, { method: "POST", body: { name: 12, type: "Spaceship" } });
    expect(answer.status).toBe(400);
    expect(answer.json.title).toBe("One or more validation errors occurred.");
    expect(answer.json.errors).toMatchObject({
      name: ["name must be string."],
      address: ["The address field is required."],
      locations: ["The locations field is required."],
    });
    expect(answer.json.errors.type).toBeDefined();
    const broken = await fetch(mock.url + CUSTOMERS.replace("{tenant}", mock.credentials.tenant), {
      method: "POST",
      headers: {
        Authorization: `Bearer ${token}`,
        "ST-App-Key": mock.credentials.appKey,
        "Content-Type": "application/json",
      },
      body: "{ not json",
    });
    expect(broken.status).toBe(400);
  });

  it("forgets writes on reset", async () => {
    await call(`${CUSTOMERS}/4`, { method: "PATCH", body: { name: "Changed" } });
    expect((await call(`${CUSTOMERS}/4`)).json.name).toBe("Changed");
    mock.reset();
    expect((await call(`${CUSTOMERS}/4`)).json.name).not.toBe("Changed");
  });
});

describe("fault injection", () => {
  async function statuses(n: number, path = `${CUSTOMERS}/1`) {
    const results: number[] = [];
    for (let i = 0; i < n; i++)
      results.push(
        await call(path).then(
          (a) => a.status,
          () => 0,
        ),
      );
    return results;
  }

  it("answers a configured share of calls 429 with Retry-After", async () => {
    mock.setFaults({ rate429: 0.2, retryAfterSeconds: 3 });
    const results = await statuses(500);
    const share = results.filter((s) => s === 429).length / results.length;
    expect(share).toBeGreaterThan(0.15);
    expect(share).toBeLessThan(0.25);
    const limited = mock.apiRequests().find((r) => r.status === 429)!;
    expect(limited.fault).toBe("rate429");
    mock.setFaults({ rate429: 1, retryAfterSeconds: 3 });
    const one = await call(`${CUSTOMERS}/1`);
    expect(one.headers.get("retry-after")).toBe("3");
    expect(one.json.title).toBe("Rate limit is exceeded. Try again in 3 seconds.");
  });

  it("answers a share with 5xx HTML pages and drops a share of connections", async () => {
    mock.setFaults({ rate5xx: 0.1, rateDrop: 0.1 });
    const results = await statuses(500);
    const errors = results.filter((s) => s >= 500).length / results.length;
    const dropped = results.filter((s) => s === 0).length / results.length;
    expect(errors).toBeGreaterThan(0.06);
    expect(errors).toBeLessThan(0.14);
    expect(dropped).toBeGreaterThan(0.06);
    expect(dropped).toBeLessThan(0.14);
    mock.setFaults({ rate5xx: 1 });
    const page = await call(`${CUSTOMERS}/1`);
    expect(page.headers.get("content-type")).toMatch(/^text\/html/);
    expect(page.text).toMatch(/<html>.*(Bad Gateway|Service Unavailable|Gateway Timeout)/s);
  });

  it("limits each tenant to N requests per second", async () => {
    mock.setFaults({ rateLimitPerSecond: 10 });
    const started = Date.now();
    const burst = await Promise.all(Array.from({ length: 30 }, () => call(`${CUSTOMERS}/1`)));
    expect(Date.now() - started).toBeLessThan(900); // the whole burst fell inside one window
    expect(burst.filter((a) => a.status === 200)).toHaveLength(10);
    const limited = burst.filter((a) => a.status === 429);
    expect(limited).toHaveLength(20);
    expect(limited[0]!.headers.get("retry-after")).toBe("1");
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect((await call(`${CUSTOMERS}/1`)).status).toBe(200);
  });

  it("adds latency", async () => {
    mock.setFaults({ latencyMs: 120 });
    const started = performance.now();
    await call(`${CUSTOMERS}/1`);
    expect(performance.now() - started).toBeGreaterThanOrEqual(115);
  });

  it("injects scripted faults into the next matching calls only", async () => {
    mock.injectFault({ status: 503, html: true }, { operationId: "Customers_Get", times: 2 });
    mock.injectFault(
      { status: 429, retryAfter: null, title: "Too many requests. Try again in 7 seconds." },
      { path: "/jobs/" },
    );
    expect((await call("/jpm/v2/tenant/{tenant}/jobs/1")).json.title).toBe(
      "Too many requests. Try again in 7 seconds.",
    );
    expect(await statuses(3)).toEqual([503, 503, 200]);
    expect((await call("/jpm/v2/tenant/{tenant}/jobs/1")).status).toBe(200);
  });
});

describe("request log", () => {
  it("records method, path, query, headers and body, with no secret in it", async () => {
    await call(`${CUSTOMERS}?page=2&sort=%2BName`, { headers: { "X-Request-Id": "abc" } });
    await call("/crm/v2/tenant/{tenant}/tags", { method: "POST", body: { name: "vip" } }).catch(() => undefined);
    const [list, create] = mock.apiRequests();
    expect(list).toMatchObject({
      kind: "api",
      method: "GET",
      path: `/crm/v2/tenant/${mock.credentials.tenant}/customers`,
      query: { page: "2", sort: "+Name" },
      operationId: "Customers_GetList",
      domain: "crm",
      status: 200,
    });
    expect(list!.url).toContain("sort=%2BName");
    expect(list!.headers["x-request-id"]).toBe("abc");
    expect(list!.headers["st-app-key"]).toBe(mock.credentials.appKey);
    expect(list!.headers.authorization).toMatch(/^Bearer \[token \d+\]$/);
    expect(create!.body).toEqual({ name: "vip" });

    await mockToken(mock);
    const text = JSON.stringify(mock.requests);
    expect(mock.requests.some((r) => r.kind === "token")).toBe(true);
    for (const secret of [mock.credentials.clientSecret, ...mock.issuedTokens()]) expect(text).not.toContain(secret);
  });
});
