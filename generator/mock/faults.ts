/**
 * Fault injection: random faults at configured rates (seeded, so a run can be repeated), a per-tenant
 * rate limit, and scripted faults a test queues for the next matching requests.
 */
export interface FaultOptions {
  /** Delay before each API answer: a fixed number of ms or a [min, max] range. */
  latencyMs?: number | [number, number];
  /** Share (0–1) of API requests answered 429 with `Retry-After`. */
  rate429?: number;
  /** The `Retry-After` those 429s carry, in seconds (default 1). */
  retryAfterSeconds?: number;
  /** Share of API requests answered 502/503/504 with an HTML page, as a load balancer does. */
  rate5xx?: number;
  /** Share of API requests whose connection is dropped without an answer. */
  rateDrop?: number;
  /** At most this many API requests per second per (app key, tenant); more get 429 (ServiceTitan's is 60). */
  rateLimitPerSecond?: number;
  /** Delay before the token endpoint answers. */
  tokenDelayMs?: number;
}

/** One scripted fault. */
export type Fault =
  /** Answer with this status; 429s carry `Retry-After` unless it is null; `html` makes the body an HTML page. */
  | { status: number; retryAfter?: number | string | null; title?: string; html?: boolean }
  /** Close the connection without answering. */
  | { drop: true }
  /** Wait, then answer normally. */
  | { delayMs: number }
  /** Answer normally, but hold back the second half of the body this long (a body that stalls mid-way). */
  | { stallBodyMs: number };

/** Which requests a queued fault applies to; all given fields must match. */
export interface FaultMatch {
  operationId?: string;
  method?: string;
  /** A substring of, or a pattern for, the request path. */
  path?: string | RegExp;
  /** How many matching requests get the fault (default 1). */
  times?: number;
}

export interface RequestFacts {
  operationId: string;
  method: string;
  path: string;
  /** `appKey|tenant`: the rate limit's bucket. */
  bucket: string;
}

export class FaultInjector {
  private readonly queued: { fault: Fault; match: FaultMatch; left: number }[] = [];
  private readonly windows = new Map<string, number[]>();
  private random: () => number;

  constructor(
    public options: FaultOptions,
    seed: number,
  ) {
    this.random = mulberry32(seed ^ 0x5eed);
  }

  queue(fault: Fault, match: FaultMatch = {}): void {
    this.queued.push({ fault, match, left: match.times ?? 1 });
  }

  clearQueue(): void {
    this.queued.length = 0;
  }

  latency(): number {
    const latency = this.options.latencyMs;
    if (latency === undefined) return 0;
    if (typeof latency === "number") return latency;
    return latency[0] + Math.floor(this.random() * (latency[1] - latency[0] + 1));
  }

  /** The fault this request meets, if any: a queued one first, then the rate limit, then the random ones. */
  pick(request: RequestFacts): { fault: Fault; reason: string } | undefined {
    const scripted = this.queued.find((entry) => entry.left > 0 && matches(entry.match, request));
    if (scripted) {
      scripted.left--;
      if (scripted.left === 0) this.queued.splice(this.queued.indexOf(scripted), 1);
      return { fault: scripted.fault, reason: "queued" };
    }
    if (this.overRateLimit(request.bucket)) {
      return {
        fault: { status: 429, retryAfter: 1, title: "Rate limit is exceeded. Try again in 1 seconds." },
        reason: "rate-limit",
      };
    }
    const { rate429 = 0, rate5xx = 0, rateDrop = 0 } = this.options;
    if (rate429 + rate5xx + rateDrop === 0) return undefined;
    const r = this.random();
    if (r < rate429) {
      const seconds = this.options.retryAfterSeconds ?? 1;
      return {
        fault: { status: 429, retryAfter: seconds, title: `Rate limit is exceeded. Try again in ${seconds} seconds.` },
        reason: "rate429",
      };
    }
    if (r < rate429 + rate5xx)
      return { fault: { status: [502, 503, 504][Math.floor(this.random() * 3)]!, html: true }, reason: "rate5xx" };
    if (r < rate429 + rate5xx + rateDrop) return { fault: { drop: true }, reason: "rateDrop" };
    return undefined;
  }

  /** A sliding one-second window per bucket. */
  private overRateLimit(bucket: string): boolean {
    const limit = this.options.rateLimitPerSecond;
    if (!limit) return false;
    const now = performance.now();
    let window = this.windows.get(bucket);
    if (!window) this.windows.set(bucket, (window = []));
    while (window.length > 0 && window[0]! <= now - 1000) window.shift();
    if (window.length >= limit) return true;
    window.push(now);
    return false;
  }
}

function matches(match: FaultMatch, request: RequestFacts): boolean {
  if (match.operationId !== undefined && match.operationId !== request.operationId) return false;
  if (match.method !== undefined && match.method.toUpperCase() !== request.method) return false;
  if (match.path instanceof RegExp) return match.path.test(request.path);
  if (match.path !== undefined) return request.path.includes(match.path);
  return true;
}

/** A small seeded PRNG: the same seed gives the same fault sequence for the same request order. */
function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
