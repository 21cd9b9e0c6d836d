import { execFile } from "node:child_process";
import { mkdtemp, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { listSpecFiles, loadSpecFile, loadSpecs } from "../spec/load.js";
import type { Release } from "./diff-releases.js";

const run = promisify(execFile);

/** One side of a diff: a folder of specs or one spec file. */
export async function readRelease(location: string): Promise<Release> {
  let info;
  try {
    info = await stat(location);
  } catch {
    throw new Error(`'${location}' does not exist: give a folder of specs or a spec file`);
  }
  return { label: location, specs: info.isDirectory() ? await loadSpecs(location) : [await loadSpecFile(location)] };
}

/** `specs/` as it is at a git ref (`origin/main`), read with git itself, never touching the working tree. */
export async function readReleaseAtRef(ref: string, folder = "specs"): Promise<Release> {
  const git = (...args: string[]) => run("git", args, { maxBuffer: 256 << 20 }).then((r) => r.stdout);
  let listing: string;
  try {
    listing = await git("ls-tree", "--name-only", `${ref}:${folder}`);
  } catch (error) {
    throw new Error(
      `cannot read ${folder}/ at git ref '${ref}': ${String((error as { stderr?: string }).stderr ?? error).trim()}`,
    );
  }
  const dir = await mkdtemp(path.join(tmpdir(), "stgen-base-"));
  try {
    for (const name of listing.split("\n").filter(Boolean))
      await writeFile(path.join(dir, name), await git("show", `${ref}:${folder}/${name}`));
    await listSpecFiles(dir); // a clear error if the ref has no specs there
    const specs = await loadSpecs(dir);
    return {
      label: `${ref}:${folder}`,
      specs: specs.map((spec) => ({ ...spec, displayPath: `${ref}:${folder}/${spec.file}` })),
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
