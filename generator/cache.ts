import { createHash } from "node:crypto";
import { mkdir, readdir, readFile, rename, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { DomainModel } from "./model.js";
import { GENERATOR_VERSION } from "./version.js";

/** A domain's two costly files: what a regeneration skips for a spec that did not change. */
export interface CachedDomain {
  types: string;
  client: string;
}

export interface DomainCache {
  get(domain: DomainModel): Promise<CachedDomain | undefined>;
  set(domain: DomainModel, files: CachedDomain): Promise<void>;
}

export const NO_CACHE: DomainCache = { get: async () => undefined, set: async () => {} };

/**
 * Generated files per domain, keyed by the spec's sha256 and everything else that shapes the output: the
 * generator's version and its own emitting code, and the versions of openapi-typescript, ts-morph,
 * prettier and TypeScript. Any of them changing makes every entry miss, so a cached run is byte-identical
 * to a cold one (a test checks). Entries are written whole (temp file, then rename).
 */
export async function openCache(dir: string): Promise<DomainCache> {
  const fingerprint = await generatorFingerprint();
  const file = (domain: DomainModel) => {
    const key = createHash("sha256").update(JSON.stringify([fingerprint, domain.name, domain.file, domain.sha256])).digest("hex").slice(0, 32);
    return path.join(dir, `${domain.name}-${key}.json`);
  };
  return {
    async get(domain) {
      try {
        const entry = JSON.parse(await readFile(file(domain), "utf8")) as Partial<CachedDomain>;
        return typeof entry.types === "string" && typeof entry.client === "string" ? { types: entry.types, client: entry.client } : undefined;
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

let fingerprintPromise: Promise<string> | undefined;

function generatorFingerprint(): Promise<string> {
  fingerprintPromise ??= (async () => {
    const hash = createHash("sha256").update(GENERATOR_VERSION);
    const here = path.dirname(fileURLToPath(import.meta.url));
    for (const name of (await readdir(here)).filter((f) => /\.(ts|js)$/.test(f) && !f.endsWith(".d.ts")).sort()) {
      hash.update(name).update(await readFile(path.join(here, name)));
    }
    const require = createRequire(import.meta.url);
    for (const pkg of ["openapi-typescript", "ts-morph", "prettier", "typescript"]) {
      let version = "unknown";
      try {
        version = (require(`${pkg}/package.json`) as { version: string }).version;
      } catch {
        // a package that does not export its package.json: its version then does not key the cache
      }
      hash.update(`${pkg}@${version}`);
    }
    return hash.digest("hex");
  })();
  return fingerprintPromise;
}
