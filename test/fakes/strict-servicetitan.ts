import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { memoryTokenStore } from "../../generated/index.js";

/**
 * A small fake of ServiceTitan on 127.0.0.1 that is as strict as the real one where the client could
 * get something wrong, and as hostile as a test wants where the client must hold: the token is served
 * at `/connect/token` only, for a form POST with the right client ID and secret; API calls need a live
 * bearer token and the app key, under `/{module}/v2/tenant/{tenant}/…`. Each test answers API calls with
 * its own `api` handler; every request is logged.
 */
export const STRICT = {
  clientId: "cid.strict",
  clientSecret: "cs1.strict+secret/value",
  appKey: "ak1.strict",
  tenant: "7654321",
};

export interface LoggedRequest {
  method: string;
  /** Path and query exactly as they arrived. */
  target: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingMessage["headers"];
  body: string;
  at: number;
}

/** What a handler answers; `raw` takes over the response entirely (stalls, floods, bad framing). */
export type Answer =
  | { status?: number; json?: unknown; text?: string; headers?: Record<string, string> }
  | { raw: (res: ServerResponse) => void };

export interface StrictOptions {
  /** Answers API calls that passed the checks. Default: `{ status: 200, json: {} }`. */
  api?: (request: LoggedRequest) => Answer | Promise<Answer>;
  /** Overrides the token endpoint (after it was logged). */
  token?: (request: LoggedRequest) => Answer | Promise<Answer>;
  /** Token lifetime in seconds. Default 900. */
  expiresIn?: number;
}

export interface StrictServer {
  url: string;
  requests: LoggedRequest[];
  /** API requests only (not the token endpoint). */
  api(): LoggedRequest[];
  tokenRequests(): LoggedRequest[];
  /** Tokens handed out, in order. */
  tokens: string[];
  options: StrictOptions;
  close(): Promise<void>;
}

export async function startStrictServer(options: StrictOptions = {}): Promise<StrictServer> {
  const requests: LoggedRequest[] = [];
  const live = new Map<string, number>();
  const tokens: string[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const url = new URL(req.url ?? "/", "http://strict.invalid");
      const request: LoggedRequest = {
        method: req.method ?? "",
        target: req.url ?? "",
        path: url.pathname,
        query: url.searchParams,
        headers: req.headers,
        body: Buffer.concat(chunks).toString("utf8"),
        at: Date.now(),
      };
      requests.push(request);
      void answer(request).then(
        (result) => reply(res, result),
        (error: Error) => reply(res, { status: 500, text: error.message }),
      );
    });
  });

  async function answer(request: LoggedRequest): Promise<Answer> {
    if (request.path === "/connect/token") {
      if (state.options.token) return state.options.token(request);
      const form = new URLSearchParams(request.body);
      const formOk =
        request.method === "POST" && request.headers["content-type"] === "application/x-www-form-urlencoded";
      if (!formOk || form.get("grant_type") !== "client_credentials")
        return { status: 400, json: { error: "unsupported_grant_type" } };
      if (form.get("client_id") !== STRICT.clientId || form.get("client_secret") !== STRICT.clientSecret)
        return { status: 400, json: { error: "invalid_client" } };
      const token = `strict.${tokens.length + 1}.${Math.random().toString(36).slice(2)}`;
      const expiresIn = state.options.expiresIn ?? 900;
      tokens.push(token);
      live.set(token, Date.now() + expiresIn * 1000);
      return { json: { access_token: token, expires_in: expiresIn, token_type: "Bearer", scope: "all" } };
    }
    const bearer = /^Bearer (.+)$/.exec(request.headers.authorization ?? "")?.[1];
    if (!bearer || !((live.get(bearer) ?? 0) > Date.now()))
      return { status: 401, json: { title: "The access token is invalid or has expired.", status: 401 } };
    if (request.headers["st-app-key"] !== STRICT.appKey)
      return { status: 403, json: { title: "The application key is not valid.", status: 403 } };
    if (!/^\/[a-z]+\/v2\/tenant\/\d+(\/|$)/.test(request.path))
      return { status: 404, json: { title: `No operation serves ${request.path}`, status: 404 } };
    return state.options.api ? state.options.api(request) : { json: {} };
  }

  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const state: StrictServer = {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    api: () => requests.filter((r) => r.path !== "/connect/token"),
    tokenRequests: () => requests.filter((r) => r.path === "/connect/token"),
    tokens,
    options,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  return state;
}

function reply(res: ServerResponse, answer: Answer): void {
  if ("raw" in answer) return answer.raw(res);
  const body = answer.json !== undefined ? JSON.stringify(answer.json) : (answer.text ?? "");
  const type = answer.json !== undefined ? "application/json" : "text/plain";
  res.writeHead(answer.status ?? 200, {
    "content-type": type,
    "content-length": Buffer.byteLength(body),
    ...answer.headers,
  });
  res.end(body);
}

/** A client config for `server`; `tokenStore` is fresh unless given, so no test sees another's token. */
export function strictConfig(server: StrictServer) {
  return { ...STRICT, baseUrl: server.url, authUrl: server.url, tokenStore: memoryTokenStore() };
}
