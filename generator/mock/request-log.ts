import type { IncomingMessage } from "node:http";

/** One request as the mock received it, with every secret taken out, for tests to assert on. */
export interface MockRequest {
  kind: "api" | "token" | "file";
  /** `Date.now()` on arrival. */
  time: number;
  method: string;
  /** Path without the query. */
  path: string;
  /** The request target as sent, query included and still URL-encoded. */
  url: string;
  query: Record<string, string | string[]>;
  /**
   * Lower-case header names. `authorization` reads `Bearer [token N]`, N counting the tokens the mock
   * issued (so a test can see which token a call used without the log holding it), or
   * `Bearer [unknown token]`.
   */
  headers: Record<string, string>;
  /** A JSON body parsed; a form with `client_secret` replaced by `[redacted]`; anything else as text. */
  body: unknown;
  operationId?: string;
  domain?: string;
  /** The answer's status; 0 when the connection was dropped. */
  status?: number;
  /** Why a fault was injected: `queued`, `rate-limit`, `rate429`, `rate5xx`, `rateDrop`. */
  fault?: string;
}

export class RequestLog {
  entries: MockRequest[] = [];

  constructor(private readonly limit: number) {}

  add(req: IncomingMessage, url: URL, rawBody: Buffer, tokens: ReadonlyMap<string, { number: number }>): MockRequest {
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(req.headers))
      if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(", ") : value;
    if (headers.authorization !== undefined) {
      const bearer = /^Bearer (.+)$/i.exec(headers.authorization)?.[1];
      const issued = bearer ? tokens.get(bearer) : undefined;
      headers.authorization = issued ? `Bearer [token ${issued.number}]` : "Bearer [unknown token]";
    }
    const query: Record<string, string | string[]> = {};
    for (const key of new Set(url.searchParams.keys())) {
      const all = url.searchParams.getAll(key);
      query[key] = all.length === 1 ? all[0]! : all;
    }
    const entry: MockRequest = {
      kind: "api",
      time: Date.now(),
      method: req.method ?? "GET",
      path: url.pathname,
      url: req.url ?? "/",
      query,
      headers,
      body: readBody(rawBody, headers["content-type"] ?? ""),
    };
    this.entries.push(entry);
    if (this.entries.length > this.limit) this.entries.splice(0, this.entries.length - this.limit);
    return entry;
  }

  clear(): void {
    this.entries = [];
  }
}

function readBody(raw: Buffer, contentType: string): unknown {
  if (raw.length === 0) return undefined;
  const text = raw.toString(contentType.startsWith("multipart/") ? "latin1" : "utf8");
  if (contentType.startsWith("application/x-www-form-urlencoded")) {
    const form = Object.fromEntries(new URLSearchParams(text));
    if ("client_secret" in form) form.client_secret = "[redacted]";
    return form;
  }
  if (/\bjson\b/i.test(contentType)) {
    try {
      return JSON.parse(text);
    } catch {
      return text;
    }
  }
  return text;
}
