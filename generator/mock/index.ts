/** `stgen/mock`: a fake ServiceTitan, driven by the specs, for tests and demos. */
export { startMockServer, MOCK_CREDENTIALS, BUNDLED_SPECS, type MockServer, type MockServerOptions } from "./server.js";
export type { Fault, FaultMatch, FaultOptions } from "./faults.js";
export type { MockRequest } from "./request-log.js";
