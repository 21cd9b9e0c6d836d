import { Project } from "ts-morph";
import { emitClient } from "./emit-client.js";
import { emitDomainIndex, emitManifest, emitModels, emitRootIndex } from "./emit-entry.js";
import { emitTypes } from "./emit-types.js";
import { formatTypeScript } from "./format.js";
import { loadSpecs } from "./load.js";
import { buildDomainModel, type DomainModel } from "./model.js";
import { staleFiles, writeAtomically, type FileSet } from "./write.js";

export interface GenerateOptions {
  specsDir: string;
  outDir: string;
  /** Write nothing; report the files that differ from what would be generated. */
  check?: boolean;
  /** One line per domain as it is done. */
  onProgress?: (line: string) => void;
}

export interface GenerateResult {
  domains: number;
  operations: number;
  files: number;
  /** Only with `check`: files that are out of date. */
  stale: string[];
  elapsedMs: number;
}

/** Specs → model → emitted and formatted files → one atomic write (or a comparison, with `check`). */
export async function generate(options: GenerateOptions): Promise<GenerateResult> {
  const started = performance.now();
  const specs = await loadSpecs(options.specsDir);
  const domains = specs.map(buildDomainModel);
  checkDomainNames(domains);

  const files: FileSet = new Map();
  const project = new Project({ useInMemoryFileSystem: true, skipLoadingLibFiles: true });
  for (const domain of domains) {
    const domainStarted = performance.now();
    const [types, client, models, index] = await Promise.all([
      emitTypes(domain),
      formatTypeScript(emitClient(project, domain)),
      formatTypeScript(emitModels(domain)),
      formatTypeScript(emitDomainIndex(domain)),
    ]);
    files.set(`${domain.name}/types.ts`, domainTypesFile(domain, types));
    files.set(`${domain.name}/client.ts`, client);
    files.set(`${domain.name}/models.ts`, models);
    files.set(`${domain.name}/index.ts`, index);
    const ms = Math.round(performance.now() - domainStarted);
    options.onProgress?.(`${domain.name.padEnd(22)} ${String(domain.operations.length).padStart(3)} operations  ${domain.file}  ${ms} ms`);
  }
  files.set("index.ts", await formatTypeScript(emitRootIndex(domains)));
  files.set("manifest.json", emitManifest(domains));

  const stale = options.check ? await staleFiles(options.outDir, files) : [];
  if (!options.check) await writeAtomically(options.outDir, files);
  return {
    domains: domains.length,
    operations: domains.reduce((sum, d) => sum + d.operations.length, 0),
    files: files.size,
    stale,
    elapsedMs: performance.now() - started,
  };
}

import { domainHeader } from "./header.js";
function domainTypesFile(domain: DomainModel, types: string): string {
  return domainHeader(domain) + "\n" + types;
}

/** Two files that map to one domain name (`crm-v2.json` and `crm-v3.json`) would overwrite each other. */
function checkDomainNames(domains: DomainModel[]): void {
  const byName = new Map<string, string>();
  for (const d of domains) {
    const other = byName.get(d.name);
    if (other) throw new Error(`${d.file} and ${other} both map to the domain name '${d.name}'; keep one of them in the specs folder`);
    byName.set(d.name, d.file);
  }
}
