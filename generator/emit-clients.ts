import { Project } from "ts-morph";
import { emitClient } from "./emit-client.js";
import type { DomainModel } from "./model.js";

/** A `client.ts`: the part prettier formats, and the part already in its layout, appended after it. */
export type ClientText = [path: string, unformatted: string, verbatim: string];

/** Each domain's `client.ts`, not yet formatted. */
export function emitClientTexts(domains: readonly DomainModel[]): ClientText[] {
  const project = new Project({ useInMemoryFileSystem: true, skipLoadingLibFiles: true });
  return domains.map((domain) => {
    const { text, verbatim } = emitClient(project, domain);
    return [`${domain.name}/client.ts`, text, verbatim];
  });
}
