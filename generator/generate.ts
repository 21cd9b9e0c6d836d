import { startClientThread, type ClientThread } from "./client-thread.js";
import { emitDomainIndex, emitManifest, emitModels, emitRootIndex } from "./emit-entry.js";
import { NO_CACHE, openCache } from "./cache.js";
import { buildLock, checkLock, writeLock } from "./lock.js";
import { domainHeader } from "./header.js";
import { emitReference } from "./emit-reference.js";
import { emitTypes } from "./emit-types.js";
import { loadSpecs } from "./load.js";
import { buildDomainModel, withoutDocument, type DomainModel, type DomainWithSpec } from "./model.js";
import path from "node:path";
import { RUNTIME_SPECIFIER } from "./model.js";
import { staleFiles, writeAtomically, type FileSet } from "./write.js";

export interface GenerateOptions {
  specsDir: string;
  outDir: string;
  /** Write nothing; report the files that differ from what would be generated. */
  check?: boolean;
  /** Emit the clients on a second thread while the types are made (default). Off: all on this thread. */
  parallel?: boolean;
  /** One line per domain as it is done. */
  onProgress?: (line: string) => void;
  /** Where to keep each domain's generated files for the next run (see cache.ts); `false`: no cache. */
  cacheDir?: string | false;
  /**
   * What generated files import the runtime from: a package specifier (default `servicetitan-client/runtime`),
   * or a path starting with `.`, relative to the current folder, that each file then imports relatively
   * (this repository's own `generated/` uses `./runtime/index.js`).
   */
  runtime?: string;
}

export interface GenerateResult {
  domains: number;
  operations: number;
  files: number;
  /** Domains taken from the cache (their spec and the generator unchanged since they were cached). */
  cached: number;
  /** Only with `check`: files that are out of date. */
  stale: string[];
  elapsedMs: number;
}

/** Specs → model → emitted and formatted files → one atomic write (or a comparison, with `check`). */
export async function generate(options: GenerateOptions): Promise<GenerateResult> {
  const started = performance.now();
  const clientThread = startClientThread(options.parallel !== false); // first: it loads ts-morph while the specs load
  try {
    return await generateWith(clientThread, options, started);
  } catch (error) {
    clientThread.stop(); // no reason to wait for the clients of a run that has failed
    throw error;
  }
}

async function generateWith(clientThread: ClientThread, options: GenerateOptions, started: number): Promise<GenerateResult> {
  const specs = await loadSpecs(options.specsDir);
  const domains = specs.map(buildDomainModel);
  checkDomainNames(domains);
  await checkLock(options.specsDir, buildLock(specs, domains));

  const cache = options.cacheDir ? await openCache(options.cacheDir) : NO_CACHE;
  const cached = await Promise.all(domains.map((domain) => cache.get(domain)));
  const toGenerate = domains.filter((_, index) => !cached[index]);

  const files: FileSet = new Map();
  const line = (domain: DomainModel, what: string) =>
    options.onProgress?.(`${domain.name.padEnd(22)} ${String(domain.operations.length).padStart(3)} operations  ${domain.file}  ${what}`);
  domains.forEach((domain, index) => cached[index] && line(domain, "cached"));
  if (toGenerate.length === 0) clientThread.stop();
  else clientThread.begin(toGenerate.map(withoutDocument));
  const types: string[] = [];
  for (const domain of toGenerate) {
    const domainStarted = performance.now();
    types.push(await emitTypes(domain).catch((error: Error) => Promise.reject(new Error(`${domain.file}: openapi-typescript failed: ${error.message}`, { cause: error }))));
    line(domain, `${Math.round(performance.now() - domainStarted)} ms`);
  }
  const clients = toGenerate.length ? await clientThread.finish() : new Map<string, string>();
  // What this run made, in the shape the cache keeps, so made and cached domains are written alike.
  const made = new Map(toGenerate.map((domain, index) => [domain, { types: types[index]!, client: clients.get(`${domain.name}/client.ts`)! }]));

  for (const [index, domain] of domains.entries()) {
    const entry = cached[index] ?? made.get(domain)!;
    files.set(`${domain.name}/types.ts`, domainHeader(domain) + "\n" + entry.types);
    files.set(`${domain.name}/client.ts`, entry.client);
    files.set(`${domain.name}/models.ts`, emitModels(domain));
    files.set(`${domain.name}/index.ts`, emitDomainIndex(domain));
    files.set(`${domain.name}/README.md`, emitReference(domain));
  }
  files.set("index.ts", emitRootIndex(domains));
  files.set("manifest.json", emitManifest(domains));
  if (options.runtime && options.runtime !== RUNTIME_SPECIFIER) pointAtRuntime(files, options.runtime, options.outDir);
  // Only after the whole run succeeded: the stale domains' files, for the next run.
  for (const [domain, entry] of made) await cache.set(domain, entry);

  const stale = options.check ? await staleFiles(options.outDir, files) : [];
  if (!options.check) await writeAtomically(options.outDir, files);
  return {
    domains: domains.length,
    operations: domains.reduce((sum, d) => sum + d.operations.length, 0),
    files: files.size,
    cached: domains.length - toGenerate.length,
    stale,
    elapsedMs: performance.now() - started,
  };
}

/**
 * Emitters import the runtime as `servicetitan-client/runtime`, which is also how the cache keeps their
 * files; another specifier is put in afterwards, a relative path worked out for each file.
 */
function pointAtRuntime(files: FileSet, runtime: string, outDir: string): void {
  const quoted = JSON.stringify(RUNTIME_SPECIFIER);
  for (const [name, text] of files) {
    if (!text.includes(quoted)) continue;
    let specifier = runtime;
    if (runtime.startsWith(".")) {
      specifier = path.relative(path.dirname(path.resolve(outDir, name)), path.resolve(runtime)).split(path.sep).join("/");
      if (!specifier.startsWith(".")) specifier = `./${specifier}`;
    }
    files.set(name, text.split(quoted).join(JSON.stringify(specifier)));
  }
}

/** Two files that map to one domain name (`crm-v2.json` and `crm-v3.json`) would overwrite each other. */
function checkDomainNames(domains: DomainWithSpec[]): void {
  const byName = new Map<string, string>();
  for (const d of domains) {
    const other = byName.get(d.name);
    if (other) throw new Error(`${d.file} and ${other} both map to the domain name '${d.name}'; keep one of them in the specs folder`);
    byName.set(d.name, d.file);
  }
}

/** Writes `specs.lock.json` for the specs now in `specsDir`; returns how many files it records. */
export async function lockSpecs(specsDir: string): Promise<number> {
  const specs = await loadSpecs(specsDir);
  await writeLock(specsDir, buildLock(specs, specs.map(buildDomainModel)));
  return specs.length;
}
