import path from "node:path";
import { expect, it } from "vitest";
import { ROOT, runProcess } from "../helpers.js";

/** `npm run demo` as the README shows it: no credentials, every step says what happened. */
it("npm run demo walks through paging, a resumed export, retries and a typed error", async () => {
  const run = await runProcess(process.execPath, [
    path.join(ROOT, "node_modules/tsx/dist/cli.mjs"),
    path.join(ROOT, "scripts/demo.ts"),
  ]);
  expect(run.stderr).toBe("");
  expect(run.code).toBe(0);
  expect(run.stdout).toContain("1. paged list: 1234 customers read with .all(), in 3 pages");
  expect(run.stdout).toMatch(/2\. export feed: 200 jobs read, crash, resume from the checkpoint: 1134 more/);
  expect(run.stdout).toMatch(/3\. GET after a 503: customer 7 \(Customers_Get attempt 1: HTTP 503/);
  expect(run.stdout).toContain("POST after a 503: ServerError 503 after 1 attempt, sent 1 time");
  expect(run.stdout).toMatch(/4\. typed error: NotFoundError 404 ".+", traceId \S+/);
  expect(run.stdout).toContain("1 token request for all of it");
}, 60_000);
