import { createRequire } from "node:module";
import { emitClient } from "./emit-client.js";
import type { DomainModel } from "./model.js";

/** A `client.ts`: the part prettier formats, and the part already in its layout, appended after it. */
export type ClientText = [path: string, unformatted: string, verbatim: string];

/** Each domain's `client.ts`, not yet formatted. */
export function emitClientTexts(domains: readonly DomainModel[]): ClientText[] {
  // Through `require`: imported as an ES module, Node would first scan ts-morph's CommonJS for its export
  // names (0.15 s of the client thread's time).
  const { Project } = createRequire(import.meta.url)("ts-morph") as typeof import("ts-morph");
  const project = new Project({ useInMemoryFileSystem: true, skipLoadingLibFiles: true });
  return domains.map((domain) => {
    const { text, verbatim } = emitClient(project, domain);
    return [`${domain.name}/client.ts`, text, verbatim];
  });
}
