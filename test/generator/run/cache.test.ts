import { cp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { expect, it } from "vitest";
import { CACHE_INPUTS, generatorFingerprint } from "../../../generator/run/cache.js";
import { generate } from "../../../generator/run/generate.js";
import { LATEST, PREVIOUS, readTree, ROOT, tempDir } from "../../helpers.js";

/** Regenerating with the cache gives exactly what a cold run gives, and regenerates only what changed. */
it("after a one-spec release, a cached run regenerates one domain and matches a cold run byte for byte", async () => {
  const work = await tempDir("cache-");
  const specs = path.join(work, "specs");
  const cacheDir = path.join(work, "cache");
  await cp(LATEST, specs, { recursive: true });
  const first = await generate({ specsDir: specs, outDir: path.join(work, "first"), cacheDir });
  expect(first.cached).toBe(0);

  // ServiceTitan ships a new crm spec (here: the other release's), nothing else changes.
  await writeFile(path.join(specs, "crm-v2.json"), await readFile(path.join(PREVIOUS, "crm-v2.json")));
  const lines: string[] = [];
  const cached = await generate({
    specsDir: specs,
    outDir: path.join(work, "cached"),
    cacheDir,
    onProgress: (line) => lines.push(line),
  });
  expect(cached.cached).toBe(23);
  expect(lines.filter((line) => !line.endsWith("cached")).map((line) => line.split(" ")[0])).toEqual(["crm"]);

  const cold = await generate({ specsDir: specs, outDir: path.join(work, "cold"), cacheDir: false });
  expect(cold.cached).toBe(0);
  expect(await readTree(path.join(work, "cached"))).toEqual(await readTree(path.join(work, "cold")));
  expect(await readFile(path.join(work, "cached/crm/client.ts"), "utf8")).toContain("getDescription"); // the old release's operation is back

  // A damaged entry is a miss, not an error.
  await rm(path.join(work, "cached"), { recursive: true });
  for (const entry of await readdir(cacheDir))
    if (entry.startsWith("pricebook-")) await writeFile(path.join(cacheDir, entry), "{ broken");
  const repaired = await generate({ specsDir: specs, outDir: path.join(work, "cached"), cacheDir });
  expect(repaired.cached).toBe(23);
  expect(await readTree(path.join(work, "cached"))).toEqual(await readTree(path.join(work, "cold")));
}, 120_000);

/** The cache names what shapes its entries; a change to any emitter (or the model, or spec reading) is a miss. */
it("an emitter changed, in a folder the cache names, changes the fingerprint every entry is keyed by", async () => {
  const generator = path.join(ROOT, "generator");
  const copy = await tempDir("fingerprint-");
  for (const folder of CACHE_INPUTS.folders)
    await cp(path.join(generator, folder), path.join(copy, folder), { recursive: true });
  const before = await generatorFingerprint(copy);
  expect(await generatorFingerprint(copy)).toBe(before);
  const emitter = path.join(copy, "emit/client.ts");
  await writeFile(emitter, (await readFile(emitter, "utf8")) + "\n// a change to how clients are emitted\n");
  expect(await generatorFingerprint(copy)).not.toBe(before);
  // A new stage folder must be sorted: either it shapes the output (and the cache names it) or it is one of these.
  const folders = (await readdir(generator, { withFileTypes: true }))
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name);
  const outside = ["bin", "cli", "diff", "dist", "drift", "mock", "node_modules", "run", "specs"];
  expect(folders.filter((name) => !outside.includes(name)).sort()).toEqual([...CACHE_INPUTS.folders].sort());
  await rm(copy, { recursive: true });
});
