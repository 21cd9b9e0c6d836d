import createClient from "openapi-fetch";
import type { Client } from "openapi-fetch";
import type { ServiceTitanConfig } from "./config.js";
import { toCore, type ServiceTitanCore } from "./core.js";
import { ServiceTitanError } from "./errors.js";
import { callHook } from "./hooks.js";
import {
  callOperation,
  checkOptions,
  checkPathValue,
  checkTenant,
  compileOperation,
  readModeOf,
  type CompiledOperation,
  type OperationFn,
  type OperationSpec,
  type RequestOptions,
} from "./operation.js";
import { serializeQuery } from "./query.js";
import { withExportPaging, withPaging } from "./paging.js";
import { callFetch, type CallState } from "./send.js";

/** Path-style access: openapi-fetch's own methods, typed by the domain's `paths`; `tenant` may be left out. */
export type PathStyleClient<Paths extends {}> = Pick<Client<Paths, `${string}/${string}`>, "GET" | "PUT" | "POST" | "DELETE" | "PATCH">;

/** The untyped view of openapi-fetch that path-style calls go through; their types come from `PathStyleClient`. */
interface Transport {
  request(method: string, url: string, init: Record<string, unknown>): Promise<{ data?: unknown; error?: unknown; response: Response }>;
}

export interface DomainBinding<Paths extends {}> {
  readonly core: ServiceTitanCore;
  readonly pathStyle: PathStyleClient<Paths>;
  /** Makes one generated method; see `OperationSpec`. */
  operation(spec: OperationSpec): OperationFn;
}

/** Everything a generated domain client needs from the runtime, bound to one module path (`/crm/v2`). */
export function bindDomain<Paths extends {}>(configOrCore: ServiceTitanConfig | ServiceTitanCore, modulePath: string): DomainBinding<Paths> {
  const core = toCore(configOrCore);
  const baseUrl = core.config.apiUrl + modulePath;
  const transport = createClient<Paths>({ baseUrl, querySerializer: (query) => serializeQuery(query, `${modulePath} path-style call`) }) as unknown as Transport;
  const limits = budgets(core, modulePath);
  /** Every operation by `METHOD path`, so a path-style call can only reach the domain's own operations. */
  const known = new Map<string, CompiledOperation>();

  const newCall = (method: string, options: RequestOptions, read: CallState["read"], operationId?: string): CallState => ({
    operationId,
    method,
    signal: options.signal,
    timeoutMs: options.timeoutMs ?? core.config.timeoutMs,
    replayAllowed: options.retry ? options.retry.nonIdempotent === true : false,
    maxAttempts: options.retry === false ? 1 : (options.retry?.maxAttempts ?? core.config.retry.maxAttempts),
    limits,
    read,
  });

  /** Path-style calls get what generated methods get: the tenant filled in, checked path values, limits, retries, timeouts. */
  const forward = (method: string) => async (url: string, init: Record<string, unknown> & RequestOptions = {}) => {
    const where = `${method} ${url}`;
    const op = known.get(where);
    if (!op) throw new TypeError(`${where} is not an operation of ${modulePath}: path-style calls take a path template of the spec, with its {parameters}`);
    checkOptions(where, init);
    const params = (init.params ?? {}) as Record<string, Record<string, unknown> | undefined>;
    const path = { ...params.path };
    checkTenant(where, path.tenant, core.config.tenant);
    for (const name of op.pathParams) checkPathValue(where, name, path[name]);
    path.tenant = core.config.tenant;
    const headers = { "user-agent": core.config.userAgent, ...(init.headers as Record<string, string> | undefined) };
    const call = newCall(method, init, "bytes");
    // Only these of openapi-fetch's per-request options: others (`baseUrl`, `fetch`, `middleware`, the
    // serializers) could send the request, token and app key included, elsewhere.
    const { body, bodySerializer, parseAs } = init;
    const request = { body, bodySerializer, parseAs, headers, fetch: callFetch(core, call), params: { ...params, path } };
    try {
      return await transport.request(method, url, request);
    } catch (error) {
      if (error instanceof ServiceTitanError) callHook(core.config.hooks.onError, error, core.config.logger);
      throw error;
    }
  };
  const pathStyle = {
    GET: forward("GET"),
    PUT: forward("PUT"),
    POST: forward("POST"),
    DELETE: forward("DELETE"),
    PATCH: forward("PATCH"),
  } as unknown as PathStyleClient<Paths>;

  return {
    core,
    pathStyle,
    operation(spec) {
      const op = compileOperation(spec);
      known.set(`${spec.method} ${spec.path}`, op);
      const read = readModeOf(op);
      const newOperationCall = (options: RequestOptions) => newCall(op.method, options, read, op.id);
      const call = (args?: Record<string, unknown>, options?: RequestOptions) => callOperation(core, baseUrl, op, args, options, newOperationCall);
      if (spec.paging === "page") return withPaging(call as never, op.id) as unknown as OperationFn;
      if (spec.paging === "export") return withExportPaging(call as never, op.id) as unknown as OperationFn;
      return call as unknown as OperationFn;
    },
  };
}

/** The budgets a call of this domain draws on: the per-(app key, tenant) one, and reporting's own. */
function budgets(core: ServiceTitanCore, modulePath: string): CallState["limits"] {
  const rateLimit = core.config.rateLimit;
  if (!rateLimit) return [];
  const key = `${core.config.appKey}\n${core.config.tenant}`;
  const limits = [{ key, limit: rateLimit.perSecond }];
  if (rateLimit.reporting && modulePath.startsWith("/reporting/")) limits.unshift({ key: `${key}\nreporting`, limit: rateLimit.reporting });
  return limits;
}
