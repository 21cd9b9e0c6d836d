import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { diffReleases, type DiffReport, type Release } from "../diff/diff-releases.js";
import { readRelease } from "../diff/sources.js";
import { buildDomainModel } from "../model/build-model.js";
import { fileDomainName } from "../model/naming.js";
import { listSpecFiles, loadSpecs, type LoadedSpec } from "../spec/load.js";
import { buildLock, LOCK_FILE, serializeLock } from "../spec/lock.js";
import { applyOverlays, loadOverlays } from "../spec/overlays.js";
import { generate, type GenerateResult } from "./generate.js";
import { UsageError } from "./usage-error.js";
import { writeAtomically, type FileSet } from "./write.js";

export interface UpdateSpecsOptions {
  /** The release as downloaded: any file names. */
  from: string;
  specsDir: string;
  outDir: string;
  /**
   * Domains (`jpm`, or its file `jpm-v2.json`) that `from` lacks and that are to be deleted from `specsDir`
   * and `outDir`. They must be exactly the missing ones: a domain `specsDir` has and `from` lacks is
   * otherwise refused, and so is a name here that `specsDir` does not have or that `from` still has.
   */
  remove?: readonly string[];
  onProgress?: (line: string) => void;
  /** Each overlay action of `specsDir` that selects nothing in the new release (see `strict`). */
  onWarning?: (line: string) => void;
  /** An overlay action that selects nothing in the new release is an error: nothing is written. */
  strict?: boolean;
  /** What the regenerated files import the runtime from (see GenerateOptions.runtime). */
  runtime?: string;
}

/**
 * Takes a downloaded release into `specsDir`: names each file after the domain it serves (by its server
 * path, the way the files already in `specsDir` are named), writes the lock, regenerates `outDir`, and
 * reports what changed. Nothing is written unless every spec loads and the client generates: the new
 * specs are generated from a staging copy first, then `outDir` and `specsDir` are each replaced whole.
 * Nor is anything written when `from` lacks a domain that `specsDir` has and `remove` does not name
 * it (a partial download would otherwise delete the rest of the client): a `UsageError` lists them.
 */
export async function updateSpecs(
  options: UpdateSpecsOptions,
): Promise<{ report: DiffReport; generated: GenerateResult; renamed: [string, string][]; removed: RemovedDomain[] }> {
  const incoming = await loadSpecs(options.from);
  // The current domains by file name alone (as domain names are made), so a spec there that no longer loads still counts.
  const currentFiles = await listSpecFiles(options.specsDir).catch((): string[] => []);
  const current: Release = await readRelease(options.specsDir).catch(() => ({ label: options.specsDir, specs: [] }));
  const names = targetNames(incoming, current.specs);
  // A current spec that loads is named by what it serves, as generate names it; one that does not, by its file.
  const loaded = new Map(current.specs.map((spec) => [spec.file, buildDomainModel(spec).name]));
  const currentDomains = currentFiles.map((file) => ({ file, name: loaded.get(file) ?? fileDomainName(file) }));
  const removed = checkCoverage(
    options,
    currentDomains,
    incoming.map((spec) => buildDomainModel(spec).name),
  );

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
  // The overlays stay, and apply to the new release as they did to the old one (the lock records both).
  const overlays = await loadOverlays(options.specsDir);
  for (const overlay of overlays) files.set(overlay.file, await readFile(overlay.displayPath, "utf8"));
  files.set(LOCK_FILE, serializeLock(buildLock(applyOverlays(placed, overlays).specs.map(buildDomainModel), overlays)));

  const staging = await mkdtemp(path.join(tmpdir(), "stgen-update-"));
  let generated: GenerateResult;
  try {
    for (const [name, text] of files) {
      await mkdir(path.dirname(path.join(staging, name)), { recursive: true });
      await writeFile(path.join(staging, name), text);
    }
    generated = await generate({
      specsDir: staging,
      outDir: options.outDir,
      runtime: options.runtime,
      onProgress: options.onProgress,
      onWarning: (line) => options.onWarning?.(line.replaceAll(staging, options.specsDir)),
      strict: options.strict,
    });
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
  await writeAtomically(options.specsDir, files);
  const report = diffReleases(current, { label: options.from, specs: placed });
  return { report, generated, renamed, removed };
}

export interface RemovedDomain {
  /** `jpm` */
  name: string;
  /** Its file in the specs folder before the update: `jpm-v2.json`. */
  file: string;
}

/**
 * Every domain the specs folder has must be in the incoming release or named in `remove`, and every
 * name in `remove` must be such a missing domain. Returns the domains to remove; throws a `UsageError`
 * naming every problem otherwise.
 */
function checkCoverage(
  options: UpdateSpecsOptions,
  currentDomains: readonly RemovedDomain[],
  incomingNames: readonly string[],
): RemovedDomain[] {
  const current = new Map(currentDomains.map(({ name, file }) => [name, file]));
  const incoming = new Set(incomingNames);
  const label = (name: string) => `${name} (${current.get(name)})`;

  const asked = new Set<string>();
  const unknown: string[] = [];
  const present: string[] = [];
  for (const entry of options.remove ?? []) {
    const name = current.has(entry) ? entry : [...current].find(([, file]) => file === entry)?.[0];
    if (name === undefined) unknown.push(entry);
    else if (incoming.has(name)) present.push(name);
    else asked.add(name);
  }
  const missing = [...current.keys()].filter((name) => !incoming.has(name));
  const unasked = missing.filter((name) => !asked.has(name));

  const problems: string[] = [];
  if (unasked.length) {
    problems.push(
      `${options.from} lacks ${unasked.length === 1 ? "1 domain" : `${unasked.length} domains`} that ${options.specsDir} has: ${unasked.map(label).join(", ")}. ` +
        `Taking it would delete ${unasked.length === 1 ? "it" : "them"} from ${options.specsDir} and ${options.outDir}. ` +
        `If the release retired ${unasked.length === 1 ? "it" : "them"}, say so: --remove ${unasked.join(",")}`,
    );
  }
  if (present.length)
    problems.push(
      `--remove names ${present.map(label).join(", ")}, which ${options.from} still has: only domains the release lacks can be removed`,
    );
  if (unknown.length) {
    problems.push(
      `--remove names ${unknown.map((name) => `'${name}'`).join(", ")}, which ${options.specsDir} does not have (its domains: ${[...current.keys()].join(", ")})`,
    );
  }
  if (problems.length) throw new UsageError(`update-specs wrote nothing.\n${problems.join("\n")}`);
  return missing.map((name) => ({ name, file: current.get(name)! }));
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
