import { execFile } from "node:child_process";
import { mkdtemp, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { mkdir } from "node:fs/promises";
import { listSpecFiles, loadSpecFile, loadSpecs } from "../spec/load.js";
import { describeUnmatched, loadOverlaidSpecs, OVERLAYS_FOLDER } from "../spec/overlays.js";
import type { Release } from "./diff-releases.js";

const run = promisify(execFile);

/** How a side is read: as shipped (the default), or with its folder's overlays applied. */
export interface ReadOptions {
  overlays?: boolean;
  /** Each overlay action that selected nothing, when overlays are applied. */
  onWarning?: (line: string) => void;
}

/** One side of a diff: a folder of specs or one spec file. */
export async function readRelease(location: string, options: ReadOptions = {}): Promise<Release> {
  let info;
  try {
    info = await stat(location);
  } catch {
    throw new Error(`'${location}' does not exist: give a folder of specs or a spec file`);
  }
  if (!info.isDirectory()) return { label: location, specs: [await loadSpecFile(location)] };
  if (!options.overlays) return { label: location, specs: await loadSpecs(location) };
  const { specs, overlays, unmatched } = await loadOverlaidSpecs(location);
  for (const action of unmatched) options.onWarning?.(`warning: ${location}/${describeUnmatched(action)}`);
  return { label: location, specs, overlays: overlays.map((overlay) => overlay.file) };
}

/** `specs/` as it is at a git ref (`origin/main`), read with git itself, never touching the working tree. */
export async function readReleaseAtRef(ref: string, folder = "specs", options: ReadOptions = {}): Promise<Release> {
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
    const names = listing.split("\n").filter(Boolean);
    for (const name of names.filter((entry) => entry !== OVERLAYS_FOLDER))
      await writeFile(path.join(dir, name), await git("show", `${ref}:${folder}/${name}`));
    await listSpecFiles(dir); // a clear error if the ref has no specs there
    if (options.overlays && names.includes(OVERLAYS_FOLDER)) {
      await mkdir(path.join(dir, OVERLAYS_FOLDER));
      const overlays = await git("ls-tree", "--name-only", `${ref}:${folder}/${OVERLAYS_FOLDER}`);
      for (const name of overlays.split("\n").filter(Boolean))
        await writeFile(
          path.join(dir, OVERLAYS_FOLDER, name),
          await git("show", `${ref}:${folder}/${OVERLAYS_FOLDER}/${name}`),
        );
    }
    const release = await readRelease(dir, options);
    return {
      ...release,
      label: `${ref}:${folder}`,
      specs: release.specs.map((spec) => ({ ...spec, displayPath: `${ref}:${folder}/${spec.file}` })),
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
