import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/**
 * A small fake ServiceTitan on 127.0.0.1 for the runtime tests: the token endpoint, and API routes that
 * check the bearer token, the app key and the tenant the way the real API does, before a route
 * registered by the test answers.
 */
export interface FakeOptions {
  clientId?: string;
  clientSecret?: string;
  appKey?: string;
  tenant?: string;
  /** Token lifetime in seconds. */
  expiresIn?: number;
}

export interface LoggedRequest {
  method: string;
  url: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingMessage["headers"];
  body: Buffer;
}

export type Handler = (request: LoggedRequest, params: Record<string, string>, response: ServerResponse) => void | Promise<void>;

export const CREDENTIALS = {
  clientId: "cid.test-client",
  clientSecret: "cs1.super-secret-value-123",
  appKey: "ak1.test-app-key",
  tenant: "1234567",
};

export async function startFakeServiceTitan(options: FakeOptions = {}) {
  const config = { ...CREDENTIALS, expiresIn: 900, ...options };
  const tokens = new Map<string, number>(); // token → expiry (ms)
  const routes: { method: string; pattern: RegExp; keys: string[]; handler: Handler }[] = [];
  const log: LoggedRequest[] = [];
  let tokenRequests = 0;
  let tokenDelayMs = 0;

  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const entry: LoggedRequest = { method: req.method ?? "GET", url: req.url ?? "/", path: url.pathname, query: url.searchParams, headers: req.headers, body: Buffer.concat(chunks) };
    log.push(entry);

    if (url.pathname.endsWith("/connect/token")) return tokenEndpoint(entry, res);

    const auth = req.headers.authorization ?? "";
    const token = auth.startsWith("Bearer ") ? auth.slice(7) : "";
    const expiry = tokens.get(token);
    if (expiry === undefined || expiry < Date.now()) return problem(res, 401, "Unauthorized");
    if (req.headers["st-app-key"] !== config.appKey) return problem(res, 401, "App key is missing or invalid");

    for (const route of routes) {
      const match = route.method === entry.method ? route.pattern.exec(url.pathname) : null;
      if (!match) continue;
      const params = Object.fromEntries(route.keys.map((key, i) => [key, decodeURIComponent(match[i + 1]!)]));
      if ("tenant" in params && params.tenant !== config.tenant) return problem(res, 404, `Tenant ${params.tenant} not found`);
      return route.handler(entry, params, res);
    }
    return problem(res, 404, `No route for ${entry.method} ${url.pathname}`);
  });

  async function tokenEndpoint(entry: LoggedRequest, res: ServerResponse) {
    tokenRequests++;
    if (tokenDelayMs) await new Promise((resolve) => setTimeout(resolve, tokenDelayMs));
    const form = new URLSearchParams(entry.body.toString("utf8"));
    const contentType = entry.headers["content-type"] ?? "";
    if (entry.method !== "POST" || !contentType.startsWith("application/x-www-form-urlencoded")) {
      return json(res, 400, { error: "invalid_request" });
    }
    if (form.get("grant_type") !== "client_credentials") return json(res, 400, { error: "unsupported_grant_type" });
    if (form.get("client_id") !== config.clientId || form.get("client_secret") !== config.clientSecret) {
      return json(res, 400, { error: "invalid_client" });
    }
    const token = `token-${tokenRequests}-${Math.random().toString(36).slice(2)}`;
    tokens.set(token, Date.now() + config.expiresIn * 1000);
    json(res, 200, { access_token: token, expires_in: config.expiresIn, token_type: "Bearer", scope: "tn.crm.customers:r" });
  }

  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url,
    log,
    config,
    get tokenRequests() {
      return tokenRequests;
    },
    /** Slows the token endpoint, so concurrent callers really overlap. */
    setTokenDelay(ms: number) {
      tokenDelayMs = ms;
    },
    /** Makes every issued token invalid, as if ServiceTitan had revoked them. */
    revokeTokens() {
      tokens.clear();
    },
    issuedTokens: () => [...tokens.keys()],
    /** `route("GET", "/crm/v2/tenant/:tenant/customers/:id", handler)` */
    route(method: string, path: string, handler: Handler) {
      const keys: string[] = [];
      const pattern = new RegExp(
        "^" + path.replace(/[.*+?^${}()|[\]\\]/g, "\\$&").replace(/:(\w+)/g, (_, key: string) => (keys.push(key), "([^/]+)")) + "$",
      );
      routes.unshift({ method, pattern, keys, handler });
    },
    apiRequests: () => log.filter((r) => !r.path.endsWith("/connect/token")),
    close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}

export type FakeServiceTitan = Awaited<ReturnType<typeof startFakeServiceTitan>>;

export function json(res: ServerResponse, status: number, body: unknown, contentType = "application/json; charset=utf-8") {
  const text = JSON.stringify(body);
  res.writeHead(status, { "Content-Type": contentType, "Content-Length": Buffer.byteLength(text) });
  res.end(text);
}

export function problem(res: ServerResponse, status: number, title: string, errors: Record<string, string[]> = {}) {
  json(res, status, { type: "https://tools.ietf.org/html/rfc7231#section-6.5.1", title, status, traceId: `trace-${status}-abc`, errors, data: {} });
}
