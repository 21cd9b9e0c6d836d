import createClient from "openapi-fetch";
import type { Client } from "openapi-fetch";
import type { ServiceTitanConfig } from "./config.js";
import { toCore, type ServiceTitanCore } from "./core.js";
import { ServiceTitanError } from "./errors.js";
import { callHook } from "./hooks.js";
import { callOperation, compileOperation, readBodyOf, type OperationFn, type OperationSpec, type RequestOptions } from "./operation.js";
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
  const transport = createClient<Paths>({ baseUrl }) as unknown as Transport;
  const limits = budgets(core, modulePath);

  /** Each call gets its own `fetch` (openapi-fetch takes one per request), which carries the call's settings. */
  const newCall = (method: string, options: RequestOptions, readBody?: CallState["readBody"], operationId?: string): CallState => ({
    operationId,
    method,
    signal: options.signal,
    timeoutMs: options.timeoutMs ?? core.config.timeoutMs,
    replayAllowed: options.retry ? options.retry.nonIdempotent === true : false,
    maxAttempts: options.retry === false ? 1 : (options.retry?.maxAttempts ?? core.config.retry.maxAttempts),
    limits,
    attempts: 0,
    readBody,
  });

  /** Path-style calls get what generated methods get: the tenant filled in, limits, retries and timeouts. */
  const forward = (method: string) => async (url: string, init: Record<string, unknown> & RequestOptions = {}) => {
    const params = (init.params ?? {}) as Record<string, Record<string, unknown> | undefined>;
    const call = newCall(method, init); // openapi-fetch reads the body, after our fetch returns
    try {
      return await transport.request(method, url, { ...init, fetch: callFetch(core, call), params: { ...params, path: { tenant: core.config.tenant, ...params.path } } });
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
      const readBody = readBodyOf(op);
      const call = (args?: Record<string, unknown>, options: RequestOptions = {}) =>
        callOperation(core, baseUrl, op, args, options, newCall(op.method, options, readBody, op.id));
      if (spec.paging === "page") return withPaging(call as never) as unknown as OperationFn;
      if (spec.paging === "export") return withExportPaging(call as never) as unknown as OperationFn;
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
