import { appendFileSync } from "node:fs";
import { copyFile, mkdir, readFile, rm } from "node:fs/promises";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, expect, it } from "vitest";
import { MOCK_CREDENTIALS, startMockServer, type MockServer } from "../../../generator/mock/index.js";
import { generate } from "../../../generator/run/generate.js";
import type { DriftEvent } from "../../../runtime/index.js";
import { LATEST, ROOT, stgen } from "../../helpers.js";

/**
 * The loop a user runs, end to end: the mock serves ServiceTitan's kinds of drift; a client in report
 * mode appends each event to a JSONL file (the README's handler); `stgen drift --write-overlay` turns the
 * file into an overlay; after regenerating, the same answers report nothing.
 */
// Inside the repo, so the generated files' relative imports of ./runtime resolve.
const work = path.join(ROOT, ".test-drift-round-trip");
const specs = path.join(work, "specs");
const events = path.join(work, "drift.jsonl");
const overlay = path.join(specs, "overlays", "observed-drift.yaml");
let mock: MockServer;

beforeAll(async () => {
  await rm(work, { recursive: true, force: true });
  await mkdir(specs, { recursive: true });
  for (const file of ["crm-v2.json", "accounting-v2.json"])
    await copyFile(path.join(LATEST, file), path.join(specs, file));
  // The mock reads the specs once, as shipped: it goes on serving the same drift after the overlay is written.
  mock = await startMockServer({ specs, drift: 0.3, seed: 3 });
});
afterAll(async () => {
  await mock?.close();
  await rm(work, { recursive: true, force: true });
});

/** Generates into `out`, then reads the same answers with a client in report mode; returns the events. */
async function readAll(out: string): Promise<DriftEvent[]> {
  await generate({ specsDir: specs, outDir: out, runtime: "./runtime/index.js", cacheDir: false });
  const { createServiceTitan } = await import(pathToFileURL(path.join(out, "index.ts")).href);
  const seen: DriftEvent[] = [];
  const st = createServiceTitan({
    ...MOCK_CREDENTIALS,
    baseUrl: mock.url,
    authUrl: mock.url,
    validateResponses: "report",
    hooks: {
      onDrift: (event: DriftEvent) => {
        seen.push(event);
        appendFileSync(events, JSON.stringify(event) + "\n");
      },
    },
  });
  await st.crm.customers.getList({ pageSize: 200 });
  await st.crm.locations.getList({ pageSize: 200 });
  await st.crm.exportCustomers.getCustomers();
  await st.accounting.journalEntries.getList({ pageSize: 200 });
  await st.accounting.invoices.getList({ pageSize: 200 });
  return seen;
}

it("mock drift → report → stgen drift --write-overlay → regenerate → silent", async () => {
  const before = await readAll(path.join(work, "generated-before"));
  const kinds = new Set(
    before.map((e) => (e.kind === "type" ? `type:${e.actual === "null" ? "null" : "other"}` : e.kind)),
  );
  // Every kind the mock serves: enums as integers, nulls (fields and array items), date-times in date
  // fields, absent required fields, extra fields.
  expect([...kinds].sort()).toEqual(["additional", "format", "required", "type:null", "type:other"]);
  expect(before.some((e) => e.pointer.match(/^\/data\/\d+\/\w+\/\d+$/) && e.actual === "null")).toBe(true);
  expect(before.some((e) => e.kind === "format" && e.actual === "date-time")).toBe(true);

  const run = await stgen(["drift", events, "--write-overlay", overlay, "--specs", specs]);
  expect(run.stderr).toBe("");
  expect(run.code).toBe(0);
  expect(run.stdout).toContain("Customers_GetList");
  expect(await readFile(overlay, "utf8")).toMatch(/^overlay: 1\.0\.0$/m);

  const after = await readAll(path.join(work, "generated-after"));
  expect(after).toEqual([]);
  const client = await readFile(path.join(work, "generated-after", "crm", "client.ts"), "utf8");
  expect(client).toMatch(/^\/\/ Overlay overlays\/observed-drift\.yaml applied, sha256: [0-9a-f]{64}$/m);
}, 120_000);
