/** `stgen/mock`: a fake ServiceTitan, driven by the specs, for tests and demos. */
export { startMockServer, MOCK_CREDENTIALS, type MockServer, type MockServerOptions } from "./server.js";
export { BUNDLED_SPECS } from "../version.js";
export type { Fault, FaultMatch, FaultOptions } from "./faults.js";
export type { MockRequest } from "./request-log.js";
