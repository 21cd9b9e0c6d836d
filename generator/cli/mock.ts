import type { FaultOptions } from "../mock/faults.js";
import { DEFAULT_DRIFT_SHARE } from "../mock/drift.js";
import { startMockServer } from "../mock/server.js";

/** The `stgen mock` flags, as yargs parses them. */
export interface MockCommandArgs {
  port: number;
  specs?: string;
  seed: number;
  rows: number;
  exportPageSize: number;
  expiresIn: number;
  latency?: string;
  rate429: number;
  retryAfter: number;
  rate5xx: number;
  rateDrop: number;
  rateLimit?: number;
  /** `--drift` alone is "" (the default share). */
  drift?: string;
}

/** Starts the mock, prints how to point a client at it, and serves until SIGINT / SIGTERM. */
export async function runMockCommand(args: MockCommandArgs): Promise<void> {
  const started = performance.now();
  const drift = args.drift === undefined ? undefined : driftShare(args.drift);
  const mock = await startMockServer({
    port: args.port,
    specs: args.specs,
    onWarning: (line) => console.error(line),
    seed: args.seed,
    rows: positive("--rows", args.rows),
    exportPageSize: positive("--export-page-size", args.exportPageSize),
    expiresIn: positive("--expires-in", args.expiresIn),
    faults: faultsFrom(args),
    drift,
  });
  const ms = Math.round(performance.now() - started);
  const { clientId, clientSecret, appKey, tenant } = mock.credentials;
  console.log(
    `stgen mock: ${mock.operations} operations of ${mock.domains} domains on ${mock.url} (ready in ${ms} ms)`,
  );
  console.log(`  clientId ${clientId}  clientSecret ${clientSecret}  appKey ${appKey}  tenant ${tenant}`);
  console.log(
    `  createServiceTitan({ clientId: "${clientId}", clientSecret: "${clientSecret}", appKey: "${appKey}", tenant: ${tenant}, baseUrl: "${mock.url}", authUrl: "${mock.url}" })`,
  );
  if (drift !== undefined)
    console.log(
      `  drift on: share ${drift} of records per kind carries ServiceTitan's known deviations from the specs`,
    );
  console.log("  Ctrl-C stops it.");
  await new Promise<void>((resolve) => {
    process.once("SIGINT", resolve);
    process.once("SIGTERM", resolve);
  });
  await mock.close();
}

function faultsFrom(args: MockCommandArgs): FaultOptions {
  return {
    latencyMs: args.latency === undefined ? undefined : latency(args.latency),
    rate429: share("--rate-429", args.rate429),
    retryAfterSeconds: args.retryAfter,
    rate5xx: share("--rate-5xx", args.rate5xx),
    rateDrop: share("--rate-drop", args.rateDrop),
    rateLimitPerSecond: args.rateLimit === undefined ? undefined : positive("--rate-limit", args.rateLimit),
  };
}

function latency(text: string): number | [number, number] {
  const match = /^(\d+)(?:-(\d+))?$/.exec(text.trim());
  if (!match) throw new Error(`--latency must be milliseconds (200) or a range (50-200), not '${text}'`);
  const min = Number(match[1]);
  if (match[2] === undefined) return min;
  const max = Number(match[2]);
  if (max < min) throw new Error(`--latency range ${text} ends before it starts`);
  return [min, max];
}

function share(flag: string, value: number): number {
  if (!(value >= 0 && value <= 1)) throw new Error(`${flag} must be a share between 0 and 1, not ${value}`);
  return value;
}

function driftShare(text: string): number {
  if (text === "") return DEFAULT_DRIFT_SHARE;
  const value = Number(text);
  if (!(value > 0 && value <= 1)) throw new Error(`--drift must be a share above 0 and at most 1, not ${text}`);
  return value;
}

function positive(flag: string, value: number): number {
  if (!(Number.isInteger(value) && value > 0)) throw new Error(`${flag} must be a positive whole number, not ${value}`);
  return value;
}
