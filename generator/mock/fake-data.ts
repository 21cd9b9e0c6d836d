import { deref, type OpenApiDocument, type SchemaObject } from "../spec/openapi.js";

/**
 * Deterministic example data for a JSON schema. Every value depends only on (seed, record key, property
 * path), never on call order or on which schema asked: so `get({ id })` and the list that holds the same
 * record agree on every field they share, and the same seed gives the same data on every run.
 */
export interface RecordIdentity {
  /** Names the record among all records of all collections (`/crm/v2/tenant/1/customers#42`). */
  key: string;
  /** Put into a top-level `id` property. */
  id?: number | string;
  /** Put into top-level `createdOn` / `modifiedOn` (ISO strings) and `active`. */
  createdOn?: string;
  modifiedOn?: string;
  active?: boolean;
}

/** Deeper than this, nullable values are null, arrays empty and optional properties left out. */
const MAX_DEPTH = 6;
const NULL_SHARE = 0.1;
const BASE_TIME = Date.UTC(2025, 0, 1);
const WORDS = [
  "Acme",
  "Summit",
  "Blue",
  "River",
  "Oak",
  "Pioneer",
  "Metro",
  "Valley",
  "Cedar",
  "North",
  "Delta",
  "Harbor",
];
const NOUNS = ["Plumbing", "Heating", "Electric", "Air", "Services", "Repair", "Install", "Maintenance"];

export function fakeValue(doc: OpenApiDocument, schema: unknown, seed: number, record: RecordIdentity): unknown {
  const salt = `${seed}|${record.key}|`;
  const random = (path: string) => hash53(salt + path) / 2 ** 53;

  const walk = (raw: unknown, path: string, name: string, depth: number): unknown => {
    const schema = resolve(doc, raw);
    const types = typeList(schema);
    const variants = (schema.oneOf ?? schema.anyOf) as unknown[] | undefined;
    const realVariants = variants?.filter((v) => !isNullSchema(doc, v));
    const nullable =
      schema.nullable === true ||
      types.includes("null") ||
      (variants !== undefined && realVariants!.length < variants.length);
    if (depth === 1 && name in SPECIAL_TOP_LEVEL) {
      const special = SPECIAL_TOP_LEVEL[name]!(record);
      if (special !== undefined && fits(special, types, schema)) return special;
    }
    if (nullable && (depth > MAX_DEPTH || random(path + "?") < NULL_SHARE)) return null;
    if (Array.isArray(schema.enum)) {
      const values = schema.enum.filter((v) => v !== null);
      return values.length ? values[Math.floor(random(path) * values.length)] : null;
    }
    if (schema.const !== undefined) return schema.const;
    if (realVariants && realVariants.length > 0) return walk(realVariants[0], path, name, depth);
    if (realVariants) return null;
    if (Array.isArray(schema.allOf)) {
      return Object.assign({}, ...schema.allOf.map((part) => walk(part, path, name, depth) as object));
    }
    const type = types.find((t) => t !== "null") ?? (schema.properties ? "object" : schema.items ? "array" : undefined);
    const r = random(path);
    switch (type) {
      case "object":
        return fakeObject(schema, path, depth);
      case "array": {
        const min = Number(schema.minItems ?? 0);
        const max = Math.min(Number(schema.maxItems ?? 3), depth > MAX_DEPTH ? min : 3);
        const count = min + Math.floor(r * (Math.max(max, min) - min + 1));
        return Array.from({ length: count }, (_, i) => walk(schema.items, `${path}[${i}]`, name, depth + 1));
      }
      case "integer":
        return fakeInteger(schema, name, r);
      case "number":
        return fakeNumber(schema, name, r);
      case "boolean":
        return r < 0.5;
      case "string":
        return fakeString(schema, name, r);
      default:
        return `value-${Math.floor(r * 1000)}`; // `{}`: any value will do
    }
  };

  const fakeObject = (schema: SchemaObject, path: string, depth: number): Record<string, unknown> => {
    const result: Record<string, unknown> = {};
    const properties = (schema.properties ?? {}) as Record<string, unknown>;
    const required = new Set((schema.required ?? []) as string[]);
    for (const [key, propertySchema] of Object.entries(properties)) {
      if (depth > MAX_DEPTH && !required.has(key)) continue;
      result[key] = walk(propertySchema, `${path}.${key}`, key, depth + 1);
    }
    const extra = schema.additionalProperties;
    if (extra && typeof extra === "object" && Object.keys(properties).length === 0 && depth <= MAX_DEPTH) {
      result.key1 = walk(extra, `${path}.key1`, "key1", depth + 1);
    }
    return result;
  };

  return walk(schema, "$", "", 0);
}

/** Whether a schema admits null, in any of the spellings both releases use. */
export function allowsNull(doc: OpenApiDocument, raw: unknown): boolean {
  const schema = resolve(doc, raw);
  const variants = (schema.oneOf ?? schema.anyOf) as unknown[] | undefined;
  return (
    schema.nullable === true ||
    typeList(schema).includes("null") ||
    (variants?.some((v) => isNullSchema(doc, v)) ?? false)
  );
}

/** Fields every ServiceTitan record carries, filled from the record's identity where the schema has them. */
const SPECIAL_TOP_LEVEL: Record<string, (record: RecordIdentity) => unknown> = {
  id: (record) => record.id,
  createdOn: (record) => record.createdOn,
  modifiedOn: (record) => record.modifiedOn,
  active: (record) => record.active,
};

function fits(value: unknown, types: string[], schema: SchemaObject): boolean {
  if (types.length === 0) return schema.oneOf === undefined && schema.anyOf === undefined && schema.enum === undefined;
  if (typeof value === "number")
    return types.includes(Number.isInteger(value) ? "integer" : "number") || types.includes("number");
  if (typeof value === "string") return types.includes("string") && !schema.enum;
  return types.includes(typeof value);
}

function fakeInteger(schema: SchemaObject, name: string, r: number): number {
  const isReference = /Id$/.test(name) || name === "id";
  const min = typeof schema.minimum === "number" ? schema.minimum : isReference ? 1 : 0;
  const max = typeof schema.maximum === "number" ? schema.maximum : isReference ? min + 999 : min + 99;
  return min + Math.floor(r * (max - min + 1));
}

function fakeNumber(schema: SchemaObject, name: string, r: number): number {
  const range = name === "latitude" ? 90 : name === "longitude" ? 180 : undefined;
  const min = typeof schema.minimum === "number" ? schema.minimum : range ? -range : 0;
  const max = typeof schema.maximum === "number" ? schema.maximum : range ? range : min + 1000;
  return Math.round((min + r * (max - min)) * 100) / 100;
}

function fakeString(schema: SchemaObject, name: string, r: number): string {
  const n = Math.floor(r * 1_000_000);
  const text = stringFor(schema.format, name, n, r);
  const maxLength = typeof schema.maxLength === "number" ? schema.maxLength : Infinity;
  const minLength = typeof schema.minLength === "number" ? schema.minLength : 0;
  return text.slice(0, maxLength).padEnd(minLength, "x");
}

function stringFor(format: unknown, name: string, n: number, r: number): string {
  switch (format) {
    case "date-time":
      return isoWithTicks(BASE_TIME + Math.floor(r * 365 * 86_400_000));
    case "date":
      return new Date(BASE_TIME + Math.floor(r * 365) * 86_400_000).toISOString().slice(0, 10);
    case "guid":
    case "uuid":
      return guid(n, r);
    case "email":
      return `contact${n % 1000}@example.com`;
    case "phone":
      return `555-01${String(n % 100).padStart(2, "0")}`;
    case "duration":
      return `0${n % 10}:${String(n % 60).padStart(2, "0")}:00`;
    case "binary":
    case "byte":
      return Buffer.from(`file-${n}`).toString("base64");
    case "uri":
      return `https://example.com/files/${n}`;
  }
  const lower = name.toLowerCase();
  if (lower === "color") return `#${(n % 0xffffff).toString(16).padStart(6, "0")}`;
  if (lower.includes("email")) return `contact${n % 1000}@example.com`;
  if (lower.includes("phone")) return `555-01${String(n % 100).padStart(2, "0")}`;
  if (lower.endsWith("name") || lower === "summary")
    return `${WORDS[n % WORDS.length]} ${NOUNS[Math.floor(n / 12) % NOUNS.length]}`;
  if (lower.endsWith("on") || lower.endsWith("date")) return isoWithTicks(BASE_TIME + Math.floor(r * 365 * 86_400_000));
  return `${name || "value"}-${n}`;
}

/** ServiceTitan writes date-times with 7 fractional digits. */
export function isoWithTicks(ms: number): string {
  return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, ".$10000Z");
}

function guid(n: number, r: number): string {
  const hex = (hash53(`${n}:${r}`).toString(16) + hash53(`${r}:${n}`).toString(16)).padEnd(32, "0").slice(0, 32);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** `$ref` → target, remembered per schema object: the faker resolves the same references for every record. */
const resolved = new WeakMap<object, SchemaObject>();

function resolve(doc: OpenApiDocument, raw: unknown): SchemaObject {
  if (raw === true || raw === undefined || raw === null || typeof raw !== "object") return {};
  let target = resolved.get(raw);
  if (!target) resolved.set(raw, (target = deref<SchemaObject>(doc, raw as SchemaObject)));
  return target;
}

function typeList(schema: SchemaObject): string[] {
  const type = schema.type;
  return typeof type === "string" ? [type] : Array.isArray(type) ? (type as string[]) : [];
}

/** `{ type: "null" }` (or `["null"]`): the null branch of a nullable wrapper. */
export function isNullSchema(doc: OpenApiDocument, raw: unknown): boolean {
  const types = typeList(resolve(doc, raw));
  return types.length === 1 && types[0] === "null";
}

/** cyrb53: a fast, well-mixed 53-bit string hash (public domain). Enough for example data, not for security. */
export function hash53(text: string): number {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ ch, 2654435761);
    h2 = Math.imul(h2 ^ ch, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return 4294967296 * (2097151 & h2) + (h1 >>> 0);
}
