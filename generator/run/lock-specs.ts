import { buildDomainModel } from "../model/build-model.js";
import { loadSpecs } from "../spec/load.js";
import { buildLock, writeLock } from "../spec/lock.js";

/** `stgen lock`: writes `specs.lock.json` for the specs now in `specsDir`; returns how many files it records. */
export async function lockSpecs(specsDir: string): Promise<number> {
  const specs = await loadSpecs(specsDir);
  await writeLock(specsDir, buildLock(specs.map(buildDomainModel)));
  return specs.length;
}
