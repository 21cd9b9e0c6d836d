import { buildDomainModel } from "../model/build-model.js";
import { buildLock, writeLock } from "../spec/lock.js";
import { checkOverlaysMatched, loadOverlaidSpecs } from "../spec/overlays.js";

/** `stgen lock`: writes `specs.lock.json` for the specs now in `specsDir`; returns how many files it records. */
export async function lockSpecs(specsDir: string, onWarning?: (line: string) => void): Promise<number> {
  const { specs, overlays, unmatched } = await loadOverlaidSpecs(specsDir);
  checkOverlaysMatched(unmatched, { onWarning });
  await writeLock(specsDir, buildLock(specs.map(buildDomainModel), overlays));
  return specs.length + overlays.length;
}
