// Token single-flight: 1,000 concurrent first calls of a fresh client against stgen mock (its token
// endpoint slowed to 50 ms so the calls really overlap) must make exactly one token request.
// Run: npm run bench:token   (rebuilds dist/)
import { fileURLToPath } from "node:url";
import { buildOnce, report } from "./report.mjs";

const root = fileURLToPath(new URL("..", import.meta.url));
await buildOnce(root);
const { startMockServer } = await import("../generator/dist/mock/index.js");
const { createCrmClient } = await import("../dist/generated/crm/index.js");

const mock = await startMockServer({ faults: { tokenDelayMs: 50 }, logLimit: 10 });
const crm = createCrmClient({ ...mock.credentials, baseUrl: mock.url, authUrl: mock.url, rateLimit: false });
const started = performance.now();
const results = await Promise.all(Array.from({ length: 1000 }, (_, i) => crm.customers.get({ id: (i % 120) + 1 })));
const ms = performance.now() - started;
await mock.close();
report({
  id: "token",
  title: "Token single-flight: 1,000 concurrent first calls",
  rerun: "npm run bench:token",
  columns: ["what", "value"],
  rows: [
    ["calls completed", String(results.length)],
    ["token requests made", String(mock.tokenRequests)],
    ["wall time for the 1,000 calls", `${ms.toFixed(0)} ms`],
  ],
  targets: [{ what: "exactly 1 token request", measured: String(mock.tokenRequests), met: mock.tokenRequests === 1 }],
});
