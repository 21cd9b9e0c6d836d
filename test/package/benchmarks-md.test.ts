import { readFile } from "node:fs/promises";
import path from "node:path";
import { expect, it } from "vitest";
import { ROOT } from "../helpers.js";

/** No hand-typed figures: the committed BENCHMARKS.md is exactly what bench/results.json produces. */
it("BENCHMARKS.md is written from bench/results.json and nothing else", async () => {
  const writer = path.join(ROOT, "bench/write-benchmarks.mjs");
  const { benchmarksMd } = (await import(writer)) as { benchmarksMd: (results: unknown) => string };
  const results = JSON.parse(await readFile(path.join(ROOT, "bench/results.json"), "utf8")) as {
    sections: { targets?: unknown[] }[];
    quick: boolean;
  };
  expect(results.quick).toBe(false);
  expect(results.sections.map((s) => (s as { id: string }).id)).toEqual([
    "generation",
    "typecheck",
    "runtime",
    "per-tenant",
    "cold-start",
    "token",
    "bundle",
    "export",
    "mock",
    "diff",
    "redis",
    "response-size",
    "install-size",
  ]);
  expect(await readFile(path.join(ROOT, "BENCHMARKS.md"), "utf8")).toBe(benchmarksMd(results));
});
