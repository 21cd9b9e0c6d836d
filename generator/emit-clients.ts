import { Project } from "ts-morph";
import { emitClient } from "./emit-client.js";
import { emitDomainIndex, emitModels, emitRootIndex } from "./emit-entry.js";
import { formatTypeScript } from "./format.js";
import type { DomainModel } from "./model.js";

/** Every hand-shaped file (client, models, entry points), formatted: all the output but the types. */
export async function emitClientFiles(domains: readonly DomainModel[]): Promise<Map<string, string>> {
  const project = new Project({ useInMemoryFileSystem: true, skipLoadingLibFiles: true });
  const files = new Map<string, string>();
  for (const domain of domains) {
    files.set(`${domain.name}/client.ts`, await formatTypeScript(emitClient(project, domain)));
    files.set(`${domain.name}/models.ts`, await formatTypeScript(emitModels(domain)));
    files.set(`${domain.name}/index.ts`, await formatTypeScript(emitDomainIndex(domain)));
  }
  files.set("index.ts", await formatTypeScript(emitRootIndex(domains)));
  return files;
}
