// `stgen mock` figures: start-up time with all 24 specs, requests per second for a simple GET
// (Customers_Get, keep-alive, one server process), and the server's peak memory. The baseline, measured
// in the same script with the same load, is a bare node:http server answering the same bytes.
// Run: npm run bench:mock   (rebuilds dist/ first; BENCH_SECONDS, BENCH_RUNS to change the load)
import { spawn } from "node:child_process";
import http from "node:http";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { buildOnce, median, ratio, report } from "./report.mjs";

const root = fileURLToPath(new URL("..", import.meta.url));
const seconds = Number(process.env.BENCH_SECONDS ?? 5);
const runs = Number(process.env.BENCH_RUNS ?? 3);
const concurrency = 16;
await buildOnce(root);

function startServer(args) {
  const child = spawn(
    process.execPath,
    ["--import", path.join(root, "bench/report-rss.mjs"), path.join(root, "bench/mock-server-child.mjs"), ...args],
    { cwd: root },
  );
  let stderr = "";
  child.stderr.on("data", (chunk) => (stderr += chunk));
  const wallStart = performance.now();
  return new Promise((resolve, reject) => {
    let stdout = "";
    child.stdout.on("data", (chunk) => {
      stdout += chunk;
      const ready = /READY (\S+) (\d+)/.exec(stdout);
      if (!ready) return;
      resolve({
        url: ready[1],
        startupMs: Number(ready[2]),
        wallMs: performance.now() - wallStart,
        stop: () =>
          new Promise((done) => {
            child.once("exit", () => done(Number(/BENCH_MAX_RSS_KB=(\d+)/.exec(stderr)?.[1] ?? NaN) / 1024));
            child.kill("SIGTERM");
          }),
      });
    });
    child.once("exit", (code) => reject(new Error(`server exited (${code}): ${stderr}`)));
  });
}

const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
function get(url, headers) {
  return new Promise((resolve, reject) => {
    http
      .get(url, { agent, headers }, (res) => {
        res.resume();
        res.once("end", () => (res.statusCode === 200 ? resolve() : reject(new Error(`status ${res.statusCode}`))));
      })
      .once("error", reject);
  });
}
async function load(url, headers) {
  const until = performance.now() + seconds * 1000;
  let done = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < until) {
        await get(url, headers);
        done++;
      }
    }),
  );
  return done / seconds;
}
async function mockToken(base) {
  const response = await fetch(`${base}/connect/token`, {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded" },
    body: "grant_type=client_credentials&client_id=cid.mock-client&client_secret=cs1.mock-secret",
  });
  return (await response.json()).access_token;
}

const samples = { startup: [], wall: [], mockRps: [], bareRps: [], rss: [], bareRss: [] };
for (let round = 0; round < runs; round++) {
  const mock = await startServer(["mock"]);
  samples.startup.push(mock.startupMs);
  samples.wall.push(mock.wallMs);
  const headers = { Authorization: `Bearer ${await mockToken(mock.url)}`, "ST-App-Key": "ak1.mock-app-key" };
  const path1 = "/crm/v2/tenant/1234567/customers/1";
  const body = await (await fetch(mock.url + path1, { headers })).text();
  samples.mockRps.push(await load(mock.url + path1, headers));
  samples.rss.push(await mock.stop());

  const bare = await startServer(["bare", body]);
  samples.bareRps.push(await load(bare.url + path1, headers));
  samples.bareRss.push(await bare.stop());
}
agent.destroy();

const m = Object.fromEntries(Object.entries(samples).map(([key, values]) => [key, median(values)]));
report({
  id: "mock",
  title: `stgen mock (${runs} rounds, ${seconds} s of load each at ${concurrency} keep-alive connections)`,
  rerun: "npm run bench:mock",
  columns: ["what", "stgen mock", "bare node:http (baseline)", "ratio"],
  rows: [
    ["start-up, 24 specs (in process / process wall)", `${m.startup} ms / ${m.wall.toFixed(0)} ms`, "—", "—"],
    ["GET customers/{id}, requests/s", m.mockRps.toFixed(0), m.bareRps.toFixed(0), ratio(m.mockRps / m.bareRps)],
    ["server peak RSS after the load", `${m.rss.toFixed(0)} MB`, `${m.bareRss.toFixed(0)} MB`, "—"],
  ],
});
