export { ENVIRONMENTS, DEFAULT_TIMEOUT_MS, DEFAULT_REQUESTS_PER_SECOND, DEFAULT_REPORTING_REQUESTS_PER_MINUTE, ServiceTitanConfigError } from "./config.js";
export type { Environment, ServiceTitanConfig, ResolvedConfig, RateLimitOptions } from "./config.js";
export { createCore, isCore, type ServiceTitanCore } from "./core.js";
export { bindDomain, type DomainBinding, type PathStyleClient } from "./domain.js";
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
  type ServiceTitanErrorDetails,
} from "./errors.js";
export type { Hooks, Logger, RequestEvent, ResponseEvent, RetryEvent } from "./hooks.js";
export type { OperationFn, OperationSpec, RequestOptions, HttpMethod } from "./operation.js";
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
export { memoryTokenStore, type CachedToken, type TokenStore } from "./token-store.js";
