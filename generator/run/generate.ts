import path from "node:path";
import { emitClient } from "../emit/client.js";
import { emitDomainIndex } from "../emit/domain-index.js";
import { emitManifest } from "../emit/manifest.js";
import { emitModels } from "../emit/models.js";
import { emitReference } from "../emit/reference.js";
import { emitRootIndex } from "../emit/root-index.js";
import { emitTypes } from "../emit/types.js";
import { emitValidation } from "../emit/validation.js";
import { buildDomainModel } from "../model/build-model.js";
import type { DomainModel, DomainWithSpec } from "../model/domain-model.js";
import { RUNTIME_SPECIFIER } from "../model/public-names.js";
import { buildLock, checkLock } from "../spec/lock.js";
import { checkOverlaysMatched, loadOverlaidSpecs } from "../spec/overlays.js";
import { NO_CACHE, openCache } from "./cache.js";
import { staleFiles, writeAtomically, type FileSet } from "./write.js";

export interface GenerateOptions {
  specsDir: string;
  outDir: string;
  /** Write nothing; report the files that differ from what would be generated. */
  check?: boolean;
  /** One line per domain as it is done. */
  onProgress?: (line: string) => void;
  /** Each overlay action that selected nothing (see `strict`). */
  onWarning?: (line: string) => void;
  /** An overlay action that selects nothing is an error, not a warning: nothing is written. */
  strict?: boolean;
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

/** Specs → model → emitted files → one atomic write (or, with `check`, a comparison). */
export async function generate(options: GenerateOptions): Promise<GenerateResult> {
  const started = performance.now();
  const { specs, overlays, unmatched } = await loadOverlaidSpecs(options.specsDir);
  checkOverlaysMatched(unmatched, options);
  const domains = specs.map(buildDomainModel);
  checkDomainNames(domains);
  await checkLock(options.specsDir, buildLock(domains, overlays));

  const cache = options.cacheDir ? await openCache(options.cacheDir) : NO_CACHE;
  const files: FileSet = new Map();
  let cached = 0;
  for (const domain of domains) {
    const domainStarted = performance.now();
    let own = await cache.get(domain);
    const fromCache = own !== undefined;
    if (own) cached++;
    else {
      own = {
        "types.ts": await typesOf(domain),
        "client.ts": emitClient(domain),
        "models.ts": emitModels(domain),
        "validation.ts": emitValidation(domain),
        "index.ts": emitDomainIndex(domain),
        "README.md": emitReference(domain),
      };
      await cache.set(domain, own); // keyed by the spec and the generator, so right whatever happens to the rest of the run
    }
    for (const [name, text] of Object.entries(own)) files.set(`${domain.name}/${name}`, text);
    const took = fromCache ? "cached" : `${Math.round(performance.now() - domainStarted)} ms`;
    options.onProgress?.(
      `${domain.name.padEnd(22)} ${String(domain.operations.length).padStart(3)} operations  ${domain.file}  ${took}`,
    );
  }
  files.set("index.ts", emitRootIndex(domains));
  files.set("manifest.json", emitManifest(domains));
  if (options.runtime && options.runtime !== RUNTIME_SPECIFIER) pointAtRuntime(files, options.runtime, options.outDir);

  const stale = options.check ? await staleFiles(options.outDir, files) : [];
  if (!options.check) await writeAtomically(options.outDir, files);
  return {
    domains: domains.length,
    operations: domains.reduce((sum, d) => sum + d.operations.length, 0),
    files: files.size,
    cached,
    stale,
    elapsedMs: performance.now() - started,
  };
}

function typesOf(domain: DomainWithSpec): Promise<string> {
  return emitTypes(domain).catch((error: Error) =>
    Promise.reject(new Error(`${domain.file}: openapi-typescript failed: ${error.message}`, { cause: error })),
  );
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
      specifier = path
        .relative(path.dirname(path.resolve(outDir, name)), path.resolve(runtime))
        .split(path.sep)
        .join("/");
      if (!specifier.startsWith(".")) specifier = `./${specifier}`;
    }
    files.set(name, text.split(quoted).join(JSON.stringify(specifier)));
  }
}

/** Two files that map to one domain name (`crm-v2.json` and `crm-v3.json`) would overwrite each other. */
function checkDomainNames(domains: readonly DomainModel[]): void {
  const byName = new Map<string, string>();
  for (const d of domains) {
    const other = byName.get(d.name);
    if (other)
      throw new Error(
        `${d.file} and ${other} both map to the domain name '${d.name}'; keep one of them in the specs folder`,
      );
    byName.set(d.name, d.file);
  }
}
