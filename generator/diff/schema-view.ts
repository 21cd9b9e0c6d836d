import { resolvePointer, type OpenApiDocument } from "../validate.js";

/**
 * One level of a schema with every notation difference taken out: `$ref` or inline, 3.0's `nullable: true`,
 * 3.1's `type: [T, "null"]`, a `oneOf`/`anyOf` with a `{type: "null"}` branch, a `oneOf` with a single
 * branch, key order. Two schemas that mean the same thing have equal views.
 */
export interface SchemaView {
  /** JSON types without "null", sorted; empty for "anything". */
  types: string[];
  nullable: boolean;
  format?: string;
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

export function viewOf(doc: OpenApiDocument, raw: unknown): SchemaView {
  const view: SchemaView = { types: [], nullable: false, properties: {}, required: new Set(), variants: [] };
  merge(doc, raw, view, 0);
  view.types.sort();
  view.enum?.sort();
  return view;
}

function merge(doc: OpenApiDocument, raw: unknown, view: SchemaView, depth: number): void {
  if (raw === null || typeof raw !== "object" || depth > 20) return;
  let schema = raw as Record<string, unknown>;
  while (typeof schema.$ref === "string") {
    const ref = schema.$ref;
    view.component = decodeURIComponent(COMPONENT.exec(ref)?.[1] ?? ref).replace(/~1/g, "/").replace(/~0/g, "~");
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
  const types = typeof schema.type === "string" ? [schema.type] : Array.isArray(schema.type) ? (schema.type as string[]) : [];
  for (const type of types) {
    if (type === "null") view.nullable = true;
    else if (!view.types.includes(type)) view.types.push(type);
  }
  if (typeof schema.format === "string") view.format = schema.format;
  if (typeof schema.description === "string" && view.description === undefined) view.description = schema.description.trim();
  if (Array.isArray(schema.enum)) {
    if (schema.enum.includes(null)) view.nullable = true;
    view.enum = schema.enum.filter((value) => value !== null).map((value) => JSON.stringify(value));
  }
  if (schema.properties && typeof schema.properties === "object") Object.assign(view.properties, schema.properties);
  if (Array.isArray(schema.required)) for (const name of schema.required) view.required.add(String(name));
  if (schema.items !== undefined) view.items = schema.items;
  if (schema.additionalProperties !== undefined && schema.additionalProperties !== false) view.additionalProperties = schema.additionalProperties;
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
  return view.nullable && view.types.length === 0 && Object.keys(view.properties).length === 0 && view.variants.length === 0;
}

/** A canonical text of a schema's structure (no descriptions), `depth` levels deep: equal for equal shapes. */
export function fingerprint(doc: OpenApiDocument, raw: unknown, depth = 4, trail: string[] = []): string {
  const view = viewOf(doc, raw);
  if (view.component && trail.includes(view.component)) return `<cycle>`;
  const next = view.component ? [...trail, view.component] : trail;
  if (depth === 0) return `${view.types.join("|")}`;
  const props = Object.keys(view.properties)
    .sort()
    .map((name) => `${name}${view.required.has(name) ? "!" : "?"}:${fingerprint(doc, view.properties[name], depth - 1, next)}`);
  return JSON.stringify([
    view.types,
    view.nullable,
    view.format ?? null,
    view.enum ?? null,
    props,
    view.items === undefined ? null : fingerprint(doc, view.items, depth - 1, next),
    view.additionalProperties === undefined ? null : fingerprint(doc, view.additionalProperties, depth - 1, next),
    view.variants.map((variant) => fingerprint(doc, variant, depth - 1, next)).sort(),
  ]);
}
