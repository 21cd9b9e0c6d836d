import { createHash } from "node:crypto";
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { compile, type JSONPathQuery } from "json-p3";
import { loadSpecs, type LoadedSpec } from "./load.js";
import type { OpenApiDocument } from "./openapi.js";
import { pointerOf } from "./pointer.js";
import { SpecError } from "./spec-error.js";
import { validateSpec } from "./validate.js";

/** Where overlays live: `specs/overlays/*.yaml|yml|json`, applied in file-name order. */
export const OVERLAYS_FOLDER = "overlays";

/** One action of an OpenAPI Overlay 1.0 document: a JSONPath `target`, and what to do there. */
export interface OverlayAction {
  target: string;
  description?: string;
  /**
   * Merged into each selected object (its properties replace the target's, objects merge recursively, lists
   * are replaced); appended to a selected array as one entry, as Overlay 1.0 says (a list is one entry too).
   */
  update?: unknown;
  /** Removes each selected value from its parent. */
  remove?: boolean;
}

export interface LoadedOverlay {
  /** `overlays/servicetitan-known-drift.yaml`: its path inside the specs folder, as the lock records it. */
  file: string;
  displayPath: string;
  sha256: string;
  /** The spec file the overlay is for (`accounting-v2.json`); without it, its actions apply to every spec. */
  extends?: string;
  actions: (OverlayAction & { query: JSONPathQuery })[];
}

/** An action whose target selected nothing in any spec: ServiceTitan fixed or moved it, or the target has a typo. */
export interface UnmatchedAction {
  overlay: string;
  index: number;
  target: string;
}

const OVERLAY_FILE = /\.(json|ya?ml)$/i;
const SUPPORTED_VERSION = /^1\.0\.\d+$/;

/** The overlays of a specs folder (none when it has no `overlays/`), each checked and its targets compiled. */
export async function loadOverlays(specsDir: string): Promise<LoadedOverlay[]> {
  const dir = path.join(specsDir, OVERLAYS_FOLDER);
  let names: string[];
  try {
    names = (await readdir(dir)).filter((name) => OVERLAY_FILE.test(name)).sort();
  } catch {
    return [];
  }
  return Promise.all(names.map((name) => loadOverlay(path.join(dir, name), `${OVERLAYS_FOLDER}/${name}`)));
}

async function loadOverlay(displayPath: string, file: string): Promise<LoadedOverlay> {
  const text = await readFile(displayPath, "utf8");
  const document = /\.json$/i.test(displayPath)
    ? parseJson(displayPath, text)
    : (await import("./parse-yaml.js")).parseYaml(displayPath, text);
  const overlay = document as Record<string, unknown>;
  const fail = (at: (string | number)[], problem: string): never => {
    throw new SpecError(displayPath, pointerOf(at), problem);
  };
  if (overlay === null || typeof overlay !== "object" || Array.isArray(overlay)) fail([], "an overlay is an object");
  if (typeof overlay.overlay !== "string" || !SUPPORTED_VERSION.test(overlay.overlay)) {
    fail(
      ["overlay"],
      `not an OpenAPI Overlay 1.0 document: 'overlay' must be "1.0.x" (got ${JSON.stringify(overlay.overlay)})`,
    );
  }
  const info = overlay.info as Record<string, unknown> | undefined;
  if (typeof info?.title !== "string" || typeof info.version !== "string")
    fail(["info"], "'info' needs a 'title' and a 'version'");
  if (overlay.extends !== undefined && typeof overlay.extends !== "string")
    fail(["extends"], "'extends' must be the spec file's name");
  if (!Array.isArray(overlay.actions) || overlay.actions.length === 0)
    fail(["actions"], "'actions' must be a non-empty list");
  const actions = (overlay.actions as unknown[]).map((raw, index) => {
    const action = raw as Record<string, unknown>;
    if (action === null || typeof action !== "object" || Array.isArray(action))
      fail(["actions", index], "an action is an object");
    if (typeof action.target !== "string") fail(["actions", index, "target"], "an action needs a JSONPath 'target'");
    if (action.remove !== undefined && typeof action.remove !== "boolean")
      fail(["actions", index, "remove"], "'remove' must be true or false");
    if (action.update === undefined && action.remove !== true)
      fail(["actions", index], "an action needs 'update' or 'remove: true'");
    let query: JSONPathQuery;
    try {
      query = compile(action.target as string);
    } catch (error) {
      return fail(
        ["actions", index, "target"],
        `invalid JSONPath ${JSON.stringify(action.target)}: ${(error as Error).message}`,
      );
    }
    return { ...(action as unknown as OverlayAction), query };
  });
  return {
    file,
    displayPath,
    sha256: createHash("sha256").update(text).digest("hex"),
    extends: overlay.extends as string | undefined,
    actions,
  };
}

/** A folder's specs as `loadSpecs` reads them, with the folder's overlays applied. */
export async function loadOverlaidSpecs(
  specsDir: string,
): Promise<{ specs: LoadedSpec[]; overlays: LoadedOverlay[]; unmatched: UnmatchedAction[] }> {
  const [specs, overlays] = await Promise.all([loadSpecs(specsDir), loadOverlays(specsDir)]);
  return { ...applyOverlays(specs, overlays), overlays };
}

/** Reports each action that selected nothing, as a warning, or with `strict` as one error naming them all. */
export function checkOverlaysMatched(
  unmatched: readonly UnmatchedAction[],
  options: { strict?: boolean; onWarning?: (line: string) => void },
): void {
  if (unmatched.length === 0) return;
  const lines = unmatched.map(describeUnmatched);
  if (options.strict) throw new Error(`--strict: ${lines.join("; ")}`);
  for (const line of lines) options.onWarning?.(`warning: ${line}`);
}

/** `overlays/x.yaml action 2 (target $.…) selects nothing in any spec`: what every command reports. */
export function describeUnmatched({ overlay, index, target }: UnmatchedAction): string {
  return `${overlay} action ${index} (target ${target}) selects nothing in any spec: ServiceTitan may have fixed or moved it, or the target has a typo`;
}

function parseJson(displayPath: string, text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new SpecError(displayPath, "", `invalid JSON: ${(error as Error).message}`);
  }
}

/**
 * The specs with the overlays applied, in file order and action order; a spec no action touches is
 * returned as it was. Each changed spec must still be a valid spec: if not, the action that broke it is
 * named. Also returns the actions that selected nothing in any spec.
 */
export function applyOverlays(
  specs: readonly LoadedSpec[],
  overlays: readonly LoadedOverlay[],
): { specs: LoadedSpec[]; unmatched: UnmatchedAction[] } {
  const matched = new Set<string>();
  const result = specs.map((spec) => {
    const applied = applyTo(spec, overlays, matched);
    if (applied === spec) return spec;
    try {
      validateSpec(spec.displayPath, applied.document);
    } catch (error) {
      throw culprit(spec, overlays, error as Error);
    }
    return applied;
  });
  const unmatched = overlays.flatMap((overlay) =>
    overlay.actions
      .map((action, index) => ({ overlay: overlay.file, index, target: action.target }))
      .filter(({ overlay, index }) => !matched.has(`${overlay}#${index}`)),
  );
  return { specs: result, unmatched };
}

function applyTo(
  spec: LoadedSpec,
  overlays: readonly LoadedOverlay[],
  matched: Set<string>,
  stopAfter?: string,
): LoadedSpec {
  let document: OpenApiDocument | undefined;
  const applied: LoadedSpec["overlays"] = [];
  for (const overlay of overlays) {
    if (overlay.extends !== undefined && path.basename(overlay.extends) !== spec.file) continue;
    let touched = false;
    for (const [index, action] of overlay.actions.entries()) {
      const key = `${overlay.file}#${index}`;
      let nodes = action.query.query((document ?? spec.document) as never).nodes;
      if (nodes.length > 0) {
        matched.add(key);
        if (!document) {
          // The first change copies the spec (the loaded one stays as shipped), and selects again in the copy.
          document = structuredClone(spec.document);
          nodes = action.query.query(document as never).nodes;
        }
        if (action.remove === true)
          removeAll(
            document,
            nodes.map((node) => node.location),
          );
        else for (const node of nodes) merge(overlay, index, node.value, action.update);
        touched = true;
      }
      if (key === stopAfter) return { ...spec, document: document ?? spec.document };
    }
    if (touched) applied.push({ file: overlay.file, sha256: overlay.sha256 });
  }
  return document ? { ...spec, document, overlays: applied } : spec;
}

/** The first action after which the spec no longer validates, as the error to report. */
function culprit(spec: LoadedSpec, overlays: readonly LoadedOverlay[], error: Error): SpecError {
  for (const overlay of overlays) {
    for (const index of overlay.actions.keys()) {
      try {
        validateSpec(spec.displayPath, applyTo(spec, overlays, new Set(), `${overlay.file}#${index}`).document);
      } catch (invalid) {
        return new SpecError(
          overlay.displayPath,
          pointerOf(["actions", index]),
          `makes ${spec.file} invalid: ${(invalid as Error).message}`,
        );
      }
    }
  }
  return error instanceof SpecError ? error : new SpecError(spec.displayPath, "", error.message);
}

function merge(overlay: LoadedOverlay, index: number, target: unknown, update: unknown): void {
  if (Array.isArray(target)) {
    // Overlay 1.0 appends the value as one entry. A list given for a list of values (an enum, `required`)
    // would nest it: that is a list meant to be spread, which 1.0 does not do, so it is refused, not guessed.
    if (Array.isArray(update) && target.every((item) => item === null || typeof item !== "object"))
      throw new SpecError(
        overlay.displayPath,
        pointerOf(["actions", index]),
        `'${overlay.actions[index]!.target}' selects a list of values, and an update appends its value as one entry (Overlay 1.0), so a list would nest inside it; to add several, update the object that holds the list with the whole new list`,
      );
    target.push(structuredClone(update));
    return;
  }
  if (!isObject(target) || !isObject(update)) {
    throw new SpecError(
      overlay.displayPath,
      pointerOf(["actions", index]),
      `'${overlay.actions[index]!.target}' selects a value that is not an object or a list, which an update cannot merge into`,
    );
  }
  for (const [key, value] of Object.entries(update)) {
    if (isObject(target[key]) && isObject(value)) merge(overlay, index, target[key], value);
    else target[key] = structuredClone(value);
  }
}

/**
 * Removes values by location. A value inside another selected one goes with it; the rest are removed from
 * the last path down, so an array's earlier indexes stay right while its later items go.
 */
function removeAll(document: OpenApiDocument, locations: (string | number)[][]): void {
  const within = (inner: (string | number)[], outer: (string | number)[]) =>
    outer.length < inner.length && outer.every((key, index) => key === inner[index]);
  const outermost = locations.filter((location) => !locations.some((other) => within(location, other)));
  const sorted = outermost.sort((a, b) => comparePaths(b, a));
  for (const location of sorted) {
    if (location.length === 0) continue; // the whole document: nothing to remove it from
    let parent: unknown = document;
    for (const key of location.slice(0, -1)) parent = (parent as Record<string | number, unknown>)[key];
    const key = location.at(-1)!;
    if (Array.isArray(parent)) parent.splice(Number(key), 1);
    else delete (parent as Record<string, unknown>)[key];
  }
}

function comparePaths(a: (string | number)[], b: (string | number)[]): number {
  for (let index = 0; index < Math.min(a.length, b.length); index++) {
    const [x, y] = [a[index]!, b[index]!];
    if (x === y) continue;
    return typeof x === "number" && typeof y === "number" ? x - y : String(x) < String(y) ? -1 : 1;
  }
  return a.length - b.length;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}
