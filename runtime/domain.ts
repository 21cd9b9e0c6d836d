import createClient from "openapi-fetch";
import type { Client } from "openapi-fetch";
import type { ServiceTitanConfig } from "./config.js";
import { toCore, type ServiceTitanCore } from "./core.js";
import { lazyObject } from "./lazy-object.js";
import {
  callOperation,
  callSettings,
  checkOptions,
  checkPathValue,
  checkTenant,
  compileOperation,
  reportingErrors,
  type CallTarget,
  type CompiledOperation,
  type OperationSpec,
  type RequestOptions,
} from "./operation.js";
import { serializeQuery } from "./query.js";
import { withExportPaging, withPaging } from "./paging.js";
import { callFetch } from "./send.js";
import type { ValidationTable } from "./validation.js";

/** Path-style access: openapi-fetch's own methods, typed by the domain's `paths`; `tenant` may be left out. */
export type PathStyleClient<Paths extends {}> = Pick<
  Client<Paths, `${string}/${string}`>,
  "GET" | "PUT" | "POST" | "DELETE" | "PATCH"
>;

/** One table entry per method of `Api`, in the generated client beside the interface it implements. */
export type OperationTable<Api> = { readonly [Name in keyof Api]-?: OperationSpec };

/** A domain as the generator writes it: its groups of operations (`customers`) and those on the domain itself. */
export interface DomainTable {
  groups: Record<string, Record<string, OperationSpec>>;
  operations: Record<string, OperationSpec>;
  /** The domain's `validation.ts`, imported only when `validateResponses` is on (a bundler splits it off). */
  validation?: () => Promise<{ validation: ValidationTable }>;
}

export interface DomainDefinition<Client> {
  /** A client of this domain: for a config of its own, or sharing the core of a `createServiceTitan` client. */
  create(configOrCore: ServiceTitanConfig | ServiceTitanCore): Client;
}

const PATH_STYLE_METHODS = ["GET", "PUT", "POST", "DELETE", "PATCH"] as const;

/** The untyped view of openapi-fetch that path-style calls go through; their types come from `PathStyleClient`. */
interface Transport {
  request(
    method: string,
    url: string,
    init: Record<string, unknown>,
  ): Promise<{ data?: unknown; error?: unknown; response: Response }>;
}

/** What a domain client of one tenant holds: the call target, and openapi-fetch once a path-style call needs it. */
interface DomainContext extends CallTarget {
  transport?: Transport;
}

/**
 * A generated domain (`/crm/v2` and its tables). The tables are compiled once, when the first client of
 * this domain is made; a client then is its core and its module path, and each group and method is made
 * on first access (see lazy-object.ts), so a multi-tenant process pays per tenant only for what it uses.
 */
export function defineDomain<Client>(modulePath: string, table: DomainTable): DomainDefinition<Client> {
  let make: ((context: DomainContext) => object) | undefined;
  let loaded: Promise<ValidationTable> | undefined;
  const validation = () =>
    (loaded ??= loadValidation(modulePath, table).catch((error: unknown) => {
      loaded = undefined; // the next call tries again
      throw error;
    }));
  return {
    create(configOrCore) {
      make ??= compileDomain(table);
      const core = toCore(configOrCore);
      return make({
        core,
        modulePath,
        baseUrl: core.config.apiUrl + modulePath,
        limits: budgets(core, modulePath),
        validation,
      }) as Client;
    },
  };
}

async function loadValidation(modulePath: string, table: DomainTable): Promise<ValidationTable> {
  if (!table.validation)
    throw new TypeError(
      `validateResponses is on, but ${modulePath} was generated without response schemas: regenerate it with this stgen`,
    );
  return (await table.validation()).validation;
}

function compileDomain(table: DomainTable): (context: DomainContext) => object {
  /** Every operation by `METHOD path`, so a path-style call can only reach the domain's own operations. */
  const known = new Map<string, CompiledOperation>();
  const methods = (specs: Record<string, OperationSpec>) => {
    const made: Record<string, (context: DomainContext) => unknown> = {};
    for (const name in specs) {
      const op = compileOperation(specs[name]!);
      known.set(`${op.method} ${op.path}`, op);
      made[name] = (context) => method(context, op);
    }
    return made;
  };
  const members: Record<string, (context: DomainContext) => unknown> = {};
  for (const verb of PATH_STYLE_METHODS) members[verb] = (context) => pathStyle(context, verb, known);
  for (const group in table.groups) members[group] = lazyObject(methods(table.groups[group]!));
  Object.assign(members, methods(table.operations));
  return lazyObject(members);
}

/** A generated method of one client: `callOperation` bound, with `.all()` / `.pages()` where it pages. */
function method(context: DomainContext, op: CompiledOperation): unknown {
  const call = (args?: Record<string, unknown>, options?: RequestOptions) => callOperation(context, op, args, options);
  if (op.paging === "page") return withPaging(call as never, op.id);
  if (op.paging === "export") return withExportPaging(call as never, op.id);
  return call;
}

/** Path-style calls get what generated methods get: the tenant filled in, checked path values, limits, retries, timeouts. */
function pathStyle(context: DomainContext, verb: string, known: ReadonlyMap<string, CompiledOperation>) {
  const { core, modulePath } = context;
  return async (url: string, init: Record<string, unknown> & RequestOptions = {}) => {
    const where = `${verb} ${url}`;
    const op = known.get(where);
    if (!op)
      throw new TypeError(
        `${where} is not an operation of ${modulePath}: path-style calls take a path template of the spec, with its {parameters}`,
      );
    checkOptions(where, init);
    const params = (init.params ?? {}) as Record<string, Record<string, unknown> | undefined>;
    const path = { ...params.path };
    checkTenant(where, path.tenant, core.config.tenant);
    for (const name of op.pathParams) checkPathValue(where, name, path[name]);
    path.tenant = core.config.tenant;
    const headers = { "user-agent": core.config.userAgent, ...(init.headers as Record<string, string> | undefined) };
    // Only these of openapi-fetch's per-request options: others (`baseUrl`, `fetch`, `middleware`, the
    // serializers) could send the request, token and app key included, elsewhere.
    const { body, bodySerializer, parseAs } = init;
    const request = {
      body,
      bodySerializer,
      parseAs,
      headers,
      fetch: callFetch(core, callSettings(context, verb, init, "bytes")),
      params: { ...params, path },
    };
    context.transport ??= createClient({
      baseUrl: context.baseUrl,
      querySerializer: (query) => serializeQuery(query, `${modulePath} path-style call`),
    }) as unknown as Transport;
    return await reportingErrors(core, context.transport.request(verb, url, request));
  };
}

/** The budgets a call of this domain draws on: the per-(app key, tenant) one, and reporting's own. */
function budgets(core: ServiceTitanCore, modulePath: string): CallTarget["limits"] {
  const rateLimit = core.config.rateLimit;
  if (!rateLimit) return [];
  const key = `${core.config.appKey}\n${core.config.tenant}`;
  const limits = [{ key, limit: rateLimit.perSecond }];
  if (rateLimit.reporting && modulePath.startsWith("/reporting/"))
    limits.unshift({ key: `${key}\nreporting`, limit: rateLimit.reporting });
  return limits;
}
