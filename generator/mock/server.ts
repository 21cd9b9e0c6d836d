import { randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { checkOverlaysMatched, loadOverlaidSpecs } from "../spec/overlays.js";
import { buildDomainModel } from "../model/build-model.js";
import { BUNDLED_SPECS } from "../version.js";
import { htmlErrorPage, problem, send, VALIDATION_TITLE, type Answer } from "./answers.js";
import { DataBehaviour } from "./behaviour.js";
import { driftShare } from "./drift.js";
import { FaultInjector, type Fault, type FaultMatch, type FaultOptions } from "./faults.js";
import { buildOperations, type MockOperation } from "./operations.js";
import { readInput, safeDecode } from "./request-input.js";
import { RequestLog, type MockRequest } from "./request-log.js";
import { SchemaValidator } from "./schema-validator.js";
import { Store } from "./store.js";

/** The credentials the mock accepts unless told otherwise (they are not secrets: use them in tests). */
export const MOCK_CREDENTIALS = {
  clientId: "cid.mock-client",
  clientSecret: "cs1.mock-secret",
  appKey: "ak1.mock-app-key",
  tenant: "1234567",
} as const;

export interface MockServerOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  host?: string;
  /** Folder of specs to serve (default: the specs this package's client was generated from), with its overlays/. */
  specs?: string;
  /** Each overlay action of the specs folder that selects nothing. */
  onWarning?: (line: string) => void;
  /** Same seed, same data (default 1). */
  seed?: number;
  /** Accepted credentials; `tenant` is the tenant the client may use. */
  credentials?: Partial<{ clientId: string; clientSecret: string; appKey: string; tenant: string | number }>;
  /** More tenants the client may use, each with its own data. */
  extraTenants?: (string | number)[];
  /** Token lifetime in seconds (ServiceTitan's is 900). */
  expiresIn?: number;
  /** OAuth scopes the client holds (default: every scope). A call needing another gets 403. */
  scopes?: string[];
  /** Records in every collection at start (default 120). Only changed records take memory. */
  rows?: number;
  /** Rows per export-feed answer (default 100). */
  exportPageSize?: number;
  /** The largest `pageSize` a paged list accepts (default 5000). */
  maxPageSize?: number;
  /** With `includeRecentChanges=true`, how many rows before the token an export answer repeats (default 2). */
  recentChangesOverlap?: number;
  faults?: FaultOptions;
  /**
   * Serve the deviations ServiceTitan's real answers show (docs/servicetitan-api.md, "Data"): `true` = a
   * share of 0.05, or a share in (0, 1]. For each kind, that share of records carries it, picked from
   * (`seed`, record, kind), so the same seed and request get the same deviations on every run:
   * `enum-as-integer` (a string enum sent as its index), `date-as-date-time` (a `format: date` sent as
   * `2025-10-13T00:00:00`), `null-in-non-nullable`, `null-array-item`, `required-absent`, and
   * `extra-property` (`driftExtraField: <number>`, where the object has `additionalProperties: false`).
   * Each applies only where the record's schema (overlays applied) makes it possible, to top-level
   * records of 2xx answers (list and export rows, gets, the answers to writes); the store and request
   * validation are unchanged. Default: off.
   */
  drift?: boolean | number;
  /** Requests the log keeps (default 10,000; the oldest go first). */
  logLimit?: number;
}

export interface MockServer {
  /** `http://127.0.0.1:<port>`: use it as both `baseUrl` and `authUrl`. */
  url: string;
  port: number;
  credentials: { clientId: string; clientSecret: string; appKey: string; tenant: string };
  /** Everything the server received, oldest first, with secrets left out. */
  readonly requests: readonly MockRequest[];
  /** API requests only (no token requests). */
  apiRequests(): MockRequest[];
  readonly tokenRequests: number;
  /** The access tokens issued so far: for tests that check a client never leaks one. */
  issuedTokens(): string[];
  readonly domains: number;
  readonly operations: number;
  clearLog(): void;
  /** Replaces the random fault settings. */
  setFaults(faults: FaultOptions): void;
  /** The next request(s) matching `match` meet `fault`. */
  injectFault(fault: Fault, match?: FaultMatch): void;
  /** Every token issued so far stops working, as if it had expired. */
  expireTokens(): void;
  /** Forgets every write, the log and the queued faults. */
  reset(): void;
  close(): Promise<void>;
}

export async function startMockServer(options: MockServerOptions = {}): Promise<MockServer> {
  const drift = driftShare(options.drift); // a bad share fails before the specs are read
  const specsDir = options.specs ?? BUNDLED_SPECS;
  // With the folder's overlays applied, as generate applies them, so the mock serves what the client's types say.
  const { specs, unmatched } = await loadOverlaidSpecs(specsDir);
  checkOverlaysMatched(unmatched, options);
  const domains = specs.map(buildDomainModel);
  const operations = buildOperations(domains);
  const validator = new SchemaValidator();
  for (const domain of domains) validator.addDocument(domain.name, domain.document);

  const seed = options.seed ?? 1;
  const credentials = {
    ...MOCK_CREDENTIALS,
    ...options.credentials,
    tenant: String(options.credentials?.tenant ?? MOCK_CREDENTIALS.tenant),
  };
  const tenants = new Set([credentials.tenant, ...(options.extraTenants ?? []).map(String)]);
  const expiresIn = options.expiresIn ?? 900;
  const grantedScopes = options.scopes ? new Set(options.scopes) : undefined;
  const store = new Store(options.rows ?? 120);
  const behaviour = new DataBehaviour(
    {
      seed,
      exportPageSize: options.exportPageSize ?? 100,
      maxPageSize: options.maxPageSize ?? 5000,
      recentChangesOverlap: options.recentChangesOverlap ?? 2,
      drift,
    },
    store,
    validator,
  );
  const faults = new FaultInjector({ ...options.faults }, seed);
  const log = new RequestLog(options.logLimit ?? 10_000);
  const tokens = new Map<string, { number: number; expiresAt: number }>();
  const files = new Map<string, string>();
  let tokenRequests = 0;

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) send(res, problem(500, `mock server error: ${(error as Error).message}`));
      else res.destroy();
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const rawBody = Buffer.concat(chunks);
    const url = new URL(req.url ?? "/", "http://mock.invalid");
    const pathname = url.pathname.replace(/\/+$/, "") || "/";
    const entry = log.add(req, url, rawBody, tokens);
    let stallBodyMs = 0;
    const reply = (answer: Answer) => {
      entry.status = answer.status;
      send(res, answer, stallBodyMs);
    };

    if (pathname === "/connect/token") {
      entry.kind = "token";
      tokenRequests++;
      if (faults.options.tokenDelayMs) await sleep(faults.options.tokenDelayMs);
      return reply(tokenEndpoint(req, rawBody));
    }
    const file = files.get(pathname);
    if (file !== undefined) {
      entry.kind = "file";
      return reply({ status: 200, body: Buffer.from(file), contentType: "application/octet-stream" });
    }

    // Authentication comes first, as at ServiceTitan's gateway.
    const bearer = /^Bearer (.+)$/i.exec(req.headers.authorization ?? "")?.[1];
    const token = bearer ? tokens.get(bearer) : undefined;
    if (!token || token.expiresAt <= Date.now())
      return reply(
        problem(
          401,
          bearer
            ? "The access token is invalid or has expired."
            : "Authorization header with a Bearer token is required.",
        ),
      );
    const appKey = req.headers["st-app-key"];
    if (!appKey) return reply(problem(401, "The ST-App-Key header is required."));
    if (appKey !== credentials.appKey) return reply(problem(403, "The application key is not valid for this client."));

    const found = route(req.method ?? "GET", pathname);
    if (!found) return reply(problem(404, `No operation serves ${req.method} ${pathname}.`));
    if ("allowed" in found)
      return reply({
        ...problem(405, `${req.method} is not allowed here; use ${found.allowed.join(", ")}.`),
        headers: { Allow: found.allowed.join(", ") },
      });
    const { op, match } = found;
    entry.operationId = op.model.operationId;
    entry.domain = op.domain;
    const tenant = safeDecode(match[op.paramNames.indexOf("tenant") + 1] ?? "");
    if (!tenants.has(tenant))
      return reply(problem(404, `Tenant ${tenant} was not found or is not connected to this application.`));
    const missing = grantedScopes ? op.model.scopes.filter((scope) => !grantedScopes.has(scope)) : [];
    if (missing.length > 0)
      return reply(problem(403, `The access token lacks the scope ${missing.join(", ")} this operation requires.`));

    const delay = faults.latency();
    if (delay) await sleep(delay);
    const injected = faults.pick({
      operationId: op.model.operationId,
      method: req.method ?? "GET",
      path: pathname,
      bucket: `${appKey}|${tenant}`,
    });
    if (injected) {
      entry.fault = injected.reason;
      const { fault } = injected;
      if ("drop" in fault) {
        entry.status = 0;
        return void req.socket.destroy();
      }
      if ("status" in fault) return reply(faultAnswer(fault));
      if ("delayMs" in fault) await sleep(fault.delayMs);
      else stallBodyMs = fault.stallBodyMs;
    }

    const input = readInput(op, match, url.searchParams, rawBody, req.headers["content-type"] ?? "", validator);
    if ("unsupportedMediaType" in input)
      return reply(problem(415, `Unsupported content type '${input.unsupportedMediaType}'.`));
    if (Object.keys(input.errors).length > 0) return reply(problem(400, VALIDATION_TITLE, input.errors));
    const fileUrl = `/_mock/files/${op.domain}/${op.model.operationId}/${encodeURIComponent(pathname + url.search)}`;
    if (op.success.redirect) files.set(fileUrl, `mock file for ${op.model.operationId} ${pathname}${url.search}`);
    reply(
      behaviour.answer({ op, path: pathname, params: input.params, query: input.query, body: input.body, fileUrl }),
    );
  }

  function tokenEndpoint(req: IncomingMessage, rawBody: Buffer): Answer {
    const contentType = req.headers["content-type"] ?? "";
    if (req.method !== "POST" || !contentType.startsWith("application/x-www-form-urlencoded")) {
      return { status: 400, body: { error: "invalid_request", error_description: "POST a form-urlencoded body." } };
    }
    const form = new URLSearchParams(rawBody.toString("utf8"));
    if (form.get("grant_type") !== "client_credentials")
      return { status: 400, body: { error: "unsupported_grant_type" } };
    if (form.get("client_id") !== credentials.clientId || form.get("client_secret") !== credentials.clientSecret) {
      return { status: 400, body: { error: "invalid_client" } };
    }
    const accessToken = `mock.${randomBytes(24).toString("base64url")}`;
    tokens.set(accessToken, { number: tokens.size + 1, expiresAt: Date.now() + expiresIn * 1000 });
    const scope = grantedScopes ? [...grantedScopes].join(" ") : "all";
    return { status: 200, body: { access_token: accessToken, expires_in: expiresIn, token_type: "Bearer", scope } };
  }

  // Operations by the path's first segment (the module: `crm`, `telecom`), so a request tests a few dozen patterns, not 559.
  const byModule = new Map<string, MockOperation[]>();
  for (const op of operations) {
    const module = op.template.split("/")[1]!;
    byModule.set(module, [...(byModule.get(module) ?? []), op]);
  }

  function route(
    method: string,
    pathname: string,
  ): { op: MockOperation; match: RegExpExecArray } | { allowed: string[] } | undefined {
    const allowed: string[] = [];
    for (const op of byModule.get(pathname.split("/")[1]!) ?? []) {
      const match = op.pattern.exec(pathname);
      if (!match) continue;
      if (op.model.method === method) return { op, match };
      allowed.push(op.model.method);
    }
    return allowed.length > 0 ? { allowed: [...new Set(allowed)].sort() } : undefined;
  }

  const host = options.host ?? "127.0.0.1";
  await new Promise<void>((resolve, reject) => {
    server.once("error", (error: NodeJS.ErrnoException) =>
      reject(
        error.code === "EADDRINUSE"
          ? new Error(`port ${options.port} on ${host} is already in use: pick another (0 picks a free one)`)
          : error,
      ),
    );
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  const urlHost = address.family === "IPv6" ? `[${address.address}]` : address.address;

  return {
    url: `http://${urlHost}:${address.port}`,
    port: address.port,
    credentials,
    get requests() {
      return log.entries;
    },
    apiRequests: () => log.entries.filter((r) => r.kind === "api"),
    get tokenRequests() {
      return tokenRequests;
    },
    issuedTokens: () => [...tokens.keys()],
    domains: domains.length,
    operations: operations.length,
    clearLog: () => log.clear(),
    setFaults: (next) => void (faults.options = { ...next }),
    injectFault: (fault, match) => faults.queue(fault, match),
    expireTokens: () => tokens.forEach((token) => (token.expiresAt = 0)),
    reset: () => {
      store.clear();
      log.clear();
      faults.clearQueue();
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function faultAnswer(fault: {
  status: number;
  retryAfter?: number | string | null;
  title?: string;
  html?: boolean;
}): Answer {
  if (fault.html) return htmlErrorPage(fault.status);
  const retryAfter = fault.retryAfter === undefined ? (fault.status === 429 ? 1 : null) : fault.retryAfter;
  const headers = retryAfter === null ? undefined : { "Retry-After": String(retryAfter) };
  return problem(fault.status, fault.title ?? defaultTitle(fault.status), {}, headers);
}

function defaultTitle(status: number): string {
  if (status === 429) return "Rate limit is exceeded. Try again in 1 seconds.";
  if (status === 409) return "The service is suspended for maintenance.";
  return `Injected fault: status ${status}.`;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
