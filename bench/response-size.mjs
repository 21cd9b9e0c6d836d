// Response size: how large a real-shaped page gets, against the client's default `maxResponseBytes`.
// `stgen mock` fills every paged list's response schema (all properties, arrays of a few items); each list
// without path parameters is asked for one page of 5,000 rows, the most ServiceTitan's lists accept.
// Run: npm run bench:response-size   (rebuilds dist/)
import { fileURLToPath } from "node:url";
import { buildOnce, ratio, report } from "./report.mjs";

const root = fileURLToPath(new URL("..", import.meta.url));
await buildOnce(root);
const { loadSpecs } = await import("../generator/dist/spec/load.js");
const { buildDomainModel } = await import("../generator/dist/model/build-model.js");
const { startMockServer } = await import("../generator/dist/mock/index.js");
const { DEFAULT_MAX_RESPONSE_BYTES } = await import("../dist/runtime/config.js");

const ROWS = 5000;
const domains = (await loadSpecs(`${root}/specs`)).map(buildDomainModel);
const mock = await startMockServer({ rows: ROWS, logLimit: 10 });
const { clientId, clientSecret, appKey, tenant } = mock.credentials;
const form = new URLSearchParams({
  grant_type: "client_credentials",
  client_id: clientId,
  client_secret: clientSecret,
});
const tokenResponse = await fetch(`${mock.url}/connect/token`, {
  method: "POST",
  headers: { "content-type": "application/x-www-form-urlencoded" },
  body: form,
});
const { access_token: token } = await tokenResponse.json();

const pages = [];
for (const domain of domains) {
  for (const op of domain.operations) {
    if (op.pagination !== "page" || op.pathParams.length > 0) continue;
    const url = `${mock.url}${domain.modulePath}${op.path.replace("{tenant}", tenant)}?page=1&pageSize=${ROWS}`;
    const response = await fetch(url, { headers: { authorization: `Bearer ${token}`, "st-app-key": appKey } });
    const bytes = Buffer.byteLength(await response.text());
    if (response.ok) pages.push({ op: `${domain.name} ${op.operationId}`, bytes });
  }
}
await mock.close();
pages.sort((a, b) => b.bytes - a.bytes);
const widest = pages[0];
const mb = (bytes) => `${(bytes / 2 ** 20).toFixed(1)} MiB`;
const headroom = DEFAULT_MAX_RESPONSE_BYTES / widest.bytes;
report({
  id: "response-size",
  title: "Response size: the widest 5,000-row page against the default maxResponseBytes",
  rerun: "npm run bench:response-size",
  columns: ["what", "size", "vs the widest page"],
  rows: [
    ...pages
      .slice(0, 3)
      .map((page) => [`page of ${ROWS} rows: ${page.op}`, mb(page.bytes), ratio(page.bytes / widest.bytes)]),
    [`default maxResponseBytes`, mb(DEFAULT_MAX_RESPONSE_BYTES), ratio(headroom)],
  ],
  targets: [
    { what: "default maxResponseBytes ≥ 4× the widest 5,000-row page", measured: ratio(headroom), met: headroom >= 4 },
  ],
  notes: [
    `${pages.length} paged lists measured. The mock's values are short (a word, a date, a few array items), so real rows can be wider: the default leaves ${ratio(headroom)} for that, and a body past it fails at once naming the limit (\`maxResponseBytes\` raises it).`,
  ],
});
