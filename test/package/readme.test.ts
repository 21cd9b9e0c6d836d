import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { ROOT, runProcess } from "../helpers.js";

const BLOCKS = path.join(ROOT, ".test-readme");
let files: string[] = [];
let blocks: string[] = [];
const tsconfig = path.join(BLOCKS, "tsconfig.json");

beforeAll(async () => {
  const readme = await readFile(path.join(ROOT, "README.md"), "utf8");
  blocks = [...readme.matchAll(/```ts\n([\s\S]*?)```/g)].map((match) => match[1]!);
  await mkdir(BLOCKS, { recursive: true });
  files = blocks.map((_, i) => `example-${i + 1}.ts`);
  await Promise.all(blocks.map((code, i) => writeFile(path.join(BLOCKS, files[i]!), code)));
  await writeFile(
    tsconfig,
    JSON.stringify({
      extends: "../tsconfig.json",
      // The package name, resolved to the sources as it resolves to dist/ for an installed package.
      compilerOptions: {
        noUnusedLocals: false, // examples show values a reader would go on to use
        paths: {
          "servicetitan-client": ["../generated/index.ts"],
          "stgen/mock": ["../generator/mock/index.ts"],
          "servicetitan-client/runtime": ["../runtime/index.ts"],
          "servicetitan-client/redis": ["../runtime/redis/index.ts"],
          "servicetitan-client/*": ["../generated/*/index.ts"],
        },
      },
      include: [],
      files,
    }),
  );
});
afterAll(() => rm(BLOCKS, { recursive: true, force: true }));

/** The README's TypeScript examples compile against the generated client, imported as a user would. */
it("the README's TypeScript examples type-check", async () => {
  expect(blocks.length).toBeGreaterThanOrEqual(3);
  const tsc = await runProcess(process.execPath, [path.join(ROOT, "node_modules/typescript/bin/tsc"), "-p", tsconfig]);
  expect(tsc.stdout + tsc.stderr).toBe("");
  expect(tsc.code).toBe(0);
}, 120_000);

/** The mock example needs no credentials or network: it runs, and prints what the README says it shows. */
it("the README's stgen mock example runs", async () => {
  const index = blocks.findIndex((code) => code.includes("startMockServer"));
  expect(index).toBeGreaterThanOrEqual(0);
  const tsx = path.join(ROOT, "node_modules/tsx/dist/cli.mjs");
  const run = await runProcess(
    process.execPath,
    [tsx, "--tsconfig", tsconfig, path.join(BLOCKS, files[index]!)],
    BLOCKS,
  );
  expect(run.stderr).toBe("");
  expect(run.stdout).toContain("customers: 120 first page: 10");
  expect(run.stdout).toContain("renamed: Renamed Plumbing");
  expect(run.stdout).toMatch(
    /GET \/crm\/v2\/tenant\/1234567\/customers 200\nPATCH \/crm\/v2\/tenant\/1234567\/customers\/3 200\nGET \/crm\/v2\/tenant\/1234567\/customers\/3 200\n/,
  );
  expect(run.stdout).toContain("after a 503: 3");
  expect(run.stdout).toContain("POST: 503 after 1 attempt");
}, 120_000);
