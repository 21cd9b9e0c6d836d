import { readFile, writeFile } from "node:fs/promises";
import path from "node:path";

/** Kept beside the specs; records exactly which release the client is built from. Not a spec itself. */
export const LOCK_FILE = "specs.lock.json";

/** Spec files by name, overlays by `overlays/<name>`: each with its sha256, which `checkLock` compares. */
export interface SpecLock {
  [file: string]:
    { sha256: string; openapi: string; version: string; operations: number } | { sha256: string; actions: number };
}

/** What the lock records of each spec file; the operation count comes from the model, so it is the caller's. */
export interface LockedFile {
  file: string;
  sha256: string;
  openapi: string;
  specVersion: string;
  operations: readonly unknown[];
}

export function buildLock(
  files: readonly LockedFile[],
  overlays: readonly { file: string; sha256: string; actions: readonly unknown[] }[] = [],
): SpecLock {
  const lock: SpecLock = {};
  for (const { file, sha256, openapi, specVersion, operations } of files)
    lock[file] = { sha256, openapi, version: specVersion, operations: operations.length };
  for (const { file, sha256, actions } of overlays) lock[file] = { sha256, actions: actions.length };
  return lock;
}

export function serializeLock(lock: SpecLock): string {
  return JSON.stringify(lock, null, 2) + "\n";
}

export async function writeLock(specsDir: string, lock: SpecLock): Promise<void> {
  await writeFile(path.join(specsDir, LOCK_FILE), serializeLock(lock));
}

/**
 * When the specs folder has a lock file, the spec files must match it: a spec edited or swapped by
 * accident fails loudly instead of producing a client from an unknown release. Absent lock: no check.
 */
export async function checkLock(specsDir: string, lock: SpecLock): Promise<void> {
  const lockPath = path.join(specsDir, LOCK_FILE);
  let text: string;
  try {
    text = await readFile(lockPath, "utf8");
  } catch {
    return;
  }
  let recorded: SpecLock;
  try {
    recorded = JSON.parse(text) as SpecLock;
  } catch {
    throw new Error(`${lockPath} is not valid JSON; run 'stgen lock --specs ${specsDir}' to rewrite it`);
  }
  const problems: string[] = [];
  for (const file of new Set([...Object.keys(recorded), ...Object.keys(lock)])) {
    if (!lock[file]) problems.push(`${file} is in the lock file but not in the folder`);
    else if (!recorded[file]) problems.push(`${file} is not in the lock file`);
    else if (recorded[file]!.sha256 !== lock[file]!.sha256) problems.push(`${file} differs from the locked sha256`);
  }
  if (problems.length) {
    throw new Error(
      `${lockPath} does not match the spec files: ${problems.join("; ")}. If the new specs are intended, run 'stgen lock --specs ${specsDir}'`,
    );
  }
}
