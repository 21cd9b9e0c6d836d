import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { diffReleases, type DiffReport, type Release } from "./diff/diff-releases.js";
import { readRelease } from "./diff/sources.js";
import { generate, type GenerateResult } from "./generate.js";
import { loadSpecs, type LoadedSpec } from "./load.js";
import { buildLock, LOCK_FILE, serializeLock } from "./lock.js";
import { buildDomainModel } from "./model.js";
import { writeAtomically, type FileSet } from "./write.js";

export interface UpdateSpecsOptions {
  /** The release as downloaded: any file names. */
  from: string;
  specsDir: string;
  outDir: string;
  onProgress?: (line: string) => void;
}

/**
 * Takes a downloaded release into `specsDir`: names each file after the domain it serves (by its server
 * path, the way the files already in `specsDir` are named), writes the lock, regenerates `outDir`, and
 * reports what changed. Nothing is written unless every spec loads and the client generates: the new
 * specs are generated from a staging copy first, then `outDir` and `specsDir` are each replaced whole.
 */
export async function updateSpecs(options: UpdateSpecsOptions): Promise<{ report: DiffReport; generated: GenerateResult; renamed: [string, string][] }> {
  const incoming = await loadSpecs(options.from);
  const current: Release = await readRelease(options.specsDir).catch(() => ({ label: options.specsDir, specs: [] }));
  const names = targetNames(incoming, current.specs);

  const files: FileSet = new Map();
  const renamed: [string, string][] = [];
  const placed: LoadedSpec[] = [];
  for (const spec of incoming) {
    const name = names.get(spec)!;
    files.set(name, await readFile(spec.displayPath, "utf8"));
    placed.push({ ...spec, file: name });
    if (name !== spec.file) renamed.push([spec.file, name]);
  }
  placed.sort((a, b) => a.file.localeCompare(b.file));
  files.set(LOCK_FILE, serializeLock(buildLock(placed, placed.map(buildDomainModel))));

  const staging = await mkdtemp(path.join(tmpdir(), "stgen-update-"));
  let generated: GenerateResult;
  try {
    for (const [name, text] of files) await writeFile(path.join(staging, name), text);
    generated = await generate({ specsDir: staging, outDir: options.outDir, onProgress: options.onProgress });
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
  await writeAtomically(options.specsDir, files);
  const report = diffReleases(current, { label: options.from, specs: placed });
  return { report, generated, renamed };
}

/**
 * The file name each incoming spec gets: that of the current spec serving the same module path (`/crm/v2`),
 * else of the current spec with the same title, else its own. Domain names come from file names, so a
 * release downloaded as `CRM (1).json` still becomes `crm-v2.json` and `st.crm`.
 */
function targetNames(incoming: LoadedSpec[], current: LoadedSpec[]): Map<LoadedSpec, string> {
  const currentDomains = current.map(buildDomainModel);
  const byModule = new Map(currentDomains.map((domain) => [domain.modulePath, domain.file]));
  const byTitle = new Map(currentDomains.map((domain) => [domain.title, domain.file]));
  const names = new Map<LoadedSpec, string>();
  const taken = new Map<string, string>();
  for (const spec of incoming) {
    const { modulePath, title } = buildDomainModel(spec);
    const current = byModule.get(modulePath) ?? byTitle.get(title);
    const name = current ? current.replace(/\.(json|ya?ml)$/i, path.extname(spec.file).toLowerCase()) : spec.file;
    const other = taken.get(name);
    if (other) throw new Error(`${spec.displayPath} and ${other} both serve ${modulePath}: keep one of them`);
    taken.set(name, spec.displayPath);
    names.set(spec, name);
  }
  return names;
}
