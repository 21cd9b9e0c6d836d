/**
 * `servicetitan-client/runtime`: the contract between stgen's output and this runtime. Generated code
 * imports only what is exported here (`defineDomain`, `createCore`, `lazyObject` and the types their signatures use), and
 * re-exports the user's API (errors, config, paging and hook types) from here; stgen states the runtime
 * versions its output works with as its peer dependency on servicetitan-client. Removing or changing any of
 * these names is a breaking change of this package.
 */
export {
  ENVIRONMENTS,
  DEFAULT_TIMEOUT_MS,
  DEFAULT_MAX_RESPONSE_BYTES,
  DEFAULT_REQUESTS_PER_SECOND,
  DEFAULT_REPORTING_REQUESTS_PER_MINUTE,
  ServiceTitanConfigError,
} from "./config.js";
export type { Environment, ServiceTitanConfig, ResolvedConfig, RateLimitOptions, ValidateResponses } from "./config.js";
export { createCore, isCore, type ServiceTitanCore } from "./core.js";
export {
  defineDomain,
  type DomainDefinition,
  type DomainTable,
  type OperationTable,
  type PathStyleClient,
} from "./domain.js";
export { lazyObject } from "./lazy-object.js";
export {
  ServiceTitanError,
  AuthenticationError,
  PermissionError,
  NotFoundError,
  ValidationError,
  ConflictError,
  RateLimitError,
  ServerError,
  TimeoutError,
  NetworkError,
  ResponseValidationError,
  type ServiceTitanErrorDetails,
} from "./errors.js";
export type { DriftEvent, Hooks, Logger, RequestEvent, ResponseEvent, RetryEvent } from "./hooks.js";
export type { OperationSpec, RequestOptions, HttpMethod } from "./operation.js";
export {
  DEFAULT_PAGE_SIZE,
  type ExportFeed,
  type ExportOptions,
  type ExportStream,
  type ItemOf,
  type ItemStream,
  type IterationState,
  type PagedList,
  type PageOptions,
  type PageStream,
} from "./paging.js";
export { memoryRateLimiter, type RateLimit, type RateLimiter } from "./rate-limit.js";
export { DEFAULT_RETRY, type RetryOptions } from "./retry.js";
export type { SchemaNode, ValidationTable } from "./validation.js";
export { memoryTokenStore, type CachedToken, type TokenStore } from "./token-store.js";
