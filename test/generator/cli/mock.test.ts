import { spawn } from "node:child_process";
import path from "node:path";
import { expect, it } from "vitest";
import { mockToken, ROOT, stgen } from "../../helpers.js";

/** `stgen mock` as a user starts it: prints where it listens and how to connect, serves, stops on SIGTERM. */
it("stgen mock serves on the printed URL with the printed credentials, applies fault flags, and stops on SIGTERM", async () => {
  await withMockCli(["--seed", "3", "--rate-429", "1", "--retry-after", "4"], async (stdout) => {
    const url = /on (http:\/\/127\.0\.0\.1:\d+)/.exec(stdout)![1]!;
    expect(stdout).toContain("559 operations of 24 domains");
    const [clientId, clientSecret, appKey, tenant] = ["clientId", "clientSecret", "appKey", "tenant"].map(
      (key) => new RegExp(`${key} (\\S+)`).exec(stdout)![1]!,
    );
    const token = await mockToken({ url, credentials: { clientId: clientId!, clientSecret: clientSecret! } });
    const limited = await fetch(`${url}/crm/v2/tenant/${tenant}/customers/1`, {
      headers: { Authorization: `Bearer ${token}`, "ST-App-Key": appKey! },
    });
    expect(limited.status).toBe(429);
    expect(limited.headers.get("retry-after")).toBe("4");
  });
}, 60_000);

/** Starts `stgen mock --port 0 …args` as a user would, waits for its banner, runs `use`, then stops it (exit 0). */
async function withMockCli(args: string[], use: (stdout: string) => Promise<void> | void): Promise<void> {
  const child = spawn(
    process.execPath,
    [
      path.join(ROOT, "node_modules/tsx/dist/cli.mjs"),
      path.join(ROOT, "generator/cli/main.ts"),
      "mock",
      "--port",
      "0",
      ...args,
    ],
    { cwd: ROOT },
  );
  let stdout = "";
  child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no banner within 30 s; output so far: ${stdout}`)), 30_000);
      child.stdout.on("data", () => stdout.includes("Ctrl-C") && (clearTimeout(timer), resolve()));
      child.once("exit", (code) => reject(new Error(`exited early (${code}): ${stdout}`)));
    });
    await use(stdout);
  } finally {
    child.kill("SIGTERM");
  }
  expect(await exited).toBe(0);
}

it.each([
  [["--rate-429", "1.5"], "--rate-429 must be a share between 0 and 1, not 1.5"],
  [["--latency", "fast"], "--latency must be milliseconds (200) or a range (50-200), not 'fast'"],
  [["--rows", "0"], "--rows must be a positive whole number, not 0"],
  [["--drift", "1.5"], "--drift must be a share above 0 and at most 1, not 1.5"],
  [["--drift", "0"], "--drift must be a share above 0 and at most 1, not 0"],
  [["--drift", "often"], "--drift must be a share above 0 and at most 1, not often"],
  [["--specs", "no-such-folder"], "cannot read the specs folder 'no-such-folder'"],
])(
  "stgen mock %j fails with a clear message",
  async (args, message) => {
    const run = await stgen(["mock", "--port", "0", ...args]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(message);
  },
  30_000,
);

it.each([
  [["--drift"], "drift on: share 0.05 of records"],
  [["--drift", "0.2", "--seed", "3"], "drift on: share 0.2 of records"],
])(
  "stgen mock %j says in its banner that drift is on, and its share",
  async (args, line) => {
    await withMockCli(args, (stdout) => expect(stdout).toContain(line));
  },
  60_000,
);
