import { Project } from "ts-morph";
import { emitClient } from "./emit-client.js";
import type { DomainModel } from "./model.js";

/** Each domain's `client.ts`, not yet formatted. */
export function emitClientTexts(domains: readonly DomainModel[]): [path: string, text: string][] {
  const project = new Project({ useInMemoryFileSystem: true, skipLoadingLibFiles: true });
  return domains.map((domain) => [`${domain.name}/client.ts`, emitClient(project, domain)]);
}
