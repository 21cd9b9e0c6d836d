// One measured iteration for bench/export-iteration.mjs: reads the whole jpm job-canceled-logs export feed
// from the mock at argv[3], either with this client's `.all()` (`client`) or with a plain fetch loop that
// follows continueFrom by hand (`fetch`), or with `.all()` and `validateResponses: "report"` (`client-report`).
// Prints "DONE <rows> <ms> <drift events> <process CPU ms>"; the preload prints the peak RSS.
const [mode, url] = process.argv.slice(2);
const credentials = {
  clientId: "cid.mock-client",
  clientSecret: "cs1.mock-secret",
  appKey: "ak1.mock-app-key",
  tenant: "1234567",
};
const started = performance.now();
let rows = 0;
let drift = 0;
if (mode === "client" || mode === "client-report") {
  const { createJpmClient } = await import("../dist/generated/jpm/index.js");
  // The rate limiter is off here: with it, 60 pages/s (30,000 rows/s) would be the ceiling, not the client.
  const jpm = createJpmClient({
    ...credentials,
    baseUrl: url,
    authUrl: url,
    rateLimit: false,
    validateResponses: mode === "client-report" ? "report" : "off",
    hooks: { onDrift: () => void drift++ },
  });
  for await (const _row of jpm.export.jobCancelReasons.all()) rows++;
} else {
  const form = `grant_type=client_credentials&client_id=${credentials.clientId}&client_secret=${credentials.clientSecret}`;
  const token = await fetch(`${url}/connect/token`, {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded" },
    body: form,
  }).then((r) => r.json());
  const headers = { Authorization: `Bearer ${token.access_token}`, "ST-App-Key": credentials.appKey };
  let from = "";
  for (;;) {
    const page = await fetch(
      `${url}/jpm/v2/tenant/${credentials.tenant}/export/job-canceled-logs${from ? `?from=${encodeURIComponent(from)}` : ""}`,
      { headers },
    ).then((r) => r.json());
    for (const _row of page.data) rows++;
    from = page.continueFrom;
    if (!page.hasMore) break;
  }
}
const cpu = process.cpuUsage();
const cpuMs = (cpu.user + cpu.system) / 1000;
process.stdout.write(`DONE ${rows} ${(performance.now() - started).toFixed(0)} ${drift} ${cpuMs.toFixed(0)}\n`);
