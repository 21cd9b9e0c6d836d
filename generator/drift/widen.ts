import type { DriftKind, DriftRecord } from "./read-events.js";
import { compareText, distinctActuals, distinctValues } from "./summarize.js";

/** The events of one schema location, by kind (every operation's together). */
export type LocationEvents = Partial<Record<DriftKind, DriftRecord[]>>;

export type Widening =
  /** The schema widened (`changes` empty: it already admits everything the events saw). */
  | { schema: Record<string, unknown>; changes: string[] }
  /** Why this location cannot be widened by rule; nothing is written for it. */
  | { cannot: string };

type Schema = Record<string, unknown>;

const JSON_TYPES = new Set(["null", "boolean", "integer", "number", "string", "array", "object"]);

/**
 * The schema at one location, widened so it admits what the events saw, or why it cannot be (then nothing is
 * written for it: a wrong widening is worse than none). The kinds are applied in `DRIFT_KINDS` order, each
 * to the result of the one before.
 *
 * - `type` T: a `type` gains T (an `enum` there gains the values seen when all are known, numbers, booleans
 *   or null, and is dropped otherwise); a `$ref` becomes `oneOf: [{ $ref }, { type: T }]`; a `oneOf` / `anyOf`
 *   gains `{ type: T }`. In an OpenAPI 3.0 spec only null is widened, as `nullable: true`.
 * - `enum`: the enum gains the values seen when all are known, and is dropped otherwise.
 * - `format`: the format is dropped. Also for date-times in a `date`: `date-time` instead would refuse the
 *   dates the field held until then (the events name only what failed), so it would not be a widening.
 * - `required`: the properties seen missing leave `required` (dropped when none is left).
 * - `additional`: each property seen is added to `properties` as `{}` (any value).
 */
export function widenSchema(schema: unknown, events: LocationEvents, openapi30: boolean): Widening {
  if (schema === null || typeof schema !== "object" || Array.isArray(schema))
    return { cannot: "the schema there is not an object" };
  let current: Schema = structuredClone(schema as Schema);
  const changes: string[] = [];
  const steps: [DriftKind, (s: Schema, e: DriftRecord[]) => Step][] = [
    ["type", (s, e) => widenType(s, e, openapi30)],
    ["enum", widenEnum],
    ["format", widenFormat],
    ["required", widenRequired],
    ["additional", widenAdditional],
  ];
  for (const [kind, step] of steps) {
    const seen = events[kind];
    if (!seen || seen.length === 0) continue;
    const result = step(current, seen);
    if ("cannot" in result) {
      // A keyword an earlier step removed (an enum dropped by `type`): what it rejected is admitted already.
      if (result.keyword !== undefined && result.keyword in (schema as Schema)) continue;
      return { cannot: result.cannot };
    }
    current = result.schema;
    changes.push(...result.changes);
  }
  return { schema: current, changes };
}

/** A step's result; `keyword`: the one it needed and did not find. */
type Step = { schema: Schema; changes: string[] } | { cannot: string; keyword?: string };

function widenType(schema: Schema, events: DriftRecord[], openapi30: boolean): Step {
  let current = schema;
  const changes: string[] = [];
  for (const type of distinctActuals(events)) {
    if (!JSON_TYPES.has(type)) return { cannot: `'${type}' is not a JSON type` };
    const values = events.filter((event) => event.actual === type);
    const step = widenOneType(current, type, values, openapi30);
    if ("cannot" in step) return step;
    current = step.schema;
    changes.push(...step.changes);
  }
  return { schema: current, changes };
}

function widenOneType(schema: Schema, type: string, events: DriftRecord[], openapi30: boolean): Step {
  if ("const" in schema) return { cannot: "it has a 'const': widen it by hand" };
  if (schema.type !== undefined) {
    const types = Array.isArray(schema.type) ? (schema.type as unknown[]) : [schema.type];
    if (!types.every((t): t is string => typeof t === "string")) return { cannot: "its 'type' is not a type name" };
    const next = { ...schema };
    const changes: string[] = [];
    const admitted = types.includes(type) || (type === "integer" && types.includes("number"));
    if (openapi30) {
      if (type !== "null") return { cannot: `OpenAPI 3.0 has no type lists: widen it to admit ${type} by hand` };
      if (schema.nullable !== true) {
        next.nullable = true;
        changes.push("nullable");
      }
    } else if (!admitted) {
      next.type = [...types, type];
      changes.push(`type gains ${type}`);
    }
    if (Array.isArray(schema.enum)) {
      const known = type === "null" ? [null] : knownValues(type, events);
      if (known) {
        const added = known.filter((value) => !(schema.enum as unknown[]).includes(value));
        if (added.length > 0) {
          next.enum = [...(schema.enum as unknown[]), ...added];
          changes.push(`enum gains ${added.map((value) => JSON.stringify(value)).join(", ")}`);
        }
      } else {
        delete next.enum;
        changes.push("enum dropped (the values seen are not known)");
      }
    }
    return { schema: next, changes };
  }
  if (openapi30) return { cannot: "OpenAPI 3.0: only a schema with a 'type' can be made nullable here" };
  if (typeof schema.$ref === "string") {
    if (["oneOf", "anyOf", "allOf"].some((key) => key in schema))
      return { cannot: "it has a '$ref' beside oneOf / anyOf / allOf: widen it by hand" };
    // The same keys in the same order, the `$ref` moved into a `oneOf` with the new type.
    const next: Schema = {};
    for (const [key, value] of Object.entries(schema)) {
      if (key === "$ref") next.oneOf = [{ $ref: value }, { type }];
      else next[key] = value;
    }
    return { schema: next, changes: [`$ref becomes oneOf [$ref, ${type}]`] };
  }
  for (const key of ["oneOf", "anyOf"] as const) {
    const list = schema[key];
    if (!Array.isArray(list)) continue;
    if (list.some((entry) => isTypeOnly(entry, type))) return { schema, changes: [] };
    return { schema: { ...schema, [key]: [...list, { type }] }, changes: [`${key} gains ${type}`] };
  }
  return { cannot: "it has no 'type', '$ref', 'oneOf' or 'anyOf' to widen" };
}

function isTypeOnly(entry: unknown, type: string): boolean {
  if (entry === null || typeof entry !== "object") return false;
  const keys = Object.keys(entry);
  return keys.length === 1 && (entry as Schema).type === type;
}

/** The values seen, when the client gave every one (numbers, booleans, null); undefined when any is unknown. */
function knownValues(type: string, events: DriftRecord[]): (number | boolean | null)[] | undefined {
  if (!["integer", "number", "boolean"].includes(type)) return undefined;
  if (events.some((event) => event.value === undefined)) return undefined;
  return distinctValues(events);
}

function widenEnum(schema: Schema, events: DriftRecord[]): Step {
  if (!Array.isArray(schema.enum)) return { cannot: "it has no 'enum'", keyword: "enum" };
  const known = events.some((event) => event.value === undefined) ? undefined : distinctValues(events);
  if (!known) {
    const next = { ...schema };
    delete next.enum;
    return { schema: next, changes: ["enum dropped (the values seen are not known)"] };
  }
  const added = known.filter((value) => !(schema.enum as unknown[]).includes(value));
  if (added.length === 0) return { schema, changes: [] };
  return {
    schema: { ...schema, enum: [...(schema.enum as unknown[]), ...added] },
    changes: [`enum gains ${added.map((value) => JSON.stringify(value)).join(", ")}`],
  };
}

function widenFormat(schema: Schema): Step {
  if (typeof schema.format !== "string") return { cannot: "it has no 'format'", keyword: "format" };
  const next = { ...schema };
  delete next.format;
  return { schema: next, changes: [`format ${schema.format} dropped`] };
}

function widenRequired(schema: Schema, events: DriftRecord[]): Step {
  if (!Array.isArray(schema.required)) return { cannot: "it has no 'required' list", keyword: "required" };
  const missing = new Set(events.map((event) => event.property!));
  const kept = (schema.required as unknown[]).filter((name) => !missing.has(name as string));
  const dropped = (schema.required as unknown[]).filter((name) => missing.has(name as string));
  if (dropped.length === 0) return { schema, changes: [] };
  const next = { ...schema, required: kept };
  if (kept.length === 0) delete (next as Schema).required;
  return { schema: next, changes: [`no longer requires ${dropped.join(", ")}`] };
}

function widenAdditional(schema: Schema, events: DriftRecord[]): Step {
  const properties = schema.properties ?? {};
  if (properties === null || typeof properties !== "object" || Array.isArray(properties))
    return { cannot: "its 'properties' is not an object" };
  const named = events.filter((event) => event.property !== undefined);
  if (named.length === 0) return { cannot: "the client did not name the properties (their names looked like data)" };
  const names = [...new Set(named.map((event) => event.property!))].sort(compareText);
  const added = names.filter((name) => !Object.hasOwn(properties, name));
  if (added.length === 0) return { schema, changes: [] };
  const next: Schema = { ...(properties as Schema) };
  for (const name of added)
    Object.defineProperty(next, name, { value: {}, enumerable: true, writable: true, configurable: true });
  return { schema: { ...schema, properties: next }, changes: [`properties gain ${added.join(", ")}`] };
}
