import { createHash } from "node:crypto";
import { mkdir, readdir, readFile, rename, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { DomainModel } from "../model/domain-model.js";
import { GENERATOR_VERSION } from "../version.js";

/** A domain's files by name (`types.ts`, `client.ts`, …): what a regeneration skips for a spec that did not change. */
export type CachedDomain = Record<string, string>;

export interface DomainCache {
  get(domain: DomainModel): Promise<CachedDomain | undefined>;
  set(domain: DomainModel, files: CachedDomain): Promise<void>;
}

export const NO_CACHE: DomainCache = { get: async () => undefined, set: async () => {} };

/**
 * What shapes a cached file besides its spec, named here so that nothing is left out by accident: the
 * generator's version, its source folders that read specs, build the model and emit (every file in them,
 * however deep), and the packages that print the output. Any of them changing makes every entry miss, so
 * a cached run is byte-identical to a cold one (a test checks).
 */
export const CACHE_INPUTS = {
  folders: ["spec", "model", "emit"],
  packages: ["openapi-typescript", "ts-morph", "typescript", "json-p3", "yaml"],
} as const;

/** The generator's root: `generator/` from source, `generator/dist/` built; the folders above sit in it. */
const GENERATOR_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

/** Generated files per domain, keyed by the spec's sha256 and `generatorFingerprint()`. Entries are written whole (temp file, then rename). */
export async function openCache(dir: string): Promise<DomainCache> {
  const fingerprint = await ownFingerprint();
  const file = (domain: DomainModel) => {
    const key = createHash("sha256")
      .update(JSON.stringify([fingerprint, domain.name, domain.file, domain.sha256, domain.overlays]))
      .digest("hex")
      .slice(0, 32);
    return path.join(dir, `${domain.name}-${key}.json`);
  };
  return {
    async get(domain) {
      try {
        const entry = JSON.parse(await readFile(file(domain), "utf8")) as unknown;
        if (entry === null || typeof entry !== "object" || Object.keys(entry).length === 0) return undefined;
        return Object.values(entry).every((text) => typeof text === "string") ? (entry as CachedDomain) : undefined;
      } catch {
        return undefined; // missing or unreadable: generate it
      }
    },
    async set(domain, files) {
      await mkdir(dir, { recursive: true });
      const target = file(domain);
      const temp = `${target}.${process.pid}.tmp`;
      await writeFile(temp, JSON.stringify(files));
      await rename(temp, target);
    },
  };
}

let own: Promise<string> | undefined;

function ownFingerprint(): Promise<string> {
  own ??= generatorFingerprint(GENERATOR_ROOT);
  return own;
}

/** The hash of everything `CACHE_INPUTS` names, for the generator whose sources are in `root`. */
export async function generatorFingerprint(root: string): Promise<string> {
  const hash = createHash("sha256").update(GENERATOR_VERSION);
  for (const folder of CACHE_INPUTS.folders) {
    for (const file of await sourceFiles(path.join(root, folder))) {
      hash.update(path.relative(root, file)).update(await readFile(file));
    }
  }
  const require = createRequire(import.meta.url);
  for (const pkg of CACHE_INPUTS.packages) {
    let version = "unknown";
    try {
      version = (require(`${pkg}/package.json`) as { version: string }).version;
    } catch {
      // a package that does not export its package.json: its version then does not key the cache
    }
    hash.update(`${pkg}@${version}`);
  }
  return hash.digest("hex");
}

/** Every .ts / .js source under `dir` (not .d.ts), sorted, so the hash never depends on the file system's order. */
async function sourceFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile() && /\.(ts|js)$/.test(entry.name) && !entry.name.endsWith(".d.ts"))
    .map((entry) => path.join(entry.parentPath, entry.name))
    .sort();
}
