// One measured run for bench/per-tenant.mjs (node --expose-gc): makes 1,000 tenants' clients, all kept
// alive, and prints their retained heap and creation time per tenant as JSON. argv[2]: `ours` or `baseline`.
const tenants = 1000;
const variant = process.argv[2];
let create;
if (variant === "ours") {
  const { createServiceTitan } = await import("../dist/generated/index.js");
  create = (tenant) => {
    const st = createServiceTitan({ clientId: "cid.bench", clientSecret: "cs1.bench", appKey: "ak1.bench", tenant });
    // A group of each domain read, as a request handler would before its first call.
    void st.crm.customers;
    void st.jpm.jobs;
    return st;
  };
} else {
  const { default: createClient } = await import("openapi-fetch");
  create = () => [
    createClient({ baseUrl: "https://api.servicetitan.io/crm/v2" }),
    createClient({ baseUrl: "https://api.servicetitan.io/jpm/v2" }),
  ];
}
const clients = new Array(tenants);
// Modules are loaded and the array allocated before the first reading, so only the clients count.
globalThis.gc();
globalThis.gc();
const heapBefore = process.memoryUsage().heapUsed;
const cpuBefore = process.cpuUsage();
const started = performance.now();
for (let i = 0; i < tenants; i++) clients[i] = create(String(1000 + i));
const wallMs = performance.now() - started;
const cpu = process.cpuUsage(cpuBefore);
globalThis.gc();
globalThis.gc();
const heapBytes = process.memoryUsage().heapUsed - heapBefore;
console.log(
  JSON.stringify({
    heapBytes: heapBytes / tenants,
    cpuUs: (cpu.user + cpu.system) / tenants,
    wallUs: (wallMs * 1000) / tenants,
    alive: clients.length,
  }),
);
