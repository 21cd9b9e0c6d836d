// Runtime overhead per call: sequential GETs to a loopback keep-alive server (a bare node:http child
// process answering one fixed body), timed per call: plain fetch (the baseline), openapi-fetch, and this
// client with its token cached and retries and the rate limiter on but not triggered. Subjects take
// turns call by call so a noisy machine slows all of them alike.
// Run: npm run bench:runtime   (rebuilds dist/; BENCH_CALLS, BENCH_RUNS to change)
import { spawn } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { buildOnce, ratio, report } from "./report.mjs";

const root = fileURLToPath(new URL("..", import.meta.url));
const calls = Number(process.env.BENCH_CALLS ?? 2000);
const rounds = Number(process.env.BENCH_RUNS ?? 5);
await buildOnce(root);
const { createCrmClient } = await import("../dist/generated/crm/index.js");
const { default: createClient } = await import("openapi-fetch");

// One body serves both the token endpoint and the API call (the client reads access_token, the caller id).
const body = JSON.stringify({
  id: 1,
  name: "Acme Plumbing",
  active: true,
  access_token: "bench-token",
  expires_in: 900,
});
const server = spawn(process.execPath, [path.join(root, "bench/mock-server-child.mjs"), "bare", body]);
const url = await new Promise((resolve) =>
  server.stdout.on("data", (chunk) => resolve(/READY (\S+)/.exec(String(chunk))[1])),
);
const tenant = 1234567;
const target = `${url}/crm/v2/tenant/${tenant}/customers/1`;
const headers = { Authorization: "Bearer bench-token", "ST-App-Key": "ak1.bench" };

const openapiFetch = createClient({ baseUrl: `${url}/crm/v2` });
const crm = createCrmClient({
  clientId: "cid.bench",
  clientSecret: "cs1.bench",
  appKey: "ak1.bench",
  tenant,
  baseUrl: url,
  authUrl: url,
  rateLimit: { requestsPerSecond: 1_000_000 }, // on, but never the reason to wait
});
const subjects = [
  { name: "plain fetch (baseline)", call: async () => (await fetch(target, { headers })).json() },
  // What every attempt of this client carries (its timeout): undici links a signal to each request it is given.
  {
    name: "plain fetch + AbortSignal.timeout(100 s)",
    call: async () => (await fetch(target, { headers, signal: AbortSignal.timeout(100_000) })).json(),
  },
  {
    name: "openapi-fetch",
    call: async () =>
      (await openapiFetch.GET("/tenant/{tenant}/customers/{id}", { params: { path: { tenant, id: 1 } }, headers }))
        .data,
  },
  { name: "servicetitan-client (retries + limiter on)", call: () => crm.customers.get({ id: 1 }) },
];

const samples = subjects.map(() => []);
for (const subject of subjects) for (let i = 0; i < 500; i++) await subject.call(); // warm up (and cache the token)
// Call by call in turn, so a slow spell of the machine falls on all subjects alike, and in a shuffled
// order each turn, so none always follows the same one (and meets its garbage).
let seed = 1;
const random = () => (seed = (seed * 48271) % 2147483647) / 2147483647;
const order = subjects.map((_, index) => index);
for (let round = 0; round < rounds; round++) {
  for (let i = 0; i < calls; i++) {
    for (let k = order.length - 1; k > 0; k--) {
      const j = Math.floor(random() * (k + 1));
      [order[k], order[j]] = [order[j], order[k]];
    }
    for (const index of order) {
      const started = performance.now();
      await subjects[index].call();
      samples[index].push(performance.now() - started);
    }
  }
}
server.kill("SIGTERM");

const quantile = (values, q) => [...values].sort((a, b) => a - b)[Math.floor(values.length * q)];
const base = quantile(samples[0], 0.5);
const client = quantile(samples[3], 0.5) / base;
const withSignal = quantile(samples[1], 0.5) / base;
report({
  id: "runtime",
  title: `Runtime overhead per call (${rounds} rounds × ${calls} sequential GETs, keep-alive loopback)`,
  rerun: "npm run bench:runtime",
  columns: ["what", "p50", "p90", "p50 ratio"],
  rows: subjects.map((subject, i) => [
    subject.name,
    `${(quantile(samples[i], 0.5) * 1000).toFixed(0)} µs`,
    `${(quantile(samples[i], 0.9) * 1000).toFixed(0)} µs`,
    ratio(quantile(samples[i], 0.5) / base),
  ]),
  targets: [
    {
      what: "this client ≤ 1.10× plain fetch at p50 (retries and limiter on)",
      measured: `${client.toFixed(3)}× (a timeout signal alone: ${withSignal.toFixed(3)}×)`,
      met: client <= 1.1,
    },
  ],
  notes: [
    `Every attempt runs under its own timeout (\`timeoutMs\`, 100 s by default), which means an AbortSignal per request; plain fetch given one is already ${ratio(withSignal)}. ` +
      "The rest is this client's own work per call: token, rate-limit slot, URL, headers, and reading the answer as text to cope with ServiceTitan's text/plain JSON.",
  ],
});
