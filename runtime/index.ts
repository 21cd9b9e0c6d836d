export { ENVIRONMENTS, DEFAULT_TIMEOUT_MS, ServiceTitanConfigError } from "./config.js";
export type { Environment, ServiceTitanConfig, ResolvedConfig } from "./config.js";
export { createCore, isCore, type ServiceTitanCore } from "./core.js";
export { bindDomain, type DomainBinding, type PathStyleClient } from "./domain.js";
export { ServiceTitanError, type ServiceTitanErrorDetails } from "./errors.js";
export type { OperationFn, OperationSpec, RequestOptions, HttpMethod } from "./operation.js";
export { memoryTokenStore, type CachedToken, type TokenStore } from "./token-store.js";
