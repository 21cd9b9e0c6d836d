import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { gzipSync } from "node:zlib";
import path from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import {
  AuthenticationError,
  createServiceTitan,
  NetworkError,
  PermissionError,
  ServiceTitanConfigError,
  ServiceTitanError,
  TimeoutError,
  type ServiceTitanConfig,
} from "../../generated/index.js";
import { retryAfterMs } from "../../runtime/retry.js";
import { VERSION } from "../../runtime/version.js";
import {
  startStrictServer,
  STRICT,
  strictConfig,
  type Answer,
  type StrictOptions,
  type StrictServer,
} from "../fakes/strict-servicetitan.js";
import { ROOT } from "../helpers.js";

/**
 * The README's "Guarantees", each tried as a hostile server or a careless caller would, over real HTTP
 * against the strict fake (test/fakes/strict-servicetitan.ts); crashes and hangs in a child process.
 */
let server: StrictServer;
beforeAll(async () => {
  server = await startStrictServer();
});
afterEach(() => {
  server.requests.length = 0;
  server.options.api = undefined;
  server.options.token = undefined;
  server.options.expiresIn = undefined;
  vi.restoreAllMocks();
});
afterAll(() => server.close());

function client(overrides: Partial<ServiceTitanConfig> = {}) {
  return createServiceTitan({ ...strictConfig(server), retry: { baseDelayMs: 10 }, ...overrides });
}
function serve(api: StrictOptions["api"]) {
  server.options.api = api;
}
async function rejection(promise: Promise<unknown>): Promise<Error> {
  const outcome = await promise.then(
    () => new Error("expected a rejection, the call resolved"),
    (error: unknown) => error as Error,
  );
  expect(outcome.message).not.toBe("expected a rejection, the call resolved");
  return outcome;
}
/** Reads an iterator to its end. */
async function drain(rows: AsyncIterable<unknown>): Promise<unknown[]> {
  const all: unknown[] = [];
  for await (const row of rows) all.push(row);
  return all;
}
/** Everything an error carries that a log or a report could show. */
function everything(error: unknown): string {
  return `${(error as Error).message}\n${(error as Error).stack}\n${JSON.stringify(error)}`;
}

/** Runs test/fixtures/hostile-process.ts in a child process; resolves with its exit code, output and time. */
function runScenario(
  scenario: string,
  url: string,
  limitMs = 20_000,
): Promise<{ code: number | null; stdout: string; stderr: string; ms: number }> {
  const started = Date.now();
  const child = spawn(
    process.execPath,
    [
      path.join(ROOT, "node_modules/tsx/dist/cli.mjs"),
      path.join(ROOT, "test/fixtures/hostile-process.ts"),
      scenario,
      url,
    ],
    { cwd: ROOT },
  );
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk: Buffer) => (stdout += chunk));
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk));
  const killer = setTimeout(() => child.kill("SIGKILL"), limitMs);
  return new Promise((resolve) =>
    child.on("close", (code) => {
      clearTimeout(killer);
      resolve({ code, stdout, stderr, ms: Date.now() - started });
    }),
  );
}

describe("guarantee: nothing the client does crashes or holds the caller's process", () => {
  it("an already-aborted first call, while the token endpoint fails, rejects with the abort reason and leaves no unhandled rejection", async () => {
    for (const status of [400, 503]) {
      server.options.token = () => ({ status, json: { error: "invalid_client" } });
      const run = await runScenario("aborted-first-call", server.url);
      expect(run.stdout.trim(), run.stderr).toBe("rejected: caller gave up");
      expect(run.code, run.stderr).toBe(0);
    }
  });

  it("a hook that returns a rejected promise is logged, not left unhandled", async () => {
    serve(() => ({ json: { id: 1 } }));
    const run = await runScenario("async-hook-rejects", server.url);
    expect(run.stdout.trim(), run.stderr).toBe("resolved");
    expect(run.code, run.stderr).toBe(0);
  });

  it("a caller that aborts while the token request hangs is released, and the process ends at once (timeoutMs is 100 s)", async () => {
    server.options.token = () => ({ raw: () => {} }); // never answers
    const run = await runScenario("abort-during-hanging-token", server.url);
    expect(run.stdout.trim(), run.stderr).toMatch(/^rejected: .*timeout|aborted/i);
    expect(run.code, run.stderr).toBe(0);
    expect(run.ms).toBeLessThan(10_000);
  });

  it("callers that abort while queued for the rate limit or during a backoff leave nothing running", async () => {
    serve(() => ({ status: 503, text: "<html>busy</html>" }));
    const run = await runScenario("abort-while-waiting", server.url);
    expect(run.stdout.trim().split("; ")).toHaveLength(5);
    expect(run.code, run.stderr).toBe(0);
    expect(run.ms).toBeLessThan(10_000);
  });

  it("a logger that throws changes no outcome and causes no resend", async () => {
    serve((request) => ({ json: { id: 1, method: request.method } }));
    const logger = {
      debug: () => {
        throw new Error("log sink is down");
      },
      warn: () => {
        throw new Error("log sink is down");
      },
    };
    const st = client({ logger, hooks: { onResponse: () => Promise.reject(new Error("hook sink is down")) } });
    await expect(st.crm.customers.get({ id: 1 })).resolves.toMatchObject({ id: 1 });
    await expect(st.crm.customers.create({ body: { name: "Ada" } as never })).resolves.toMatchObject({
      method: "POST",
    });
    expect(server.api().map((r) => r.method)).toEqual(["GET", "POST"]);
  });
});

describe("guarantee: every call stays inside its operation's path and its tenant", () => {
  const hostile: [string, unknown][] = [
    ["an object", { "../../../tenant/999/customers/1?": "" }],
    ["an array", ["1", "2"]],
    ["an empty string", ""],
    ["'.'", "."],
    ["'..'", ".."],
    ["NaN", Number.NaN],
    ["a boolean", true],
  ];
  it.each(hostile)(
    "a path parameter that is %s is refused with a TypeError naming the operation, and nothing is sent",
    async (_, value) => {
      const st = client();
      const error = await rejection(st.crm.customers.get({ id: value as number }));
      expect(error).toBeInstanceOf(TypeError);
      expect(error.message).toContain("Customers_Get");
      expect(error.message).toContain("'id'");
      const other = await rejection(
        st.crm.contactMethods.deleteContactMethod({ contactId: "G", contactMethodId: value as string }),
      );
      expect(other).toBeInstanceOf(TypeError);
      const pathStyle = await rejection(
        st.crm.GET("/tenant/{tenant}/customers/{id}", { params: { path: { id: value as number } } }),
      );
      expect(pathStyle).toBeInstanceOf(TypeError);
      expect(server.requests).toEqual([]);
    },
  );

  it("path style takes none of openapi-fetch's per-request routing options: the request goes to the config's host and tenant", async () => {
    const elsewhere = await startStrictServer();
    try {
      serve(() => ({ json: { id: 1 } }));
      const evil = {
        baseUrl: `${elsewhere.url}/crm/v2`,
        fetch: (request: Request) => globalThis.fetch(request.url.replace(server.url, elsewhere.url), request),
        middleware: [{ onRequest: () => new Request(`${elsewhere.url}/crm/v2/tenant/1/customers/1`) }],
        pathSerializer: () => `${server.url}/crm/v2/tenant/1111/customers/1`,
        querySerializer: () => "tenant=1111",
      };
      const result = await client().crm.GET("/tenant/{tenant}/customers/{id}", {
        params: { path: { id: 1 } },
        ...evil,
      } as never);
      expect(result.response.status).toBe(200);
      expect(elsewhere.requests).toEqual([]);
      expect(server.api().map((r) => r.target)).toEqual([`/crm/v2/tenant/${STRICT.tenant}/customers/1`]);
    } finally {
      await elsewhere.close();
    }
  });

  it("a value that could be a path stays one segment", async () => {
    serve(() => ({ json: { id: 1 } }));
    await client().crm.customers.get({ id: "1/../../999" as never });
    expect(server.api()[0]!.target).toBe(`/crm/v2/tenant/${STRICT.tenant}/customers/1%2F..%2F..%2F999`);
  });

  it("the tenant comes from the config: another tenant in a call is refused, generated and path style alike", async () => {
    const st = client();
    const generated = await rejection(st.crm.customers.get({ id: 1, tenant: 999 } as never));
    expect(generated).toBeInstanceOf(TypeError);
    expect(generated.message).toContain("config.tenant");
    const pathStyle = await rejection(
      st.crm.GET("/tenant/{tenant}/customers/{id}", { params: { path: { id: 1, tenant: 999 } } }),
    );
    expect(pathStyle).toBeInstanceOf(TypeError);
    const literal = await rejection(st.crm.GET("/tenant/999/customers" as never, {} as never));
    expect(literal).toBeInstanceOf(TypeError);
    expect(literal.message).toContain("not an operation of /crm/v2");
    expect(server.requests).toEqual([]);
    serve(() => ({ json: { id: 1 } }));
    await st.crm.customers.get({ id: 1, tenant: STRICT.tenant } as never);
    expect(server.api()[0]!.path).toBe(`/crm/v2/tenant/${STRICT.tenant}/customers/1`);
    expect(server.api()[0]!.query.has("tenant")).toBe(false);
  });
});

describe("guarantee: query strings say exactly what the caller passed", () => {
  it("encodes keys as values are encoded: custom-field names with &, # and = stay one parameter", async () => {
    serve(() => ({ json: { page: 1, pageSize: 50, hasMore: false, data: [] } }));
    const st = client();
    await st.crm.customers.getList({
      "customField.Fields": { "R&D": "Yes", "#1 fan": "No" },
      "a&tenant=999": "x",
      name: "Smith & Sons #2",
    } as never);
    const [request] = server.api();
    expect([...request!.query.entries()]).toEqual([
      ["customField.Fields[R&D]", "Yes"],
      ["customField.Fields[#1 fan]", "No"],
      ["a&tenant=999", "x"],
      ["name", "Smith & Sons #2"],
    ]);
    const pathStyle = await st.crm.GET("/tenant/{tenant}/customers", {
      params: { path: {}, query: { "customField.Fields": { "R&D": "Yes" } } as never },
    } as never);
    expect(pathStyle.response.status).toBe(200);
    expect([...server.api()[1]!.query.entries()]).toEqual([["customField.Fields[R&D]", "Yes"]]);
  });

  it("sends a Date as a full UTC timestamp instead of dropping the filter", async () => {
    serve(() => ({ json: { page: 1, pageSize: 50, hasMore: false, data: [] } }));
    await client().crm.customers.getList({
      modifiedOnOrAfter: new Date("2026-01-02T03:04:05Z") as never,
      ids: [new Date(0)] as never,
    });
    expect(server.api()[0]!.query.get("modifiedOnOrAfter")).toBe("2026-01-02T03:04:05.000Z");
    expect(server.api()[0]!.query.get("ids")).toBe("1970-01-01T00:00:00.000Z");
  });

  it("refuses a lone surrogate (no URL can carry it) with a TypeError naming the parameter, before sending", async () => {
    const st = client();
    for (const promise of [
      st.crm.customers.get({ id: "a\uD800" as never }),
      st.crm.customers.getList({ name: "b\uDC00" } as never),
      st.crm.customers.getList({ ["k\uD800"]: "x" } as never),
    ]) {
      const error = await rejection(promise);
      expect(error).toBeInstanceOf(TypeError);
      expect(error.message).toContain("not valid Unicode");
    }
    expect(server.requests).toEqual([]);
  });

  it("sends a key named like an Object.prototype member as it is, not through a rename", async () => {
    serve(() => ({ json: {} }));
    await client().inventory.receipts.cancelReceipts({ id: 5, queryId: 6, constructor: "x", body: {} } as never);
    expect([...server.api()[0]!.query.entries()]).toEqual([
      ["id", "6"],
      ["constructor", "x"],
    ]);
  });

  it("refuses a value nested deeper than one level with a TypeError naming the parameter, before sending", async () => {
    const error = await rejection(
      client().crm.customers.getList({ "customField.Fields": { Color: { deep: "Red" } } } as never),
    );
    expect(error).toBeInstanceOf(TypeError);
    expect(error.message).toContain("'customField.Fields.Color'");
    expect(server.requests).toEqual([]);
  });
});

describe("guarantee: the client secret and tokens go nowhere else", () => {
  it("does not follow a token endpoint's redirect to another origin: the form, secret included, is posted once, to the auth host", async () => {
    const elsewhere = await startStrictServer();
    try {
      server.options.token = () => ({ status: 307, headers: { location: `${elsewhere.url}/connect/token` } });
      const error = await rejection(client().crm.customers.get({ id: 1 }));
      expect(error).toBeInstanceOf(AuthenticationError);
      expect(error.message).toContain("redirect");
      expect(elsewhere.requests).toEqual([]);
      expect(server.tokenRequests()).toHaveLength(1);
    } finally {
      await elsewhere.close();
    }
  });

  it("scrubs a secret or token that the token endpoint or the API echoes from every error and hook payload", async () => {
    const seen: unknown[] = [];
    const hooks = {
      onError: (error: unknown) => void seen.push(error),
      onRetry: (event: unknown) => void seen.push(event),
    };
    server.options.token = (request) => ({
      status: 400,
      json: { error: "invalid_client", error_description: `bad form: ${request.body}` },
    });
    const tokenError = await rejection(client({ hooks }).crm.customers.get({ id: 1 }));
    expect(everything(tokenError)).toContain("bad form");
    expect(everything(tokenError)).not.toContain("strict+secret");
    expect(everything(tokenError)).not.toContain("strict%2Bsecret");
    server.options.token = undefined;

    const echo = (request: { headers: Record<string, unknown> }): Answer => {
      const bearer = String(request.headers.authorization);
      return {
        status: 400,
        json: {
          title: `Rejected ${bearer}`,
          traceId: bearer,
          errors: { [bearer]: [`token ${bearer}`] },
          data: { nested: [bearer] },
        },
        headers: { "x-trace-id": bearer },
      };
    };
    serve(echo);
    const apiError = await rejection(client({ hooks }).crm.customers.get({ id: 1 }));
    serve(() => ({ status: 503, text: `<html>${STRICT.clientSecret} and Bearer ${server.tokens.at(-1)}</html>` }));
    const htmlError = (await rejection(
      client({ hooks, retry: { maxAttempts: 2, baseDelayMs: 1 } }).crm.customers.get({ id: 1 }),
    )) as ServiceTitanError;
    expect(htmlError.rawBody).toContain("[redacted]");
    for (const token of server.tokens) {
      for (const item of [apiError, htmlError, ...seen]) {
        expect(everything(item)).not.toContain(token);
        expect(everything(item)).not.toContain(STRICT.clientSecret);
      }
    }
    expect(seen.length).toBeGreaterThan(2);
  });

  it("scrubs path-style error bodies too, and the form-encoded secret however its escapes are cased", async () => {
    serve((request) => ({
      status: 400,
      json: {
        title: `echo ${String(request.headers.authorization)} ${STRICT.clientSecret}`,
        detail: "cs1.strict%2bsecret%2fvalue",
      },
    }));
    const result = await client().crm.GET("/tenant/{tenant}/customers/{id}", { params: { path: { id: 1 } } });
    const text = JSON.stringify(result.error);
    expect(text).toContain("echo");
    for (const secret of [STRICT.clientSecret, ...server.tokens, "strict%2bsecret"]) expect(text).not.toContain(secret);
  });

  it.each([100, 20_000])(
    "keeps an error body nested %i levels deep from overflowing the stack: a ServiceTitanError, JSON.stringify safe",
    async (depth) => {
      const deep = `${"[".repeat(depth)}${"]".repeat(depth)}`;
      serve(() => ({
        raw: (res) =>
          res
            .writeHead(400, { "content-type": "application/json" })
            .end(`{"title":"Invalid","data":${deep},"errors":{"name":${deep}}}`),
      }));
      const error = (await rejection(client().crm.customers.get({ id: 1 }))) as ServiceTitanError;
      expect(error).toBeInstanceOf(ServiceTitanError);
      expect(error.status).toBe(400);
      const json = JSON.stringify(error);
      if (depth === 100) expect(json).toContain("nested too deep"); // deeper still, JSON.parse gives up and the text is kept as rawBody
    },
  );

  it("follows a redirect to another host only for a GET, without the bearer token or the app key; never a write", async () => {
    const elsewhere = await startStrictServer();
    try {
      elsewhere.options.token = () => ({ text: "file bytes" }); // the download host answers anything
      serve((request) => ({
        status: request.method === "GET" ? 302 : 307,
        headers: { location: `${elsewhere.url}/connect/token` },
      }));
      const st = client();
      await st.crm.customers.get({ id: 1 }).catch(() => undefined);
      const [download] = elsewhere.requests;
      expect(download!.method).toBe("GET");
      expect(download!.headers.authorization).toBeUndefined();
      expect(download!.headers["st-app-key"]).toBeUndefined();
      const write = await rejection(st.crm.customers.update({ id: 1, body: { name: "x" } as never }));
      expect((write as ServiceTitanError).status).toBe(307);
      expect(elsewhere.requests).toHaveLength(1);
    } finally {
      await elsewhere.close();
    }
  });

  it("never echoes a string from the config in a config error, and refuses a URL with a user name or password", () => {
    const secret = "cs1.pasted-in-the-wrong-place";
    for (const overrides of [
      { tenant: secret },
      { environment: secret },
      { baseUrl: secret },
      { timeoutMs: secret },
      { retry: { maxAttempts: secret } },
    ]) {
      const error = (() => {
        try {
          createServiceTitan({ ...STRICT, ...overrides } as never);
        } catch (thrown) {
          return thrown as Error;
        }
        return new Error("accepted");
      })();
      expect(error).toBeInstanceOf(ServiceTitanConfigError);
      expect(everything(error)).not.toContain(secret);
    }
    expect(() => createServiceTitan({ ...STRICT, baseUrl: "http://user:hunter2@127.0.0.1:9" })).toThrow(
      "must not contain a user name or password",
    );
    try {
      createServiceTitan({ ...STRICT, authUrl: "http://user:hunter2@127.0.0.1:9" });
    } catch (error) {
      expect(everything(error)).not.toContain("hunter2");
    }
  });

  it("shows query values as … in errors, events and logs: they are the caller's (often a customer's) data", async () => {
    serve(() => ({ status: 404, json: { title: "Not found", status: 404 } }));
    const lines: string[] = [];
    const events: unknown[] = [];
    const st = client({
      logger: { debug: (line) => lines.push(line) },
      hooks: { onRequest: (event) => void events.push(event) },
    });
    const error = await rejection(st.crm.customers.getList({ name: "Jane Customer", phone: "555-0100" } as never));
    expect(server.api()[0]!.query.get("name")).toBe("Jane Customer");
    for (const text of [everything(error), ...lines, JSON.stringify(events)]) {
      expect(text).not.toContain("Jane");
      expect(text).not.toContain("555-0100");
      expect(text).toContain("name=…");
    }
  });
});

describe("guarantee: time limits measure what they say", () => {
  it("the timeout starts when a request is sent: calls queued behind the rate limit do not time out, and none is sent twice", async () => {
    serve((request) => ({ json: { id: 1, method: request.method } }));
    const st = client({ rateLimit: { requestsPerSecond: 20 }, timeoutMs: 400 });
    const calls = Array.from({ length: 40 }, (_, i) =>
      i % 2 ? st.crm.customers.get({ id: i }) : st.crm.customers.create({ body: {} as never }),
    );
    const results = await Promise.allSettled(calls);
    expect(results.filter((r) => r.status === "rejected")).toEqual([]);
    expect(server.api()).toHaveLength(40);
  });

  it("takes the token after the rate-limit slot: a token that expires while calls queue is replaced before they are sent", async () => {
    server.options.expiresIn = 2; // 1.8 s of use after the safety margin
    serve(() => ({ json: { id: 1 } }));
    const st = client({ rateLimit: { requestsPerSecond: 15 } });
    const results = await Promise.allSettled(Array.from({ length: 45 }, (_, id) => st.crm.customers.get({ id })));
    expect(results.filter((r) => r.status === "rejected")).toEqual([]);
    expect(server.api().filter((r) => r.headers.authorization === undefined)).toEqual([]);
    expect(server.tokenRequests().length).toBeGreaterThanOrEqual(2);
    expect(server.api()).toHaveLength(45); // no 401 and resend
  });

  it("reports a token request that times out as a TimeoutError", async () => {
    server.options.token = () => ({ raw: () => {} });
    const error = await rejection(client({ timeoutMs: 200, retry: false }).crm.customers.get({ id: 1 }));
    expect(error).toBeInstanceOf(TimeoutError);
    expect(error.message).toContain("token request timed out after 200 ms");
  });

  it("gives one caller's signal shared by 200 calls one listener: no MaxListenersExceededWarning", async () => {
    const warnings: string[] = [];
    const onWarning = (warning: Error) => warnings.push(warning.name);
    process.on("warning", onWarning);
    try {
      serve(() => ({ json: { id: 1 } }));
      const signal = new AbortController().signal;
      const st = client({ rateLimit: { requestsPerSecond: 100 } });
      await Promise.all(Array.from({ length: 200 }, (_, id) => st.crm.customers.get({ id }, { signal })));
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(warnings).not.toContain("MaxListenersExceededWarning");
    } finally {
      process.off("warning", onWarning);
    }
  });

  it("rejects, never throws synchronously, for options that are null or whose getters throw", async () => {
    const st = client();
    const trap = Object.defineProperty({}, "signal", {
      get: () => {
        throw new Error("getter broke");
      },
    });
    for (const options of [null, trap]) {
      let thrown: unknown;
      let promise: Promise<unknown> | undefined;
      try {
        promise = st.crm.customers.get({ id: 1 }, options as never);
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toBeUndefined();
      await promise!.catch(() => undefined);
    }
  });

  it("refuses a timeout a timer cannot hold, in the config and per call, before sending", async () => {
    for (const timeoutMs of [2 ** 31, 0, -1, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => client({ timeoutMs })).toThrow(ServiceTitanConfigError);
      const error = await rejection(client().crm.customers.get({ id: 1 }, { timeoutMs }));
      expect(error).toBeInstanceOf(TypeError);
      expect(error.message).toContain("timeoutMs");
    }
    expect(server.requests).toEqual([]);
  });

  it("reads Retry-After as seconds, fractions included, and ignores a negative one", async () => {
    expect(retryAfterMs("1.5", undefined)).toBe(1500);
    expect(retryAfterMs("-1", undefined)).toBeUndefined();
    expect(retryAfterMs("soon", undefined)).toBeUndefined();
    let calls = 0;
    serve(() =>
      ++calls === 1
        ? { status: 429, json: { title: "Too many" }, headers: { "retry-after": "1.5" } }
        : { json: { id: 1 } },
    );
    await client().crm.customers.get({ id: 1 });
    const [first, second] = server.api();
    expect(second!.at - first!.at).toBeGreaterThanOrEqual(1450);

    calls = 0;
    server.requests.length = 0;
    vi.spyOn(Math, "random").mockReturnValue(0.5);
    const delays: number[] = [];
    serve(() =>
      ++calls === 1
        ? { status: 429, json: { title: "Too many" }, headers: { "retry-after": "-1" } }
        : { json: { id: 1 } },
    );
    await client({
      retry: { baseDelayMs: 400 },
      hooks: { onRetry: (event) => void delays.push(event.delayMs) },
    }).crm.customers.get({ id: 1 });
    expect(delays).toEqual([200]); // the backoff's, not "now"
  });
});

describe("guarantee: size and progress are bounded", () => {
  const flood = (bytes: number, chunk = 64 * 1024): Answer => ({
    raw: (res) => {
      res.writeHead(200, { "content-type": "application/json" }); // chunked: no declared length
      let sent = 0;
      const pump = () => {
        while (sent < bytes) {
          sent += chunk;
          if (!res.write("x".repeat(chunk))) return void res.once("drain", pump);
        }
        res.end();
      };
      res.on("error", () => {});
      pump();
    },
  });

  it("stops reading a body past maxResponseBytes, once, without retrying: streamed, declared or gzip-expanded", async () => {
    const st = client({ maxResponseBytes: 1024 * 1024 });
    serve(() => flood(20 * 1024 * 1024));
    const streamed = await rejection(st.crm.customers.get({ id: 1 }));
    expect(streamed).toBeInstanceOf(ServiceTitanError);
    expect(streamed.message).toContain("maxResponseBytes (1048576 bytes)");
    serve(() => ({ json: { padding: "x".repeat(2 * 1024 * 1024) } }));
    expect((await rejection(st.crm.customers.get({ id: 1 }))).message).toContain("maxResponseBytes");
    const bomb = gzipSync(Buffer.alloc(50 * 1024 * 1024, 32));
    serve(() => ({
      raw: (res) =>
        res
          .writeHead(200, {
            "content-type": "application/json",
            "content-encoding": "gzip",
            "content-length": bomb.length,
          })
          .end(bomb),
    }));
    expect((await rejection(st.crm.customers.get({ id: 1 }))).message).toContain("maxResponseBytes");
    const pathStyle = await rejection(st.crm.GET("/tenant/{tenant}/customers/{id}", { params: { path: { id: 1 } } }));
    expect(pathStyle.message).toContain("maxResponseBytes");
    expect(server.api()).toHaveLength(4);
  });

  it("a list that ignores `page` stops with a clear error after a few repeats, each row yielded once", async () => {
    serve(() => ({ json: { page: 1, pageSize: 2, hasMore: true, data: [{ id: 1 }, { id: 2 }] } }));
    const rows: unknown[] = [];
    const error = await rejection(
      (async () => {
        for await (const row of client().crm.customers.getList.all({ pageSize: 2 })) rows.push(row);
      })(),
    );
    expect(error).toBeInstanceOf(ServiceTitanError);
    expect(error.message).toContain("paging made no progress");
    expect(rows).toEqual([{ id: 1 }, { id: 2 }]);
    expect(server.api().length).toBeLessThanOrEqual(4);
  });

  it("an export whose continueFrom never moves, or that says hasMore with no rows, stops with a clear error", async () => {
    serve(() => ({
      json: { hasMore: true, continueFrom: "same", data: [{ id: 1, modifiedOn: "2026-01-01T00:00:00Z" }] },
    }));
    const rows: unknown[] = [];
    const stuck = await rejection(
      (async () => {
        for await (const row of client().jpm.export.jobs.all({ from: "same" })) rows.push(row);
      })(),
    );
    expect(stuck.message).toContain("without a new continueFrom");
    expect(rows).toEqual([]);
    let token = 0;
    serve(() => ({ json: { hasMore: true, continueFrom: `t${++token}`, data: [] } }));
    const empty = await rejection(
      (async () => {
        for await (const _ of client().jpm.export.jobs.all()) rows.push(_);
      })(),
    );
    expect(empty.message).toContain("hasMore: true with no rows");
    expect(server.api().length).toBeLessThanOrEqual(7);
  });

  it("a server that alternates between two pages or two tokens is caught too", async () => {
    let call = 0;
    serve(() => ({ json: { hasMore: true, page: 1, data: [{ id: ++call % 2 }] } }));
    const list = await rejection(drain(client().crm.customers.getList.all()));
    expect(list.message).toContain("paging made no progress");
    serve(() => ({ json: { hasMore: true, continueFrom: ++call % 2 ? "a" : "b", data: [{ id: call }] } }));
    const feed = await rejection(drain(client().jpm.export.jobs.all()));
    expect(feed.message).toContain("without a new continueFrom");
    expect(server.api().length).toBeLessThan(20);
  });

  it("refuses maxPages or maxItems below 1 instead of ignoring them", () => {
    const st = client();
    expect(() => st.crm.customers.getList.all({}, { maxPages: 0 })).toThrow(
      "maxPages must be a whole number, at least 1",
    );
    expect(() => st.jpm.export.jobs.pages({}, { maxItems: -1 })).toThrow("maxItems");
  });

  it("an empty 200 where the spec promises JSON, or a page that is not a list page, is a clear ServiceTitanError", async () => {
    serve(() => ({ text: "" }));
    const empty = await rejection(client().crm.customers.get({ id: 1 }));
    expect(empty).toBeInstanceOf(ServiceTitanError);
    expect(empty.message).toContain("the response body is empty");
    serve(() => ({ json: { data: "not rows" } }));
    const notPage = await rejection(
      (async () => {
        for await (const _ of client().crm.customers.getList.all()) void _;
      })(),
    );
    expect(notPage).toBeInstanceOf(ServiceTitanError);
    expect(notPage.message).toContain("not a list page");
  });

  it("a path-style call whose body stalls fails as a TimeoutError, like a generated one", async () => {
    serve(() => ({
      raw: (res) => res.writeHead(200, { "content-type": "application/json", "content-length": "100" }).write('{"id":'),
    }));
    const error = await rejection(
      client({ timeoutMs: 300, retry: false }).crm.GET("/tenant/{tenant}/customers/{id}", {
        params: { path: { id: 1 } },
      }),
    );
    expect(error).toBeInstanceOf(TimeoutError);
    expect(error.message).toContain("reading the response timed out");
  });

  it("a client-side failure is not retried as a network error: an invalid header value, a token with a line break", async () => {
    for (const value of ["a\r\nInjected: yes", "price in €"]) {
      const badHeader = await rejection(client().crm.customers.get({ id: 1 }, { headers: { "x-note": value } }));
      expect(badHeader).toBeInstanceOf(TypeError);
    }
    expect(() => client({ userAgent: "sync €" })).toThrow(ServiceTitanConfigError);
    expect(() => client({ appKey: "ak1.€" })).toThrow(ServiceTitanConfigError);
    const badHeader = await rejection(client().crm.customers.get({ id: 1 }, { headers: { "bad name": "x" } }));
    expect(badHeader).toBeInstanceOf(TypeError);
    expect(server.requests).toEqual([]);
    server.options.token = () => ({ json: { access_token: "abc\r\nX-Injected: 1", expires_in: 900 } });
    const st = client();
    const badToken = await rejection(st.crm.customers.get({ id: 1 }));
    expect(badToken).toBeInstanceOf(AuthenticationError);
    expect(badToken.message).toContain("not a valid bearer token");
    await rejection(st.crm.customers.get({ id: 1 }));
    expect(server.tokenRequests()).toHaveLength(2); // not retried within a call, and not cached
    expect(server.api()).toEqual([]);
  });
});

describe("guarantee: errors and config a newcomer meets say what is wrong", () => {
  it("takes authUrl as the host or as the full token URL ServiceTitan's docs show", async () => {
    serve(() => ({ json: { id: 1 } }));
    await client({ authUrl: `${server.url}/connect/token` }).crm.customers.get({ id: 1 });
    await client({ authUrl: `${server.url}/` }).crm.customers.get({ id: 1 });
    expect(server.tokenRequests().map((r) => r.path)).toEqual(["/connect/token", "/connect/token"]);
  });

  it("names OAuth scopes only when a 403 is about scopes (a wrong app key is a 403 too)", async () => {
    const appKey = await rejection(client({ appKey: "ak1.wrong" }).crm.customers.get({ id: 1 }));
    expect(appKey).toBeInstanceOf(PermissionError);
    expect(appKey.message).not.toContain("scope");
    serve(() => ({ status: 403, json: { title: "The access token lacks the scope tn.crm.customers:r", status: 403 } }));
    const scope = await rejection(client().crm.customers.get({ id: 1 }));
    expect(scope.message).toContain("the operation needs the OAuth scope tn.crm.customers:r");
  });

  it("says why a token request failed in the message (ECONNREFUSED), not only in error.cause", async () => {
    const closed = await startStrictServer();
    await closed.close();
    const error = await rejection(client({ authUrl: closed.url, retry: false }).crm.customers.get({ id: 1 }));
    expect(error).toBeInstanceOf(NetworkError);
    expect(error.message).toContain("token request failed: ECONNREFUSED");
  });

  it.each([
    [
      { rateLimit: { requestPerSecond: 10 } },
      "unknown option 'rateLimit.requestPerSecond'; did you mean 'rateLimit.requestsPerSecond'?",
    ],
    [{ hooks: { onReqeust: () => {} } }, "did you mean 'hooks.onRequest'?"],
    [{ retry: { maxAttempt: 2 } }, "did you mean 'retry.maxAttempts'?"],
    [{ timeOutMs: 5 }, "did you mean 'timeoutMs'?"],
    [{ environment: "constructor" }, '\'environment\' must be "production" or "integration"'],
    [{ hooks: { onRequest: "log" } }, "'hooks.onRequest' must be a function"],
    [{ hooks: "oops" }, "'hooks' must be an object"],
  ])("checks nested options as the top level is checked: %o", (overrides, message) => {
    expect(() => createServiceTitan({ ...STRICT, ...overrides } as never)).toThrow(message);
  });

  it("reads hooks and logger methods once, when the client is made: a getter that throws is a config error, not a failed call", () => {
    const logger = Object.defineProperty({}, "debug", {
      get: () => {
        throw new Error("getter broke");
      },
    });
    expect(() => createServiceTitan({ ...STRICT, logger })).toThrow("reading 'logger.debug' threw");
  });

  it("sends User-Agent servicetitan-client/<version>, which the config and a call can override", async () => {
    serve(() => ({ json: { id: 1 } }));
    await client().crm.customers.get({ id: 1 });
    await client({ userAgent: "my-sync/2.0" }).crm.customers.get({ id: 1 });
    await client().crm.customers.get({ id: 1 }, { headers: { "User-Agent": "one-off/1" } });
    await client().crm.GET("/tenant/{tenant}/customers/{id}", { params: { path: { id: 1 } } });
    expect(server.api().map((r) => r.headers["user-agent"])).toEqual([
      `servicetitan-client/${VERSION}`,
      "my-sync/2.0",
      "one-off/1",
      `servicetitan-client/${VERSION}`,
    ]);
    expect(server.tokenRequests()[0]!.headers["user-agent"]).toBe(`servicetitan-client/${VERSION}`);
    expect(VERSION).toBe(JSON.parse(readFileSync(path.join(ROOT, "package.json"), "utf8")).version);
  });
});

describe("guarantee: an export sync loses no update", () => {
  it("dedupe drops a repeated row but yields a record updated between pages (same id, newer modifiedOn)", async () => {
    const pages = [
      {
        hasMore: true,
        continueFrom: "t1",
        data: [
          { id: 1, modifiedOn: "2026-01-01T00:00:00Z" },
          { id: 2, modifiedOn: "2026-01-01T00:00:00Z" },
        ],
      },
      {
        hasMore: false,
        continueFrom: "t2",
        data: [
          { id: 2, modifiedOn: "2026-01-01T00:00:00Z" },
          { id: 1, modifiedOn: "2026-01-02T00:00:00Z" },
        ],
      },
    ];
    let page = 0;
    serve(() => ({ json: pages[page++] }));
    const rows: unknown[] = [];
    for await (const row of client().jpm.export.jobs.all({ includeRecentChanges: true }, { dedupe: true }))
      rows.push(row);
    expect(rows).toEqual([pages[0]!.data[0], pages[0]!.data[1], pages[1]!.data[1]]);
  });
});
