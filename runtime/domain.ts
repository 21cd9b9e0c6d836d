import createClient from "openapi-fetch";
import type { Client } from "openapi-fetch";
import type { ServiceTitanConfig } from "./config.js";
import { toCore, type ServiceTitanCore } from "./core.js";
import { callOperation, compileOperation, type OperationFn, type OperationSpec, type RequestOptions } from "./operation.js";

/** Path-style access: openapi-fetch's own methods, typed by the domain's `paths`; `tenant` may be left out. */
export type PathStyleClient<Paths extends {}> = Pick<Client<Paths, `${string}/${string}`>, "GET" | "PUT" | "POST" | "DELETE" | "PATCH">;

/** The untyped view of openapi-fetch the operation methods use; their types come from the generated interfaces. */
export interface Transport {
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
  const client = createClient<Paths>({ baseUrl: core.config.apiUrl + modulePath, fetch: core.fetch });
  const transport = client as unknown as Transport;
  const tenant = core.config.tenant;

  /** Path-style calls get what generated methods get: the tenant filled in, and the client's time limit. */
  const withDefaults = (init: Record<string, unknown> | undefined) => {
    const params = (init?.params ?? {}) as Record<string, Record<string, unknown> | undefined>;
    const limit = AbortSignal.timeout(core.config.timeoutMs);
    const signal = init?.signal instanceof AbortSignal ? AbortSignal.any([init.signal, limit]) : limit;
    return { ...init, signal, params: { ...params, path: { tenant, ...params.path } } };
  };
  const forward =
    (method: string) =>
    (url: string, init?: Record<string, unknown>) =>
      transport.request(method, url, withDefaults(init));
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
      const call = (args?: Record<string, unknown>, options?: RequestOptions) => callOperation(core, transport, op, args, options);
      return call as unknown as OperationFn;
    },
  };
}
