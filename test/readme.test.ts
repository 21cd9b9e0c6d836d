import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { afterAll, expect, it } from "vitest";
import { ROOT, runProcess } from "./helpers.js";

const BLOCKS = path.join(ROOT, ".test-readme");
afterAll(() => rm(BLOCKS, { recursive: true, force: true }));

/** The README's TypeScript examples compile against the generated client, imported as a user would. */
it("the README's TypeScript examples type-check", async () => {
  const readme = await readFile(path.join(ROOT, "README.md"), "utf8");
  const blocks = [...readme.matchAll(/```ts\n([\s\S]*?)```/g)].map((match) => match[1]!);
  expect(blocks.length).toBeGreaterThanOrEqual(2);
  await mkdir(BLOCKS, { recursive: true });
  const files = blocks.map((_, i) => `example-${i + 1}.ts`);
  await Promise.all(blocks.map((code, i) => writeFile(path.join(BLOCKS, files[i]!), code)));
  const tsconfig = path.join(BLOCKS, "tsconfig.json");
  await writeFile(
    tsconfig,
    JSON.stringify({
      extends: "../tsconfig.json",
      // The package name, resolved to the sources as it resolves to dist/ for an installed package.
      compilerOptions: {
        paths: {
          "servicetitan-client": ["../generated/index.ts"],
          "servicetitan-client/mock": ["../generator/mock/index.ts"],
          "servicetitan-client/*": ["../generated/*/index.ts"],
        },
      },
      include: [],
      files,
    }),
  );
  const tsc = await runProcess(process.execPath, [path.join(ROOT, "node_modules/typescript/bin/tsc"), "-p", tsconfig]);
  expect(tsc.stdout + tsc.stderr).toBe("");
  expect(tsc.code).toBe(0);
}, 120_000);
