// One measured cold start for bench/cold-start.mjs: imports argv[3] (an absolute file URL) and creates one
// client of kind argv[2], then prints the span's wall and CPU time in ms as JSON.
const [kind, url] = process.argv.slice(2);
const config = { clientId: "cid.bench", clientSecret: "cs1.bench", appKey: "ak1.bench", tenant: "1234567" };
const create = {
  "openapi-fetch": (mod) => mod.default({ baseUrl: "https://api.servicetitan.io/crm/v2" }),
  root: (mod) => mod.createServiceTitan(config),
  crm: (mod) => mod.createCrmClient(config),
};
const cpuBefore = process.cpuUsage();
const started = performance.now();
const client = create[kind](await import(url));
const ms = performance.now() - started;
const cpu = process.cpuUsage(cpuBefore);
console.log(JSON.stringify({ ms, cpuMs: (cpu.user + cpu.system) / 1000, made: typeof client }));
