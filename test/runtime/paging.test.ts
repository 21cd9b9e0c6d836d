import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import {
  createServiceTitan,
  DEFAULT_PAGE_SIZE,
  memoryTokenStore,
  type ServiceTitanConfig,
} from "../../generated/index.js";
import { MOCK_CREDENTIALS as CREDENTIALS, startMockServer, type MockServer } from "../../generator/mock/index.js";

/** `.all()` / `.pages()` over `stgen mock`'s paged lists and export feeds (1,234 rows per collection). */
const ROWS = 1234;
let mock: MockServer;

function client(overrides: Partial<ServiceTitanConfig> = {}) {
  return createServiceTitan({
    ...CREDENTIALS,
    baseUrl: mock.url,
    authUrl: mock.url,
    tokenStore: memoryTokenStore(),
    retry: { baseDelayMs: 20 },
    rateLimit: false,
    ...overrides,
  });
}
const listCalls = (operationId: string) => mock.apiRequests().filter((r) => r.operationId === operationId);
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

beforeAll(async () => {
  mock = await startMockServer({ rows: ROWS, exportPageSize: 100 });
});
afterAll(() => mock.close());
afterEach(() => {
  mock.reset();
  mock.setFaults({});
});

describe("paged lists", () => {
  it("yields every row exactly once over many pages, in order, and stops on hasMore: false", async () => {
    const st = client();
    const ids: number[] = [];
    const rows = st.crm.customers.getList.all({ active: "Any" }, { pageSize: 100 });
    for await (const customer of rows) ids.push(customer.id);
    expect(ids).toEqual(range(1, ROWS));
    expect([rows.truncated, rows.pages, rows.items]).toEqual([false, 13, ROWS]);
    const calls = listCalls("Customers_GetList");
    expect(calls.map((r) => r.query.page)).toEqual(range(1, 13).map(String));
    expect(new Set(calls.map((r) => r.query.pageSize))).toEqual(new Set(["100"]));
    expect(calls[0]!.query.active).toBe("Any");
  });

  it("uses 500 rows a page by default, the caller's pageSize and starting page when given", async () => {
    const st = client();
    let count = 0;
    for await (const _ of st.crm.customers.getList.all()) count++;
    expect(count).toBe(ROWS);
    expect(listCalls("Customers_GetList").map((r) => r.query.pageSize)).toEqual(["500", "500", "500"]);
    expect(DEFAULT_PAGE_SIZE).toBe(500);
    mock.clearLog();
    const pages: number[] = [];
    for await (const page of st.crm.customers.getList.pages({ page: 4, pageSize: 300 })) pages.push(page.data.length);
    expect(pages).toEqual([300, 34]); // rows 901–1200, then 1201–1234
    expect(listCalls("Customers_GetList").map((r) => [r.query.page, r.query.pageSize])).toEqual([
      ["4", "300"],
      ["5", "300"],
    ]);
  });

  it("maxItems and maxPages stop early and say so; a cap that is not reached says nothing", async () => {
    const st = client();
    const capped = st.crm.customers.getList.all({}, { pageSize: 100, maxItems: 250 });
    const ids: number[] = [];
    for await (const row of capped) ids.push(row.id);
    expect(ids).toEqual(range(1, 250));
    expect(capped.truncated).toBe(true);
    expect(listCalls("Customers_GetList")).toHaveLength(3); // no page fetched beyond the cap

    const twoPages = st.crm.customers.getList.pages({ pageSize: 100 }, { maxPages: 2 });
    let pages = 0;
    for await (const _ of twoPages) pages++;
    expect([pages, twoPages.truncated]).toEqual([2, true]);

    const exact = st.crm.customers.getList.all({ pageSize: 617 }, { maxItems: ROWS });
    let count = 0;
    for await (const _ of exact) count++;
    expect([count, exact.truncated]).toEqual([ROWS, false]);
  });

  it("retries a 429 on a middle page and yields that page once", async () => {
    const st = client();
    const ids: number[] = [];
    for await (const page of st.crm.customers.getList.pages({ pageSize: 200 })) {
      ids.push(...page.data.map((row) => row.id));
      if (page.page === 3) mock.injectFault({ status: 429, retryAfter: 0 }, { operationId: "Customers_GetList" });
    }
    expect(ids).toEqual(range(1, ROWS));
    expect(listCalls("Customers_GetList").map((r) => `${r.query.page}:${r.status}`)).toEqual([
      "1:200",
      "2:200",
      "3:200",
      "4:429",
      "4:200",
      "5:200",
      "6:200",
      "7:200",
    ]);
  });

  it("stops at once when aborted mid-iteration", async () => {
    const st = client();
    const controller = new AbortController();
    const seen: number[] = [];
    const loop = (async () => {
      for await (const row of st.crm.customers.getList.all({ pageSize: 100 }, { signal: controller.signal })) {
        seen.push(row.id);
        if (row.id === 150) controller.abort(new Error("stop now"));
      }
    })();
    await expect(loop).rejects.toThrow("stop now");
    expect(seen.at(-1)).toBe(200); // the rest of the page in hand, then the next request refused to start
    expect(listCalls("Customers_GetList")).toHaveLength(2);
  });
});

describe("export feeds", () => {
  it("follows continueFrom to the end, reports the token to poll with, and checkpoints only consumed pages", async () => {
    const st = client();
    const checkpoints: string[] = [];
    const ids: number[] = [];
    let checkpointsWhenRowSeen = 0;
    const feed = st.crm.exportCustomers.getCustomers.all({}, { onCheckpoint: (token) => void checkpoints.push(token) });
    for await (const row of feed) {
      ids.push(row.id);
      if (row.id === 150) checkpointsWhenRowSeen = checkpoints.length;
    }
    expect(ids).toEqual(range(1, ROWS));
    expect(checkpoints).toHaveLength(13);
    expect(checkpointsWhenRowSeen).toBe(1); // page 2 (rows 101–200) not yet checkpointed while its rows are in use
    expect(feed.continueFrom).toBe(checkpoints.at(-1));
    expect(feed.truncated).toBe(false);
  });

  it("resumes from a saved checkpoint after a crash mid-page with no row lost", async () => {
    const st = client();
    let saved: string | undefined;
    const firstRun: number[] = [];
    try {
      for await (const row of st.crm.exportCustomers.getCustomers.all(
        {},
        { onCheckpoint: (token) => void (saved = token) },
      )) {
        firstRun.push(row.id);
        if (row.id === 437) throw new Error("crash");
      }
    } catch {
      // the sync process died here
    }
    const resumed: number[] = [];
    for await (const row of st.crm.exportCustomers.getCustomers.all({ from: saved })) resumed.push(row.id);
    expect(resumed).toEqual(range(401, ROWS)); // exactly the rows after the last checkpoint (page 5 comes again)
    expect(new Set([...firstRun, ...resumed]).size).toBe(ROWS);
  });

  it("an empty feed ends at once with the same token", async () => {
    const st = client();
    const all = st.crm.exportCustomers.getCustomers.all();
    for await (const _ of all) void _;
    const again = st.crm.exportCustomers.getCustomers.all({ from: all.continueFrom });
    const rows: unknown[] = [];
    for await (const row of again) rows.push(row);
    expect(rows).toEqual([]);
    expect(again.continueFrom).toBe(all.continueFrom);
  });

  it("takes a Date for from and sends it as a full UTC timestamp", async () => {
    const st = client();
    const rows: number[] = [];
    // Row n was last modified n minutes after 2025-01-01T00:00:00Z (the mock's clock).
    for await (const row of st.crm.exportCustomers.getCustomers.all({ from: new Date(Date.UTC(2025, 0, 1, 20, 0)) }))
      rows.push(row.id);
    expect(rows).toEqual(range(1200, ROWS));
    expect(listCalls("ExportCustomers_GetCustomers")[0]!.query.from).toBe("2025-01-01T20:00:00.000Z");
  });

  it("with includeRecentChanges, repeats rows unless dedupe is on", async () => {
    const st = client();
    const count = async (dedupe: boolean) => {
      const ids: number[] = [];
      for await (const row of st.crm.exportCustomers.getCustomers.all({ includeRecentChanges: true }, { dedupe }))
        ids.push(row.id);
      return ids;
    };
    const repeated = await count(false);
    expect(repeated.length).toBeGreaterThan(ROWS); // the mock repeats the 2 rows before each token
    expect(new Set(repeated).size).toBe(ROWS);
    const deduped = await count(true);
    expect(deduped).toEqual(range(1, ROWS));
  });

  it("retries a 503 on a middle page without skipping or repeating rows", async () => {
    const st = client();
    const ids: number[] = [];
    for await (const page of st.crm.exportCustomers.getCustomers.pages()) {
      ids.push(...page.data.map((row) => row.id));
      if (ids.length === 500)
        mock.injectFault({ status: 503, html: true }, { operationId: "ExportCustomers_GetCustomers", times: 2 });
    }
    expect(ids).toEqual(range(1, ROWS));
    expect(listCalls("ExportCustomers_GetCustomers").filter((r) => r.status === 503)).toHaveLength(2);
  });

  it("follow mode picks up later changes, until aborted", async () => {
    const st = client();
    const controller = new AbortController();
    const ids: number[] = [];
    const loop = (async () => {
      for await (const row of st.crm.exportCustomers.getCustomers.all(
        {},
        { follow: { intervalMs: 50 }, signal: controller.signal },
      )) {
        ids.push(row.id);
        if (ids.length === ROWS) await st.crm.customers.update({ id: 42, body: { name: "Changed later" } });
        if (ids.length === ROWS + 1) controller.abort();
      }
    })();
    await loop; // ends quietly: aborted while waiting to poll again
    expect(ids.slice(-1)).toEqual([42]);
    expect(ids).toHaveLength(ROWS + 1);
  });

  it("maxPages on a feed says whether it was truncated", async () => {
    const st = client();
    const feed = st.crm.exportCustomers.getCustomers.pages({}, { maxPages: 3 });
    let pages = 0;
    for await (const _ of feed) pages++;
    expect([pages, feed.truncated]).toEqual([3, true]);
  });
});
