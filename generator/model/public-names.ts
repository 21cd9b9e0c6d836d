/**
 * Where generated code imports the runtime from: `servicetitan-client/runtime`, the contract between stgen's
 * output and the runtime (README, "The runtime contract"); `stgen generate --runtime` puts another in.
 */
export const RUNTIME_SPECIFIER = "servicetitan-client/runtime";

/** What each domain entry point re-exports from the runtime, so a one-domain import needs nothing else. */
export const RUNTIME_VALUE_REEXPORTS = [
  "ServiceTitanError",
  "AuthenticationError",
  "PermissionError",
  "NotFoundError",
  "ValidationError",
  "ConflictError",
  "RateLimitError",
  "ServerError",
  "TimeoutError",
  "NetworkError",
  "ResponseValidationError",
] as const;
export const RUNTIME_TYPE_REEXPORTS = [
  "ServiceTitanConfig",
  "RequestOptions",
  "Hooks",
  "DriftEvent",
  "ValidateResponses",
] as const;

/** What the root entry re-exports: the user's API (errors, config, paging and hook types), not the plumbing. */
export const PUBLIC_VALUE_REEXPORTS = [
  ...RUNTIME_VALUE_REEXPORTS,
  "ServiceTitanConfigError",
  "memoryTokenStore",
  "memoryRateLimiter",
  "ENVIRONMENTS",
  "DEFAULT_TIMEOUT_MS",
  "DEFAULT_MAX_RESPONSE_BYTES",
  "DEFAULT_REQUESTS_PER_SECOND",
  "DEFAULT_REPORTING_REQUESTS_PER_MINUTE",
  "DEFAULT_RETRY",
  "DEFAULT_PAGE_SIZE",
] as const;
export const PUBLIC_TYPE_REEXPORTS = [
  ...RUNTIME_TYPE_REEXPORTS,
  "Environment",
  "RateLimitOptions",
  "RetryOptions",
  "ServiceTitanErrorDetails",
  "Logger",
  "RequestEvent",
  "ResponseEvent",
  "RetryEvent",
  "PagedList",
  "ExportFeed",
  "PageOptions",
  "ExportOptions",
  "PageStream",
  "ItemStream",
  "ExportStream",
  "IterationState",
  "ItemOf",
  "RateLimit",
  "RateLimiter",
  "TokenStore",
  "CachedToken",
] as const;
