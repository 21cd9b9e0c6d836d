import { type OpenApiDocument } from "../spec/openapi.js";
import { resolvePointer, unescapePointerSegment } from "../spec/pointer.js";

/**
 * One level of a schema with every notation difference taken out: `$ref` or inline, 3.0's `nullable: true`,
 * 3.1's `type: [T, "null"]`, a `oneOf`/`anyOf` with a `{type: "null"}` branch, a `oneOf` with a single
 * branch, key order. Two schemas that mean the same thing have equal views.
 */
export interface SchemaView {
  /** JSON types without "null", sorted; empty for "anything". */
  types: string[];
  nullable: boolean;
  /** `type: "null"` and nothing else: only null (where `{ nullable: true }` alone is any value or null). */
  onlyNull: boolean;
  /** `string`, `integer|string`, `null` (only null); empty for any value. */
  typeLabel: string;
  format?: string;
  /** Validation keywords (`maxLength`, `minimum`, `pattern`, …), 3.0's boolean `exclusiveMinimum` spelled as 3.1's number. */
  constraints: Record<string, number | string>;
  /** Whether `constraints` has any. */
  constrained: boolean;
  /** Allowed values (JSON-encoded, sorted), null left out. */
  enum?: string[];
  properties: Record<string, unknown>;
  required: Set<string>;
  items?: unknown;
  additionalProperties?: unknown;
  /** Real branches of a `oneOf`/`anyOf` that has more than one. */
  variants: unknown[];
  /** The component the schema came from, when it was a `$ref` (for cycles and renames). */
  component?: string;
  description?: string;
}

const COMPONENT = /^#\/components\/schemas\/(.+)$/;

/** Keywords that bound a value, and which way: a larger upper bound or a smaller lower one lets more through. */
export const CONSTRAINTS = {
  maxLength: "upper",
  maxItems: "upper",
  maxProperties: "upper",
  maximum: "upper",
  exclusiveMaximum: "upper",
  minLength: "lower",
  minItems: "lower",
  minProperties: "lower",
  minimum: "lower",
  exclusiveMinimum: "lower",
  pattern: "pattern",
} as const;

/** Shared by the (many) views without constraints; a view gets its own object at its first constraint. */
const NO_CONSTRAINTS: Record<string, number | string> = Object.freeze({}) as Record<string, number | string>;

/** Views are pure functions of the (immutable, parsed) schema object: memoised per document and object. */
const cache = new WeakMap<object, WeakMap<object, SchemaView>>();

export function viewOf(doc: OpenApiDocument, raw: unknown): SchemaView {
  let perDoc: WeakMap<object, SchemaView> | undefined;
  if (raw !== null && typeof raw === "object") {
    perDoc = cache.get(doc);
    if (!perDoc) cache.set(doc, (perDoc = new WeakMap()));
    const hit = perDoc.get(raw);
    if (hit) return hit;
  }
  const view: SchemaView = {
    types: [],
    nullable: false,
    onlyNull: false,
    typeLabel: "",
    constraints: NO_CONSTRAINTS,
    constrained: false,
    properties: {},
    required: new Set(),
    variants: [],
  };
  merge(doc, raw, view, 0);
  view.types.sort();
  view.enum?.sort();
  // (`onlyNull` meant "a `type` said null" while merging.)
  view.onlyNull =
    view.onlyNull &&
    view.types.length === 0 &&
    view.enum === undefined &&
    Object.keys(view.properties).length === 0 &&
    view.items === undefined &&
    view.variants.length === 0;
  view.typeLabel = view.onlyNull ? "null" : view.types.length === 1 ? view.types[0]! : view.types.join("|");
  view.constrained = view.constraints !== NO_CONSTRAINTS;
  perDoc?.set(raw as object, view);
  return view;
}

function merge(doc: OpenApiDocument, raw: unknown, view: SchemaView, depth: number): void {
  if (raw === null || typeof raw !== "object" || depth > 20) return;
  let schema = raw as Record<string, unknown>;
  while (typeof schema.$ref === "string") {
    const ref = schema.$ref;
    view.component = unescapePointerSegment(decodeURIComponent(COMPONENT.exec(ref)?.[1] ?? ref));
    const { $ref: _ref, ...siblings } = schema;
    const target = resolvePointer(doc, ref.slice(1)) as Record<string, unknown> | undefined;
    if (!target) return;
    mergeKeywords(doc, siblings, view, depth); // 3.1 allows keywords beside `$ref` (nullable, description)
    schema = target;
  }
  mergeKeywords(doc, schema, view, depth);
}

function mergeKeywords(doc: OpenApiDocument, schema: Record<string, unknown>, view: SchemaView, depth: number): void {
  if (schema.nullable === true) view.nullable = true;
  const types =
    typeof schema.type === "string" ? [schema.type] : Array.isArray(schema.type) ? (schema.type as string[]) : [];
  for (const type of types) {
    if (type === "null") view.nullable = view.onlyNull = true;
    else if (!view.types.includes(type)) view.types.push(type);
  }
  if (typeof schema.format === "string") view.format = schema.format;
  for (const keyword in schema) {
    if (!Object.hasOwn(CONSTRAINTS, keyword)) continue;
    const value = schema[keyword];
    if (typeof value !== "number" && !(keyword === "pattern" && typeof value === "string")) continue;
    if (view.constraints === NO_CONSTRAINTS) view.constraints = {};
    view.constraints[keyword] = value;
  }
  // 3.0: `minimum: 5, exclusiveMinimum: true` is 3.1's `exclusiveMinimum: 5`.
  if ((schema.exclusiveMinimum === true || schema.exclusiveMaximum === true) && view.constraints === NO_CONSTRAINTS)
    view.constraints = {};
  if (schema.exclusiveMinimum === true && typeof schema.minimum === "number") {
    view.constraints.exclusiveMinimum = schema.minimum;
    delete view.constraints.minimum;
  }
  if (schema.exclusiveMaximum === true && typeof schema.maximum === "number") {
    view.constraints.exclusiveMaximum = schema.maximum;
    delete view.constraints.maximum;
  }
  if (typeof schema.description === "string" && view.description === undefined)
    view.description = schema.description.trim();
  if (Array.isArray(schema.enum)) {
    if (schema.enum.includes(null)) view.nullable = true;
    view.enum = schema.enum.filter((value) => value !== null).map((value) => JSON.stringify(value));
  }
  if (schema.properties && typeof schema.properties === "object") Object.assign(view.properties, schema.properties);
  if (Array.isArray(schema.required)) for (const name of schema.required) view.required.add(String(name));
  if (schema.items !== undefined) view.items = schema.items;
  if (schema.additionalProperties !== undefined && schema.additionalProperties !== false)
    view.additionalProperties = schema.additionalProperties;
  for (const part of (schema.allOf as unknown[] | undefined) ?? []) merge(doc, part, view, depth + 1);
  const branches = (schema.oneOf ?? schema.anyOf) as unknown[] | undefined;
  if (branches) {
    const real = branches.filter((branch) => !isNullOnly(doc, branch));
    if (real.length < branches.length) view.nullable = true;
    if (real.length === 1) merge(doc, real[0], view, depth + 1);
    else view.variants.push(...real);
  }
}

function isNullOnly(doc: OpenApiDocument, raw: unknown): boolean {
  const view = viewOf(doc, raw);
  return (
    view.nullable &&
    view.types.length === 0 &&
    Object.keys(view.properties).length === 0 &&
    view.variants.length === 0 &&
    view.items === undefined
  );
}

/** A canonical text of a schema's structure (no descriptions), `depth` levels deep: equal for equal shapes. */
export function fingerprint(doc: OpenApiDocument, raw: unknown, depth = 4, trail: string[] = []): string {
  const view = viewOf(doc, raw);
  if (view.component && trail.includes(view.component)) return `<cycle>`;
  const next = view.component ? [...trail, view.component] : trail;
  if (depth === 0) return `${view.types.join("|")}`;
  const props = Object.keys(view.properties)
    .sort()
    .map(
      (name) =>
        `${name}${view.required.has(name) ? "!" : "?"}:${fingerprint(doc, view.properties[name], depth - 1, next)}`,
    );
  return JSON.stringify([
    view.types,
    view.nullable,
    view.onlyNull,
    view.format ?? null,
    Object.entries(view.constraints).sort(),
    view.enum ?? null,
    props,
    view.items === undefined ? null : fingerprint(doc, view.items, depth - 1, next),
    view.additionalProperties === undefined ? null : fingerprint(doc, view.additionalProperties, depth - 1, next),
    view.variants.map((variant) => fingerprint(doc, variant, depth - 1, next)).sort(),
  ]);
}
