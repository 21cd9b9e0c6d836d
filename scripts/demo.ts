// `npm run demo`: what the client does, against `stgen mock` started in this process. No credentials, no
// network. Each step prints what happened; test/demo.test.ts runs it and checks the lines.
import { createServiceTitan, memoryTokenStore, NotFoundError, ServerError } from "../generated/index.js";
import { startMockServer } from "../generator/mock/index.js";

const started = performance.now();
const mock = await startMockServer({ seed: 1, rows: 1234 });
const retries: string[] = [];
const st = createServiceTitan({
  ...mock.credentials,
  baseUrl: mock.url,
  authUrl: mock.url,
  tokenStore: memoryTokenStore(),
  retry: { baseDelayMs: 50 },
  hooks: {
    onRetry: (event) =>
      void retries.push(
        `${event.operationId} attempt ${event.attempt}: ${event.reason}, retrying in ${event.delayMs} ms`,
      ),
  },
});
const say = (line: string) => console.log(line);

say(`stgen mock on ${mock.url}, ${mock.operations} operations, 1,234 records in each collection\n`);

// 1. Every row of a paged list, one page in memory at a time.
const customers = st.crm.customers.getList.all({ active: "Any" }, { pageSize: 500 });
let count = 0;
for await (const customer of customers) count += customer.id > 0 ? 1 : 0;
say(
  `1. paged list: ${count} customers read with .all(), in ${customers.pages} pages of up to 500 (no hidden cap: truncated = ${customers.truncated})`,
);

// 2. An export feed, checkpointed, interrupted after two pages, then resumed from the saved token.
let saved: string | undefined;
let beforeCrash = 0;
for await (const page of st.jpm.export.jobs.pages({}, { onCheckpoint: (token) => void (saved = token) })) {
  beforeCrash += page.data.length;
  if (beforeCrash >= 200) break; // the sync "crashes" with this page read but not yet checkpointed
}
let resumed = 0;
for await (const _ of st.jpm.export.jobs.all({ from: saved })) resumed++;
say(
  `2. export feed: ${beforeCrash} jobs read, crash, resume from the checkpoint: ${resumed} more (the page in progress comes again: upsert by id)`,
);

// 3. A 503 on a GET is retried; the same on a POST is not replayed (it may have been carried out).
mock.injectFault({ status: 503, html: true }, { operationId: "Customers_Get" });
const again = await st.crm.customers.get({ id: 7 });
say(`3. GET after a 503: customer ${again.id} (${retries.join("; ")})`);
mock.injectFault({ status: 503 }, { operationId: "Customers_CreateNote" });
const post = await st.crm.customers
  .createNote({ id: 7, body: { text: "Call before arriving" } })
  .catch((error: unknown) => error);
const posts = mock.apiRequests().filter((r) => r.operationId === "Customers_CreateNote").length;
say(
  `   POST after a 503: ${post instanceof ServerError ? `ServerError ${post.status} after ${post.attempts} attempt` : "?"}, sent ${posts} time: never replayed`,
);

// 4. A typed error that says what support needs.
const missing = await st.crm.customers.get({ id: 999_999 }).catch((error: unknown) => error);
if (missing instanceof NotFoundError)
  say(`4. typed error: ${missing.name} ${missing.status} "${missing.title}", traceId ${missing.traceId}`);

say(
  `\ndone in ${((performance.now() - started) / 1000).toFixed(1)} s; ${mock.tokenRequests} token request for all of it`,
);
await mock.close();
