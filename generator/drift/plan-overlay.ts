import { isDeepStrictEqual } from "node:util";
import type { OpenApiDocument } from "../spec/openapi.js";
import { jsonPathOf, locate, planActions, setAt, valueAt, type Location } from "./overlay-actions.js";
import { DRIFT_KINDS, type DriftRecord } from "./read-events.js";
import { bodyPlace, compareText, describeActual, describeExpected, timeRange } from "./summarize.js";
import { widenSchema, type LocationEvents } from "./widen.js";

/** One action of the overlay to write, as it is written. */
export interface DriftOverlayAction {
  target: string;
  description: string;
  update?: unknown;
  remove?: true;
}

export interface DriftPlan {
  actions: DriftOverlayAction[];
  /** The schema locations widened. */
  widened: number;
}

/**
 * The actions that widen each schema location the events name, computed against `documents` (each spec
 * file's document by file name, with the other overlays applied), which are changed as the actions would
 * change them, so later locations and the check after writing see the result. A location that cannot be
 * widened by rule, or that is no longer there, is reported through `onSkip` and left out.
 */
export function planDriftOverlay(
  events: readonly DriftRecord[],
  documents: Map<string, OpenApiDocument>,
  onSkip: (line: string) => void,
): DriftPlan {
  const actions: DriftOverlayAction[] = [];
  let widened = 0;
  for (const [spec, schemaPath, located] of byLocation(events)) {
    const where = `${spec}#${schemaPath}`;
    const skip = (reason: string) => onSkip(`skipped ${where}: ${reason}`);
    const document = documents.get(spec);
    if (!document) {
      skip(`${spec} is not in the specs folder any more: ServiceTitan may have changed it`);
      continue;
    }
    const found = locate(document, schemaPath);
    if (!found) {
      skip(`not in ${spec} any more: ServiceTitan may have changed it`);
      continue;
    }
    const widening = widenSchema(found.value, byKind(located), /^3\.0\./.test(String(document.openapi)));
    if ("cannot" in widening) {
      skip(`${widening.cannot}; nothing written for it`);
      continue;
    }
    if (widening.changes.length === 0) {
      skip("the spec (with the other overlays) already admits what was seen");
      continue;
    }
    const planned = planActions(document, found.at, found.value as Record<string, unknown>, widening.schema);
    if ("cannot" in planned) {
      skip(`${planned.cannot}, which an overlay cannot widen here`);
      continue;
    }
    // The overlay has no `extends` (its events may come from several specs), so each action applies wherever
    // its target exists: another spec with the same place must hold the same schema there, so it gets the same change.
    // Everything the actions change is inside `top`: the schema, or its parent when it is put back whole.
    const top = planned.map((action) => action.at).reduce((a, b) => (b.length < a.length ? b : a), found.at);
    const alike: OpenApiDocument[] = [];
    const differing: string[] = [];
    for (const [file, other] of documents) {
      if (other === document) continue;
      const there = valueAt(other, top);
      if (there === undefined) continue;
      if (isDeepStrictEqual(there, valueAt(document, top))) alike.push(other);
      else differing.push(file);
    }
    if (differing.length > 0) {
      skip(
        `${differing.join(", ")} ${differing.length === 1 ? "has" : "have"} ${jsonPathOf(top)} too, with another schema, and this overlay applies to every spec: widen it by hand in an overlay that 'extends' ${spec}`,
      );
      continue;
    }
    setAt(document, found.at, widening.schema);
    for (const other of alike) setAt(other, top, structuredClone(valueAt(document, top)));
    // The first action says what was seen; the others of the same widening point back at it.
    const description = describeLocation(located, widening.changes);
    const continued = `With the action before, for ${jsonPathOf(found.at)}: ${widening.changes.join("; ")}.`;
    planned.forEach((action, index) => actions.push(written(action.at, index === 0 ? description : continued, action)));
    widened++;
  }
  return { actions, widened };
}

function written(at: Location, description: string, action: { update?: unknown; remove?: true }): DriftOverlayAction {
  return {
    target: jsonPathOf(at),
    description,
    ...(action.remove ? { remove: true as const } : { update: action.update }),
  };
}

/** Events by schema location, sorted by spec and pointer (a schema before the schemas inside it). */
function byLocation(events: readonly DriftRecord[]): [string, string, DriftRecord[]][] {
  const locations = new Map<string, [string, string, DriftRecord[]]>();
  for (const event of events) {
    const key = JSON.stringify([event.spec, event.schemaPath]);
    const entry = locations.get(key) ?? [event.spec, event.schemaPath, []];
    entry[2].push(event);
    locations.set(key, entry);
  }
  return [...locations.values()].sort((a, b) => compareText(a[0], b[0]) || compareText(a[1], b[1]));
}

function byKind(events: readonly DriftRecord[]): LocationEvents {
  const result: LocationEvents = {};
  for (const event of events) (result[event.kind] ??= []).push(event);
  return result;
}

/** At most this many operations are named in a description. */
const NAMED_OPERATIONS = 5;

/**
 * `Observed 12 times (… to …) in Inventory_GetBills at /data/*\/landedCostMethod: integer (0, 1) where the
 * spec says string, one of "None", "ByValue". Widened by stgen drift: enum gains 0, 1.` One sentence per
 * kind (and property) seen at the location.
 */
function describeLocation(events: readonly DriftRecord[], changes: string[]): string {
  const groups = new Map<string, DriftRecord[]>();
  for (const event of events) {
    const key = JSON.stringify([DRIFT_KINDS.indexOf(event.kind), event.property ?? ""]);
    const group = groups.get(key);
    if (group) group.push(event);
    else groups.set(key, [event]);
  }
  const sentences = [...groups.entries()]
    .sort(([a], [b]) => compareText(a, b))
    .map(([, seen]) => {
      const [first, last] = timeRange(seen);
      const when = first === last ? `at ${first}` : `${first} to ${last}`;
      const places = [
        ...new Set(seen.map((event) => `${event.operationId} at ${bodyPlace(event.pointer) || "/"}`)),
      ].sort(compareText);
      const more = places.length > NAMED_OPERATIONS ? ` and ${places.length - NAMED_OPERATIONS} more` : "";
      const times = seen.length === 1 ? "once" : `${seen.length} times`;
      return `Observed ${times} (${when}) in ${places.slice(0, NAMED_OPERATIONS).join(", ")}${more}: ${what(seen)}.`;
    });
  return `${sentences.join(" ")} Widened by stgen drift: ${changes.join("; ")}.`;
}

function what(events: readonly DriftRecord[]): string {
  const { kind, property } = events[0]!;
  if (kind === "required") return `'${property}' missing where the spec says it is required`;
  if (kind === "additional") return `'${property}' present where the spec lists no such property and allows no others`;
  return `${describeActual(events)} where the spec says ${describeExpected(events)}`;
}
