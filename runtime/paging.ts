import { noProgressError, notAListPageError, type PageAt } from "./errors.js";
import type { RequestOptions } from "./operation.js";
import { sleep } from "./retry.js";

/**
 * Default rows per page for `.all()` / `.pages()` of paged lists. ServiceTitan's own default is 50 and its
 * largest accepted size is undocumented; 500 is accepted everywhere (many lists take 5,000). Ten times fewer
 * requests than 50 matters under the 60 requests/s limit, and a page of 500 rows stays a few hundred kB.
 */
export const DEFAULT_PAGE_SIZE = 500;
/** How many (id, modifiedOn) pairs export de-duplication remembers: repeats come from recent changes only. */
const DEDUPE_MEMORY = 100_000;
const DEFAULT_FOLLOW_INTERVAL_MS = 60_000;
/**
 * Answers in a row that make no progress before iteration stops with an error: a list page with the same
 * rows as the one before (a server that ignores `page`) or with no rows while `hasMore`; an export page
 * whose `continueFrom` did not move, or with no rows while `hasMore`. A glitch passes; a loop does not.
 */
export const MAX_STALLED_PAGES = 3;
/** How many recent pages (or tokens) a repeat is looked for among: a server may also alternate between two. */
const RECENT = 8;

/** The last RECENT values; `has` tells whether one came back. */
function recent<T>() {
  const values: T[] = [];
  return {
    has: (value: T) => values.includes(value),
    add(value: T) {
      values.push(value);
      if (values.length > RECENT) values.shift();
    },
  };
}

interface Caps {
  /** Stop after this many rows; the iterator's `truncated` says whether rows were left. */
  maxItems?: number;
  /** Stop after this many pages; `truncated` says whether pages were left. */
  maxPages?: number;
}

export interface PageOptions extends RequestOptions, Caps {
  /** Rows per request when `args.pageSize` is not given. Default 500 (see DEFAULT_PAGE_SIZE). */
  pageSize?: number;
}

export interface ExportOptions extends RequestOptions, Caps {
  /**
   * Called with a page's `continueFrom` once all of that page's rows have been consumed (the loop asked for
   * the next one), never before: save it, and a sync that crashes resumes from it without losing a row.
   */
  onCheckpoint?(continueFrom: string): void | Promise<void>;
  /** Skip rows already yielded in this run (same `id` and `modifiedOn`); for `includeRecentChanges: true`. */
  dedupe?: boolean;
  /** After the last page, keep polling from the last token every `intervalMs` (default 60 s) until aborted or `break`. */
  follow?: boolean | { intervalMs?: number };
}

/** What an iteration did; read it after (or during) the loop. */
export interface IterationState {
  /** `maxItems` or `maxPages` stopped it while the server had more. Never true otherwise: there is no hidden cap. */
  readonly truncated: boolean;
  readonly pages: number;
  readonly items: number;
}
export interface PageStream<Page> extends AsyncIterable<Page>, IterationState {}
export interface ItemStream<Item> extends AsyncIterable<Item>, IterationState {}
export interface ExportStream<T> extends AsyncIterable<T>, IterationState {
  /** The last `continueFrom` consumed: where to poll from later. */
  readonly continueFrom: string | undefined;
}

export type ItemOf<Page> = Page extends { data?: readonly (infer Item)[] | null } ? Item : never;
type Args = Record<string, unknown> | undefined;
type Call<Page> = (args: Args, options?: RequestOptions) => Promise<Page>;
interface ListPage {
  hasMore?: boolean | null;
  data?: readonly unknown[] | null;
}
interface FeedPage extends ListPage {
  continueFrom?: string | null;
}

/**
 * A function type checked like a method (bivariantly), as the generated methods are: the runtime builds one
 * untyped function per operation, and the generated interface gives it its real signature.
 */
type Method<P extends unknown[], R> = { method(...args: P): R }["method"];

/** A generated paged-list method: call it for one page, or iterate with `.all()` / `.pages()`. */
export type PagedList<A extends [args?: unknown], Page> = Method<[...A, options?: RequestOptions], Promise<Page>> & {
  /** Every row of every page from `args.page` (default 1) until `hasMore` is false, one page in memory at a time. */
  all(...call: [...A, options?: PageOptions]): ItemStream<ItemOf<Page>>;
  /** The same, a whole page at a time. */
  pages(...call: [...A, options?: PageOptions]): PageStream<Page>;
};

type FromDate<A> = Omit<A, "from"> & { from?: string | Date };
/** A generated export feed: one call, or `.all()` / `.pages()` following `continueFrom` (see ExportOptions). */
export type ExportFeed<A, Page> = Method<[args?: A, options?: RequestOptions], Promise<Page>> & {
  /** Every row from `from` (a token, or a Date sent as a full UTC timestamp) to the end of the feed. */
  all(args?: FromDate<A>, options?: ExportOptions): ExportStream<ItemOf<Page>>;
  /** The same, a whole page at a time; `page.continueFrom` is the page's token. */
  pages(args?: FromDate<A>, options?: ExportOptions): ExportStream<Page>;
};

/** Adds `.all()` and `.pages()` to a paged-list method. */
export function withPaging<Page extends ListPage>(
  call: Call<Page>,
  operationId: string,
): Call<Page> & { all: unknown; pages: unknown } {
  return withIterators<Page, PageOptions>(call, operationId, (args, options, state) =>
    listPages(call, operationId, args, options, state),
  );
}

/** Adds `.all()` and `.pages()` to an export-feed method. */
export function withExportPaging<Page extends FeedPage>(
  call: Call<Page>,
  operationId: string,
): Call<Page> & { all: unknown; pages: unknown } {
  return withIterators<Page, ExportOptions>(call, operationId, (args, options, state) =>
    feedPages(call, operationId, args, options, state),
  );
}

function withIterators<Page extends ListPage, Options extends PageOptions | ExportOptions>(
  call: Call<Page>,
  operationId: string,
  run: (args: Args, options: Options, state: MutableState) => AsyncGenerator<Page>,
): Call<Page> & { all: unknown; pages: unknown } {
  const pages = (args: Args, options = {} as Options) => {
    checkCaps(operationId, options);
    return stream((state) => run(args, options, state));
  };
  const all = (args: Args, options = {} as Options) => {
    checkCaps(operationId, options);
    return stream((state) => items(run(args, options, state), options.maxItems, state));
  };
  return Object.assign(call, { pages, all });
}

/** Caps are checked when the iterator is made, so a mistake fails where it was written. */
function checkCaps(operationId: string, options: Caps & { pageSize?: number }): void {
  for (const name of ["maxItems", "maxPages", "pageSize"] as const) {
    const value = options[name];
    if (value !== undefined && !(Number.isSafeInteger(value) && value >= 1))
      throw new TypeError(`${operationId}: ${name} must be a whole number, at least 1`);
  }
}

/** A page that is not `{ data: [...] }` is not a list page: say so, instead of failing on `undefined.length`. */
function checkPage(operationId: string, page: unknown, at: PageAt): asserts page is ListPage {
  const data = (page as ListPage | null)?.data;
  if (page && typeof page === "object" && (data === undefined || data === null || Array.isArray(data))) return;
  throw notAListPageError(operationId, at);
}

interface MutableState {
  truncated: boolean;
  pages: number;
  items: number;
  continueFrom?: string;
}

/** An iterable over `run`, with the run's state readable as properties (each loop over it starts afresh). */
function stream<T>(
  run: (state: MutableState) => AsyncGenerator<T>,
): AsyncIterable<T> & IterationState & { continueFrom?: string } {
  const state: MutableState = { truncated: false, pages: 0, items: 0 };
  return {
    [Symbol.asyncIterator]: () => {
      Object.assign(state, { truncated: false, pages: 0, items: 0, continueFrom: undefined });
      return run(state);
    },
    get truncated() {
      return state.truncated;
    },
    get pages() {
      return state.pages;
    },
    get items() {
      return state.items;
    },
    get continueFrom() {
      return state.continueFrom;
    },
  };
}

function requestOptions(options: PageOptions | ExportOptions): RequestOptions {
  const { signal, timeoutMs, headers, retry } = options;
  return { signal, timeoutMs, headers, retry };
}

async function* listPages<Page extends ListPage>(
  call: Call<Page>,
  operationId: string,
  args: Args,
  options: PageOptions,
  state: MutableState,
): AsyncGenerator<Page> {
  let page = Number(args?.page ?? 1);
  const pageSize = args?.pageSize ?? options.pageSize ?? DEFAULT_PAGE_SIZE;
  const seen = recent<string>();
  for (let stalls = 0; ;) {
    const result = await call({ ...args, page, pageSize }, requestOptions(options));
    checkPage(operationId, result, { page });
    const rows = result.data ?? [];
    // Rows already yielded: the server ignored `page`. Ask for the same page again rather than yield them twice.
    const fingerprint =
      rows.length > 0 ? `${rows.length}\n${JSON.stringify(rows[0])}\n${JSON.stringify(rows.at(-1))}` : undefined;
    if (fingerprint !== undefined && seen.has(fingerprint) && result.hasMore) {
      if (++stalls >= MAX_STALLED_PAGES) throw noProgressError(operationId, { repeatedPage: page }, MAX_STALLED_PAGES);
      continue;
    }
    if (fingerprint !== undefined) seen.add(fingerprint);
    stalls = rows.length === 0 && result.hasMore ? stalls + 1 : 0;
    if (stalls >= MAX_STALLED_PAGES) throw noProgressError(operationId, "empty page", MAX_STALLED_PAGES);
    state.pages++;
    yield result;
    if (!result.hasMore) return;
    if (options.maxPages !== undefined && state.pages >= options.maxPages) {
      state.truncated = true;
      return;
    }
    page++;
  }
}

async function* feedPages<Page extends FeedPage>(
  call: Call<Page>,
  operationId: string,
  args: Args,
  options: ExportOptions,
  state: MutableState,
): AsyncGenerator<Page> {
  let from: string | undefined =
    args?.from instanceof Date ? args.from.toISOString() : (args?.from as string | undefined);
  const seen = options.dedupe ? new Map<string, true>() : undefined;
  const interval =
    typeof options.follow === "object"
      ? (options.follow.intervalMs ?? DEFAULT_FOLLOW_INTERVAL_MS)
      : DEFAULT_FOLLOW_INTERVAL_MS;
  const sent = recent<string | undefined>();
  for (let stalls = 0; ;) {
    sent.add(from);
    const result = await call({ ...args, from }, requestOptions(options));
    checkPage(operationId, result, { from });
    const more = result.hasMore === true;
    const next =
      typeof result.continueFrom === "string" && result.continueFrom !== "" ? result.continueFrom : undefined;
    // A token already asked with: the same request would bring the same rows. Ask again, yield nothing yet.
    if (more && (next === undefined || sent.has(next))) {
      if (++stalls >= MAX_STALLED_PAGES) throw noProgressError(operationId, "same continueFrom", MAX_STALLED_PAGES);
      continue;
    }
    stalls = more && !result.data?.length ? stalls + 1 : 0;
    if (stalls >= MAX_STALLED_PAGES) throw noProgressError(operationId, "empty export page", MAX_STALLED_PAGES);
    state.pages++;
    yield seen ? { ...result, data: unseen(result.data ?? [], seen) } : result;
    // The caller has consumed every row of the page: now, and only now, is its token a safe checkpoint.
    if (next !== undefined) {
      from = next;
      state.continueFrom = from;
      await options.onCheckpoint?.(from);
    }
    if (!more && !options.follow) return;
    if (options.maxPages !== undefined && state.pages >= options.maxPages) {
      state.truncated = more;
      return;
    }
    if (!more) {
      try {
        await sleep(interval, options.signal);
      } catch {
        return; // aborted while idle: following ends quietly
      }
    }
  }
}

function unseen(rows: readonly unknown[], seen: Map<string, true>): unknown[] {
  return rows.filter((row) => {
    const { id, modifiedOn } = (row ?? {}) as { id?: unknown; modifiedOn?: unknown };
    if (id === undefined) return true;
    const key = `${String(id)}\n${String(modifiedOn)}`;
    if (seen.has(key)) return false;
    seen.set(key, true);
    if (seen.size > DEDUPE_MEMORY) seen.delete(seen.keys().next().value!);
    return true;
  });
}

/** The rows of `pages`, one at a time, stopping at `maxItems` (and saying whether rows were left). */
async function* items<Page extends ListPage>(
  pages: AsyncGenerator<Page>,
  maxItems: number | undefined,
  state: MutableState,
): AsyncGenerator<unknown> {
  for await (const page of pages) {
    const rows = page.data ?? [];
    for (let i = 0; i < rows.length; i++) {
      if (maxItems !== undefined && state.items >= maxItems) {
        state.truncated = true;
        return;
      }
      state.items++;
      yield rows[i];
    }
    if (maxItems !== undefined && state.items >= maxItems && page.hasMore) {
      state.truncated = true;
      return;
    }
  }
}
