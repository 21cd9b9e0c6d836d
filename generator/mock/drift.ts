import { deref, type OpenApiDocument, type SchemaObject } from "../spec/openapi.js";
import { allowsNull, hash53, isNullSchema } from "./fake-data.js";

/**
 * Drift mode: records served the way ServiceTitan really answers rather than the way its specs say
 * (docs/servicetitan-api.md, "Data"), so a user's tests meet these deviations before production does.
 * Only what is sent changes; the store and request validation do not.
 */
// The specific kinds pick their property first, so `null-in-non-nullable` or `required-absent` never takes a
// record's only enum or date.
const DRIFT_KINDS = [
  "enum-as-integer",
  "date-as-date-time",
  "null-array-item",
  "null-in-non-nullable",
  "required-absent",
  "extra-property",
] as const;
type DriftKind = (typeof DRIFT_KINDS)[number];

/** The share of records carrying each kind when drift is just switched on. */
export const DEFAULT_DRIFT_SHARE = 0.05;

/** The property `extra-property` adds: a name a test can look for. */
const DRIFT_EXTRA_FIELD = "driftExtraField";

/** `drift` as `MockServerOptions` takes it → the share, or undefined when off. */
export function driftShare(option: boolean | number | undefined): number | undefined {
  if (option === undefined || option === false) return undefined;
  if (option === true) return DEFAULT_DRIFT_SHARE;
  if (!(option > 0 && option <= 1)) throw new RangeError(`drift must be a share in (0, 1], not ${option}`);
  return option;
}

/**
 * The top-level record `value` (an object of `schema`) as drift serves it. For each kind, the record
 * carries it when hash(seed, key, kind) falls under `share`, so the same record drifts the same way in a
 * list, by id and in the export feed, on every run. Each kind takes a different property (picked by the
 * same hash), so one kind never hides another.
 */
export function withDrift(
  doc: OpenApiDocument,
  schema: unknown,
  value: Record<string, unknown>,
  drift: { share: number; seed: number; key: string },
): Record<string, unknown> {
  const record = settle(doc, schema);
  const properties = (record.properties ?? {}) as Record<string, unknown>;
  const required = new Set((record.required ?? []) as string[]);
  const served: Record<string, unknown> = { ...value };
  const taken = new Set<string>();
  const salt = `${drift.seed}|${drift.key}|drift|`;

  const hits = (kind: DriftKind) => hash53(salt + kind) / 2 ** 53 < drift.share;

  for (const kind of DRIFT_KINDS) {
    if (kind === "extra-property" || !hits(kind)) continue;
    const candidates = Object.keys(properties).filter(
      (name) =>
        name in served && !taken.has(name) && possible(kind, doc, properties[name], served[name], required.has(name)),
    );
    if (candidates.length === 0) continue;
    const name = candidates[hash53(`${salt}${kind}|pick`) % candidates.length]!;
    taken.add(name);
    if (kind === "required-absent") delete served[name];
    else served[name] = deviate(kind, doc, properties[name], served[name], hash53(`${salt}${kind}|at`));
  }
  // Only a deviation where the schema closes the object, as most ServiceTitan response objects do.
  if (hits("extra-property") && record.additionalProperties === false && !(DRIFT_EXTRA_FIELD in properties))
    served[DRIFT_EXTRA_FIELD] = hash53(`${salt}extra-property|value`) % 1000;
  return served;
}

/** Whether `kind` can show on a property of this schema holding this value. */
function possible(
  kind: Exclude<DriftKind, "extra-property">,
  doc: OpenApiDocument,
  raw: unknown,
  value: unknown,
  required: boolean,
): boolean {
  const schema = settle(doc, raw);
  switch (kind) {
    case "enum-as-integer":
      return typeof value === "string" && stringEnum(schema)?.includes(value) === true;
    case "date-as-date-time":
      return schema.format === "date" && typeof value === "string" && /^\d{4}-\d\d-\d\d$/.test(value);
    case "null-array-item":
      return Array.isArray(value) && !nullable(doc, schema.items);
    case "null-in-non-nullable":
      return value !== null && !nullable(doc, raw);
    case "required-absent":
      return required;
  }
}

function deviate(kind: DriftKind, doc: OpenApiDocument, raw: unknown, value: unknown, at: number): unknown {
  switch (kind) {
    case "enum-as-integer":
      // A .NET enum serialised without its string converter is its number: the name's position in the list.
      return stringEnum(settle(doc, raw))!.indexOf(value as string);
    case "date-as-date-time":
      return `${value as string}T00:00:00`;
    case "null-array-item": {
      const items = [...(value as unknown[])];
      items.splice(at % (items.length + 1), 0, null);
      return items;
    }
    default:
      return null;
  }
}

/** The names of an enum whose every value is a string (an enum that already admits integers cannot drift to one). */
function stringEnum(schema: SchemaObject): string[] | undefined {
  if (!Array.isArray(schema.enum)) return undefined;
  const values = schema.enum.filter((v) => v !== null);
  return values.length > 0 && values.every((v) => typeof v === "string") ? (values as string[]) : undefined;
}

/** Whether null is no deviation here: the schema or its real branch admits it, or admits anything (`{}`). */
function nullable(doc: OpenApiDocument, raw: unknown): boolean {
  const schema = settle(doc, raw);
  const anything = ["type", "enum", "const", "oneOf", "anyOf", "allOf", "properties", "items"].every(
    (keyword) => schema[keyword] === undefined,
  );
  return (
    anything ||
    allowsNull(doc, raw) ||
    allowsNull(doc, schema) ||
    (schema.enum as unknown[] | undefined)?.includes(null) === true
  );
}

/** Through `$ref`s and the one real branch of a wrapper (`oneOf: [{$ref}]`, `oneOf: [{$ref}, {type: null}]`). */
function settle(doc: OpenApiDocument, raw: unknown): SchemaObject {
  if (raw === null || typeof raw !== "object") return {};
  const schema = deref<SchemaObject>(doc, raw as SchemaObject);
  const variants = (schema.oneOf ?? schema.anyOf ?? schema.allOf) as unknown[] | undefined;
  const real = variants?.filter((variant) => !isNullSchema(doc, settle(doc, variant)));
  return real?.length === 1 ? settle(doc, real[0]) : schema;
}
