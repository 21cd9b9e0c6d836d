import { cp, mkdir, readdir, rm } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadSpecs } from "../../../generator/spec/load.js";
import { buildDomainModel } from "../../../generator/model/build-model.js";
import { ROOT, readTree, stgen, tempDir } from "../../helpers.js";

/**
 * `stgen update-specs` with a release that lacks domains the specs folder has: refused unless
 * `--remove` names exactly those domains. Runs on copies of the repo's specs/ and generated/
 * (generated/ is what specs/ generates, so no run is needed to make the output folder).
 */
describe("stgen update-specs with a partial release", () => {
  let work: string;
  let specsDir: string;
  let outDir: string;
  let download: string;
  /** The domains specs/ has besides crm, as `name (file)`. */
  let others: { name: string; file: string }[];
  let before: { specs: Record<string, string>; out: Record<string, string>; work: string[] };

  beforeAll(async () => {
    work = await tempDir("update-partial-");
    specsDir = path.join(work, "specs");
    outDir = path.join(work, "generated");
    download = path.join(work, "download");
    await cp(path.join(ROOT, "specs"), specsDir, { recursive: true });
    await cp(path.join(ROOT, "generated"), outDir, { recursive: true });
    await mkdir(download);
    // Only crm's spec, under a download's kind of name.
    await cp(path.join(ROOT, "specs/crm-v2.json"), path.join(download, "CRM (1).json"));
    others = (await loadSpecs(specsDir))
      .map(buildDomainModel)
      .map(({ name, file }) => ({ name, file }))
      .filter(({ name }) => name !== "crm");
    before = { specs: await readTree(specsDir), out: await readTree(outDir), work: (await readdir(work)).sort() };
  });
  afterAll(() => rm(work, { recursive: true, force: true }));

  // From `work`, `./runtime/index.js` gives the relative imports of the copied generated/.
  const update = (...extra: string[]) =>
    stgen(
      ["update-specs", download, "--specs", specsDir, "--out", outDir, "--runtime", "./runtime/index.js", ...extra],
      work,
    );
  async function expectNothingWritten(): Promise<void> {
    expect(await readTree(specsDir)).toEqual(before.specs); // the lock file included
    expect(await readTree(outDir)).toEqual(before.out);
    expect((await readdir(work)).sort()).toEqual(before.work); // no staging folder left beside them
  }

  it("refuses a release that lacks domains: exit 2, every missing domain named with its file, nothing written", async () => {
    expect(others).toHaveLength(23);
    const run = await update();
    expect(run.code).toBe(2);
    expect(run.stdout).toBe("");
    expect(run.stderr).toContain(`${download} lacks 23 domains that ${specsDir} has: `);
    for (const { name, file } of others) expect(run.stderr).toContain(`${name} (${file})`);
    expect(run.stderr).toContain("jpm (jpm-v2.json)");
    expect(run.stderr).toContain(`--remove ${others.map((d) => d.name).join(",")}`);
    expect(run.stderr).not.toContain("crm (crm-v2.json)");
    expect(run.stderr).not.toMatch(/\n\s+at /); // a message, not a stack trace
    await expectNothingWritten();
  }, 60_000);

  it("refuses --remove that does not name exactly the missing domains", async () => {
    const names = others.map((d) => d.name);

    const short = await update("--remove", ...names.filter((name) => name !== "jpm"));
    expect(short.code).toBe(2);
    expect(short.stderr).toContain(`${download} lacks 1 domain that ${specsDir} has: jpm (jpm-v2.json).`);

    const present = await update("--remove", ...names, "crm");
    expect(present.code).toBe(2);
    expect(present.stderr).toContain(`--remove names crm (crm-v2.json), which ${download} still has`);

    const unknown = await update("--remove", ...names, "nope");
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain(`--remove names 'nope', which ${specsDir} does not have`);
    await expectNothingWritten();
  }, 60_000);

  it("with --remove naming every missing domain (space- or comma-separated), takes the release and deletes them", async () => {
    const names = others.map((d) => d.name);
    const run = await update("--remove", names.slice(0, 10).join(","), ...names.slice(10));
    expect(run.stderr, run.stdout).toContain(`removed jpm (${specsDir}/jpm-v2.json)`);
    expect(run.code).toBe(0);
    // The overlays stay; theirs now select nothing (their domains are gone), which is reported, not hidden.
    expect((await readdir(specsDir)).sort()).toEqual(["crm-v2.json", "overlays", "specs.lock.json"]);
    expect(Object.keys(JSON.parse((await readTree(specsDir))["specs.lock.json"]!))).toEqual([
      "crm-v2.json",
      "overlays/servicetitan-known-drift.yaml",
    ]);
    expect(run.stderr).toContain("warning: overlays/servicetitan-known-drift.yaml action 0");
    expect((await readdir(outDir)).sort()).toEqual(["crm", "index.ts", "manifest.json"]);
    const out = await readTree(outDir);
    expect(out["crm/client.ts"]).toBe(before.out["crm/client.ts"]);
    expect((await readdir(work)).sort()).toEqual(before.work);
  }, 60_000);
});
