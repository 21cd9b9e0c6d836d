import type { DriftEvent } from "./hooks.js";

/** A response schema as the generator writes it into a domain's `validation.ts`: only what the check reads. */
export interface SchemaNode {
  type?: string | string[];
  enum?: unknown[];
  const?: unknown;
  /** OpenAPI 3.0's way of admitting null. */
  nullable?: boolean;
  /** Only `date` and `date-time` are kept: the formats ServiceTitan's data is known to break. */
  format?: string;
  properties?: Record<string, SchemaNode>;
  required?: string[];
  additionalProperties?: false | SchemaNode;
  items?: SchemaNode;
  allOf?: SchemaNode[];
  oneOf?: SchemaNode[];
  anyOf?: SchemaNode[];
  /** A JSON pointer to another schema of the table. */
  $ref?: string;
}

/** A domain's `validation.ts`: its spec file, operationId → status → schema pointer, and the schemas by pointer. */
export interface ValidationTable {
  spec: string;
  responses: Record<string, Record<string, string>>;
  schemas: Record<string, SchemaNode>;
}

/** One mismatch, before the call's details are added (see `DriftEvent`). */
export type Finding = Pick<
  DriftEvent,
  "pointer" | "schemaPath" | "kind" | "expected" | "actual" | "value" | "property"
>;

/** Checks a value that is not null; `path` is where it is in the body, pushed and popped on the way down. */
type Check = (value: unknown, path: (string | number)[], out: Finding[]) => void;

/** What a schema allows at a glance, through its `$ref`s and branches: read by the parent and by `oneOf`. */
interface Shape {
  /** The JSON types allowed (`integer` where `number` is); undefined: any. */
  types: ReadonlySet<string> | undefined;
  admitsNull: boolean;
  /** For a finding: `string, one of "None", "ByValue"`. */
  expected: string;
}

interface Compiled extends Shape {
  check: Check;
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;
// ServiceTitan's date-times often carry 7 fractional digits, and some carry no offset at all
// (docs/servicetitan-api.md, "Data"), so the offset is optional here: otherwise each would be drift.
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$/i;
const ANY: Shape = { types: undefined, admitsNull: true, expected: "any value" };
/** Findings per body: past this, a body is not looked at further (a hostile one could hold millions). */
export const MAX_FINDINGS = 1000;
/** Nesting checked: a schema that contains itself (a category tree) is followed this deep, no deeper. */
const MAX_DEPTH = 64;
/** A property name shown in a finding: a field name, as the specs have them. Others (data used as keys) are `*`. */
const FIELD_NAME = /^(?!__proto__$)[A-Za-z_$][\w$.-]{0,63}$/;

/** Per table: schemas compiled into checks, by pointer, and shapes, by schema. Made on first use. */
const compiledTables = new WeakMap<ValidationTable, Compiler>();

/**
 * The mismatches of one 2xx body with its operation's response schema (none when the table has no schema
 * for that operation and status). Each schema is compiled into a closure the first time it is needed.
 */
export function checkResponse(table: ValidationTable, operationId: string, status: number, body: unknown): Finding[] {
  const byStatus = table.responses[operationId];
  const at = byStatus?.[String(status)] ?? byStatus?.[`${String(status)[0]}XX`];
  if (at === undefined) return [];
  let compiler = compiledTables.get(table);
  if (!compiler) compiledTables.set(table, (compiler = new Compiler(table)));
  const out: Finding[] = [];
  checkChild(compiler.at(at), at, body, [], out);
  return out;
}

/** A value where a parent schema points (a property, an item, the body): null is judged here, at the outer schema. */
function checkChild(child: Compiled, at: string, value: unknown, path: (string | number)[], out: Finding[]): void {
  if (path.length > MAX_DEPTH || out.length >= MAX_FINDINGS) return;
  if (value === null) {
    if (!child.admitsNull) out.push(finding(path, at, "type", child.expected, null));
  } else child.check(value, path, out);
}

class Compiler {
  private readonly byPointer = new Map<string, Compiled>();
  private readonly shapes = new WeakMap<SchemaNode, Shape>();
  private readonly shaping = new Set<SchemaNode>();

  constructor(private readonly table: ValidationTable) {}

  /** The compiled schema at a pointer of the table; a `$ref` to it compiles it only when first checked. */
  at(pointer: string): Compiled {
    let compiled = this.byPointer.get(pointer);
    if (!compiled) this.byPointer.set(pointer, (compiled = this.compile(this.node(pointer), pointer)));
    return compiled;
  }

  private node(pointer: string): SchemaNode {
    return this.table.schemas[pointer] ?? {};
  }

  shape(node: SchemaNode): Shape {
    const known = this.shapes.get(node);
    if (known) return known;
    if (this.shaping.has(node)) return ANY; // a schema that contains itself through $refs and nothing else
    this.shaping.add(node);
    const shape = this.describe(node);
    this.shaping.delete(node);
    this.shapes.set(node, shape);
    return shape;
  }

  private describe(node: SchemaNode): Shape {
    let types: Set<string> | undefined;
    let admitsNull = true;
    const narrow = (other: Shape) => {
      if (other.types) types = types ? new Set([...types].filter((t) => other.types!.has(t))) : new Set(other.types);
      if (!other.admitsNull) admitsNull = false;
    };
    const own = ownTypes(node);
    if (own) narrow({ types: own, admitsNull: own.has("null"), expected: "" });
    const parts: Shape[] = [];
    if (node.$ref !== undefined) parts.push(this.shape(this.node(node.$ref)));
    for (const branch of node.allOf ?? []) parts.push(this.shape(branch));
    for (const part of parts) narrow(part);
    for (const list of [node.oneOf, node.anyOf]) {
      if (!list) continue;
      const branches = list.map((branch) => this.shape(branch));
      const open = branches.some((b) => b.types === undefined);
      narrow({
        types: open ? undefined : new Set(branches.flatMap((b) => [...b.types!])),
        admitsNull: branches.some((b) => b.admitsNull),
        expected: "",
      });
    }
    const allowed = node.enum ?? (node.const !== undefined ? [node.const] : undefined);
    // A nullable enum need not list null (openapi-typescript types it `"A" | "B" | null` either way).
    if (allowed && !allowed.includes(null) && !types?.has("null")) admitsNull = false;
    if (types && !types.has("null")) admitsNull = false;
    const said: string[] = [];
    if (node.type !== undefined || allowed || node.format) {
      if (types) said.push(typeNames(types));
      if (allowed) said.push(`one of ${allowed.map((value) => JSON.stringify(value)).join(", ")}`);
      if (node.format === "date") said.push("date (YYYY-MM-DD)");
      if (node.format === "date-time") said.push("date-time");
    } else {
      // A wrapper (`$ref`, `allOf`, `oneOf: [{ $ref }, { type: "null" }]`) says what it wraps.
      for (const part of parts) said.push(part.expected);
      const choice = node.oneOf ?? node.anyOf;
      const real = choice?.map((branch) => this.shape(branch)).filter((b) => !onlyNull(b));
      if (real?.length) said.push(real.map((b) => b.expected).join(" or "));
    }
    let expected = said.filter(Boolean).join(", ") || "any value";
    if (admitsNull && expected !== "any value" && !expected.endsWith(" or null")) expected += " or null";
    return { types, admitsNull, expected };
  }

  private compile(node: SchemaNode, at: string): Compiled {
    const shape = this.shape(node);
    const checks: Check[] = [];
    const own = ownTypes(node);
    if (node.$ref !== undefined) {
      const ref = node.$ref;
      let target: Compiled | undefined;
      checks.push((value, path, out) => (target ??= this.at(ref)).check(value, path, out));
    }
    const allowed = node.enum ?? (node.const !== undefined ? [node.const] : undefined);
    if (allowed) {
      const set = new Set(allowed);
      checks.push((value, path, out) => {
        if (!set.has(value)) out.push(finding(path, at, "enum", shape.expected, value));
      });
    }
    if (node.format === "date" || node.format === "date-time") checks.push(formatCheck(node.format, at));
    if (node.properties || node.required || node.additionalProperties !== undefined)
      checks.push(this.objectCheck(node, at));
    if (node.items) {
      const where = `${at}/items`;
      const items = this.compile(node.items, where);
      checks.push((value, path, out) => {
        if (!Array.isArray(value)) return;
        for (let index = 0; index < value.length && out.length < MAX_FINDINGS; index++) {
          path.push(index);
          checkChild(items, where, value[index], path, out);
          path.pop();
        }
      });
    }
    (node.allOf ?? []).forEach((branch, index) => checks.push(this.compile(branch, `${at}/allOf/${index}`).check));
    for (const keyword of ["oneOf", "anyOf"] as const) {
      const list = node[keyword];
      if (list) checks.push(this.choiceCheck(list, `${at}/${keyword}`, shape.expected));
    }
    const check: Check = (value, path, out) => {
      // The type first: a value of the wrong type is one finding, not one per keyword that cannot apply.
      if (own && !own.has(jsonType(value))) out.push(finding(path, at, "type", shape.expected, value));
      else for (const part of checks) part(value, path, out);
    };
    return { ...shape, check };
  }

  private objectCheck(node: SchemaNode, at: string): Check {
    const properties = new Map<string, [Compiled, string]>();
    for (const [name, child] of Object.entries(node.properties ?? {})) {
      const where = `${at}/properties/${escape(name)}`;
      properties.set(name, [this.compile(child, where), where]);
    }
    const required = node.required ?? [];
    const extra = node.additionalProperties;
    const mapped = extra
      ? ([this.compile(extra, `${at}/additionalProperties`), `${at}/additionalProperties`] as const)
      : undefined;
    return (value, path, out) => {
      if (typeof value !== "object" || value === null || Array.isArray(value)) return;
      const object = value as Record<string, unknown>;
      for (const key in object) {
        if (out.length >= MAX_FINDINGS) return;
        const known = properties.get(key);
        if (known) {
          path.push(key);
          checkChild(known[0], known[1], object[key], path, out);
          path.pop();
        } else if (mapped) {
          path.push("*"); // a map's keys may be data
          checkChild(mapped[0], mapped[1], object[key], path, out);
          path.pop();
        } else if (extra === false) {
          const named = FIELD_NAME.test(key);
          path.push(named ? key : "*");
          const found = finding(path, at, "additional", "no other properties", undefined, "unexpected property");
          out.push(named ? { ...found, property: key } : found);
          path.pop();
        }
      }
      for (const name of required) {
        if (Object.hasOwn(object, name)) continue;
        path.push(name);
        out.push({ ...finding(path, at, "required", "required property", undefined, "missing"), property: name });
        path.pop();
      }
    };
  }

  /**
   * `oneOf` / `anyOf`, read as "any of" (drift is about what arrives, not which branch it is): a value goes
   * down the one branch that can take its type, so a mismatch is reported where it is (in the referenced
   * enum, say), not as "none of the branches".
   */
  private choiceCheck(list: SchemaNode[], at: string, expected: string): Check {
    const branches = list.map((branch, index) => this.compile(branch, `${at}/${index}`));
    const real = branches.filter((b) => !onlyNull(b));
    return (value, path, out) => {
      if (real.length === 1) return real[0]!.check(value, path, out);
      const kind = jsonType(value);
      const fits = real.filter((b) => b.types === undefined || b.types.has(kind));
      if (fits.length === 0)
        return void out.push(finding(path, at.replace(/\/(oneOf|anyOf)$/, ""), "type", expected, value));
      // Several branches take this type: the value is blamed on the one it comes closest to.
      let closest: Finding[] | undefined;
      for (const branch of fits) {
        const tried: Finding[] = [];
        branch.check(value, path, tried);
        if (tried.length === 0) return;
        if (!closest || tried.length < closest.length) closest = tried;
      }
      out.push(...closest!);
    };
  }
}

function formatCheck(format: "date" | "date-time", at: string): Check {
  const pattern = format === "date" ? DATE : DATE_TIME;
  const expected = format === "date" ? "date (YYYY-MM-DD)" : "date-time";
  return (value, path, out) => {
    if (typeof value !== "string" || pattern.test(value)) return;
    const actual = format === "date" && DATE_TIME.test(value) ? "date-time" : "string";
    out.push(finding(path, at, "format", expected, undefined, actual));
  };
}

/** A finding; the value goes in only when it is a number, a boolean or null, never a string of the body. */
function finding(
  path: (string | number)[],
  schemaPath: string,
  kind: Finding["kind"],
  expected: string,
  value: unknown,
  actual = jsonType(value),
): Finding {
  const found: Finding = {
    pointer: path.map((s) => `/${escape(String(s))}`).join(""),
    schemaPath,
    kind,
    expected,
    actual,
  };
  if (value === null || typeof value === "boolean" || Number.isFinite(value))
    found.value = value as number | boolean | null;
  return found;
}

/** The JSON types a schema's own `type` (and 3.0's `nullable`) allows, `integer` within `number`; undefined: no `type`. */
function ownTypes(node: SchemaNode): Set<string> | undefined {
  if (node.type === undefined) return undefined;
  const types = new Set(Array.isArray(node.type) ? node.type : [node.type]);
  if (node.nullable) types.add("null");
  if (types.has("number")) types.add("integer");
  return types;
}

function onlyNull(shape: Shape): boolean {
  return shape.types?.size === 1 && shape.types.has("null");
}

/** `integer or string` (with `integer` left out where `number` takes it in, and null said apart). */
function typeNames(types: ReadonlySet<string>): string {
  return [...types].filter((t) => t !== "null" && !(t === "integer" && types.has("number"))).join(" or ");
}

function jsonType(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  if (typeof value === "number") return Number.isInteger(value) ? "integer" : "number";
  return typeof value;
}

function escape(segment: string): string {
  return segment.replace(/~/g, "~0").replace(/\//g, "~1");
}
