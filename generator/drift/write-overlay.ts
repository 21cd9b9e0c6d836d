import { createHash } from "node:crypto";
import { mkdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { isDeepStrictEqual } from "node:util";
import { compile } from "json-p3";
import { buildDomainModel } from "../model/build-model.js";
import { loadSpecs } from "../spec/load.js";
import {
  applyOverlays,
  checkOverlaysMatched,
  describeUnmatched,
  loadOverlays,
  OVERLAYS_FOLDER,
  type LoadedOverlay,
} from "../spec/overlays.js";
import { parseYaml } from "../spec/parse-yaml.js";
import { planDriftOverlay, type DriftOverlayAction } from "./plan-overlay.js";
import type { DriftRecord } from "./read-events.js";
import { DRIFT_OVERLAY_MARK, renderDriftOverlay } from "./render-overlay.js";
import { compareText } from "./summarize.js";

export interface WriteDriftOverlayOptions {
  events: readonly DriftRecord[];
  /** The events file as the user named it, for the overlay's title. */
  eventsFile: string;
  specsDir: string;
  /** The overlay file to write (`*.yaml` / `*.yml`), as the user named it. */
  output: string;
  /** Locations skipped, other overlays' actions that select nothing. */
  onWarning: (line: string) => void;
}

export interface WriteDriftOverlayResult {
  /** False when no location needed widening (nothing is written then). */
  written: boolean;
  actions: number;
  widened: number;
  /** The file is one of `<specs>/overlays/`, so generate applies it (and the lock must record it). */
  inOverlaysFolder: boolean;
}

/**
 * Writes an overlay that widens each schema location the events name, computed against the specs of
 * `specsDir` with their overlays applied, except `output` itself when it is one of them (so a second run
 * with the same events writes the same bytes, not the widenings twice). Before the file takes its name it
 * is read back and checked: all overlays applied in the order `generate` applies them, every spec must
 * still be valid and build its model, every new action must select something, and each spec must come out
 * exactly as planned. Otherwise nothing is written and the error says why.
 */
export async function writeDriftOverlay(options: WriteDriftOverlayOptions): Promise<WriteDriftOverlayResult> {
  const output = path.resolve(options.output);
  await refuseForeign(options.output, output);
  const [shipped, overlays] = await Promise.all([loadSpecs(options.specsDir), loadOverlays(options.specsDir)]);
  const others = overlays.filter((overlay) => path.resolve(overlay.displayPath) !== output);
  const base = applyOverlays(shipped, others);
  checkOverlaysMatched(base.unmatched, { onWarning: options.onWarning });
  const planned = new Map(base.specs.map((spec) => [spec.file, structuredClone(spec.document)]));
  const plan = planDriftOverlay(options.events, planned, options.onWarning);
  const inOverlaysFolder = path.dirname(output) === path.resolve(options.specsDir, OVERLAYS_FOLDER);
  const result = { actions: plan.actions.length, widened: plan.widened, inOverlaysFolder };
  if (plan.actions.length === 0) return { written: false, ...result };

  const text = renderDriftOverlay(plan.actions, { events: options.eventsFile, output: options.output }, options.events);
  const created = await mkdir(path.dirname(output), { recursive: true });
  // Beside the target (one file system, so the rename is atomic), and a name no command reads as an overlay.
  const temp = path.join(path.dirname(output), `.${path.basename(output)}.${process.pid}.tmp`);
  await writeFile(temp, text);
  try {
    const written = await readFile(temp, "utf8");
    const overlay = asLoadedOverlay(options.output, inOverlaysFolder, written);
    const ordered = inOverlaysFolder
      ? [...others, overlay].sort((a, b) => compareText(a.file, b.file))
      : [...others, overlay];
    check(options.output, shipped, ordered, overlay, planned, inOverlaysFolder);
    await rename(temp, output);
  } catch (error) {
    await rm(temp, { force: true });
    if (created) await rm(created, { recursive: true, force: true }); // only what this run made, now empty
    throw error;
  }
  return { written: true, ...result };
}

/** The file is rewritten whole: one that stgen drift did not write (an overlay of your own) is never replaced. */
async function refuseForeign(displayPath: string, output: string): Promise<void> {
  let text: string;
  try {
    text = await readFile(output, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return;
    throw error;
  }
  let mark: unknown;
  try {
    mark = (parseYaml(displayPath, text) as { info?: Record<string, unknown> } | null)?.info?.[DRIFT_OVERLAY_MARK];
  } catch {
    mark = undefined;
  }
  if (mark !== "drift")
    throw new Error(
      `${displayPath} not written: it exists and stgen drift did not write it (its info has no '${DRIFT_OVERLAY_MARK}: drift'); stgen drift rewrites its file whole, so name a file of its own`,
    );
}

/** The written text as overlays.ts loads an overlay file (its targets compiled). */
function asLoadedOverlay(displayPath: string, inOverlaysFolder: boolean, text: string): LoadedOverlay {
  const document = parseYaml(displayPath, text) as { actions: DriftOverlayAction[] };
  return {
    file: inOverlaysFolder ? `${OVERLAYS_FOLDER}/${path.basename(displayPath)}` : displayPath,
    displayPath,
    sha256: createHash("sha256").update(text).digest("hex"),
    actions: document.actions.map((action) => ({ ...action, query: compile(action.target) })),
  };
}

function check(
  output: string,
  shipped: Parameters<typeof applyOverlays>[0],
  ordered: LoadedOverlay[],
  overlay: LoadedOverlay,
  planned: Map<string, unknown>,
  inOverlaysFolder: boolean,
): void {
  const refuse = (why: string) => new Error(`${output} not written: ${why}`);
  let applied: ReturnType<typeof applyOverlays>;
  try {
    applied = applyOverlays(shipped, ordered);
  } catch (error) {
    throw refuse(`it would leave a spec invalid: ${(error as Error).message}`);
  }
  const unmatched = applied.unmatched.filter((action) => action.overlay === overlay.file);
  if (unmatched.length > 0) throw refuse(unmatched.map(describeUnmatched).join("; "));
  for (const spec of applied.specs) {
    if (!isDeepStrictEqual(spec.document, planned.get(spec.file))) {
      const hint = inOverlaysFolder
        ? " (an overlay that sorts after it in the folder changes the same places: give the file a name that sorts last)"
        : "";
      throw refuse(`applied with the other overlays, it does not give the widened schemas in ${spec.file}${hint}`);
    }
    if (!spec.overlays?.some((entry) => entry.file === overlay.file)) continue;
    try {
      buildDomainModel(spec);
    } catch (error) {
      throw refuse(`the generator would refuse ${spec.file} with it: ${(error as Error).message}`);
    }
  }
}
