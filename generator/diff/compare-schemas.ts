import type { OpenApiDocument } from "../spec/openapi.js";
import type { Rule } from "./changes.js";
import { CONSTRAINTS, viewOf, type SchemaView } from "./schema-view.js";

/** A found difference inside a schema, before it is tied to an operation. */
export interface SchemaChange {
  rule: Rule;
  /** `address.city`, `data[].name`; empty for the schema itself. */
  path: string;
  message: string;
  /** What changed, whatever the direction: `added`, `removed`, `required`, `type`, `nullable`, `constraint:maxLength`, … */
  fact: string;
  /**
   * The component pair whose own declaration holds the change (the innermost `$ref` on both sides), and
   * the path inside it: `Widget` / `Widget` / `name` for `data[].name` of a page of widgets. Absent for a
   * change in an inline schema of the operation itself. With `fact`, it says whether the same change of an
   * exported type was already reported (see `ownerKey`).
   */
  owner?: { old: string; new: string; path: string };
}

export interface SchemaSide {
  doc: OpenApiDocument;
  schema: unknown;
}

export interface CompareOptions {
  /**
   * Comparing one exported type: stop at a `$ref` to a component of the same name on both sides (it is a
   * type of its own, compared by itself); still check the property's own nullability there.
   */
  typeLevel?: boolean;
  /**
   * Collects the component pairs (`old\nnew`) whose own declaration this comparison went through whole:
   * comparing such a type again by itself would find only what was found here.
   */
  compared?: Set<string>;
}

/** One change of one component's declaration, the same whichever operation (or type) it was found through. */
export function ownerKey(change: Pick<SchemaChange, "owner" | "fact">): string | undefined {
  return change.owner ? `${change.owner.old}\n${change.owner.new}\n${change.owner.path}\n${change.fact}` : undefined;
}

interface Owner {
  old: string;
  new: string;
  /** The path (from the walk's root) at which the owner's own schema sits. */
  base: string;
}

/**
 * Compares two schemas level by level on their notation-free views. `direction` decides what breaks:
 * in a request a new required property breaks callers; in a response a removed or newly nullable one does.
 * Descriptions are collected separately (`onDescription`), never reported as a schema change.
 */
export function compareSchemas(
  older: SchemaSide,
  newer: SchemaSide,
  direction: "request" | "response",
  emit: (change: SchemaChange) => void,
  onDescription: (path: string, owner?: SchemaChange["owner"]) => void,
  options: CompareOptions = {},
): void {
  const seen = new Set<string>();
  // (No closures per level: this runs for every schema of every operation.)
  const put = (owner: Owner | undefined, rule: Rule, fact: string, path: string, message: string) =>
    emit({ rule, path, fact, owner: relative(owner, path), message });
  const walk = (oldRaw: unknown, newRaw: unknown, path: string, depth: number, parent: Owner | undefined): void => {
    const a = viewOf(older.doc, oldRaw);
    const b = viewOf(newer.doc, newRaw);
    const where = path || "(the body)";
    // The property's own nullability (a `oneOf [$ref, null]` where it is used) belongs to the schema that
    // declares the property: checked at every place, before an already-compared component is skipped.
    if (a.nullable !== b.nullable && path) {
      const became = b.nullable ? "nullable" : "not-nullable";
      put(
        parent,
        `${direction}-property-became-${became}` as Rule,
        "nullable",
        path,
        `${where} became ${b.nullable ? "nullable" : "non-nullable"}`,
      );
    }
    const named = a.component !== undefined && b.component !== undefined;
    const pair = named ? `${a.component}\n${b.component}` : "";
    if ((a.description ?? "") !== (b.description ?? "") && path && !seen.has(pair))
      onDescription(path, relative(parent, path));
    if (options.typeLevel && depth > 0 && named && a.component === b.component) return;
    // Each pair of components is compared once per operation: that ends cycles (a schema containing
    // itself) and reports a change in a shared schema once, at its first place.
    if (named) {
      if (seen.has(pair)) return;
      seen.add(pair);
      if (depth <= 6) options.compared?.add(pair); // at least six levels of its own left to look at
    }
    if (depth > 12) return;
    const owner: Owner | undefined = named ? { old: a.component!, new: b.component!, base: path } : parent;

    const [ta, tb] = [a.typeLabel, b.typeLabel];
    if (ta !== tb && ((ta !== "" && tb !== "") || a.onlyNull || b.onlyNull)) {
      put(owner, `${direction}-property-type-changed`, "type", path, `${where}: type ${ta || "any"} → ${tb || "any"}`);
      return;
    }
    if ((a.format ?? "") !== (b.format ?? "") && a.format && b.format) {
      put(owner, `${direction}-property-format-changed`, "format", path, `${where}: format ${a.format} → ${b.format}`);
    }
    if (a.enum && b.enum) {
      const removed = a.enum.filter((value) => !b.enum!.includes(value));
      const added = b.enum.filter((value) => !a.enum!.includes(value));
      if (removed.length)
        put(
          owner,
          `${direction}-property-enum-value-removed`,
          "enum-removed",
          path,
          `${where}: enum values removed: ${removed.join(", ")}`,
        );
      if (added.length)
        put(
          owner,
          `${direction}-property-enum-value-added`,
          "enum-added",
          path,
          `${where}: enum values added: ${added.join(", ")}`,
        );
    }
    if (
      direction === "response" &&
      a.variants.length !== b.variants.length &&
      (a.variants.length > 1 || b.variants.length > 1)
    ) {
      put(
        owner,
        "response-property-one-of-changed",
        "one-of",
        path,
        `${where}: ${a.variants.length} → ${b.variants.length} oneOf branches`,
      );
    }
    if (a.constrained || b.constrained) {
      for (const { keyword, tightened, text } of compareConstraints(a, b, direction)) {
        put(
          owner,
          `${direction}-property-constraint-${tightened ? "tightened" : "loosened"}`,
          `constraint:${keyword}`,
          path,
          `${where}: ${text}`,
        );
      }
    }

    const names = new Set([...Object.keys(a.properties), ...Object.keys(b.properties)]);
    for (const name of [...names].sort()) {
      const child = path ? `${path}.${name}` : name;
      const inOld = name in a.properties;
      const inNew = name in b.properties;
      if (inOld && !inNew) {
        if (direction === "request") put(owner, "request-property-removed", "removed", child, `${child} was removed`);
        else if (a.required.has(name))
          put(owner, "response-required-property-removed", "removed", child, `required ${child} was removed`);
        else put(owner, "response-optional-property-removed", "removed", child, `${child} was removed`);
        continue;
      }
      if (!inOld && inNew) {
        if (direction === "response") put(owner, "response-property-added", "added", child, `${child} was added`);
        else if (b.required.has(name))
          put(owner, "new-required-request-property", "added", child, `new required ${child}`);
        else put(owner, "new-optional-request-property", "added", child, `new optional ${child}`);
        continue;
      }
      const wasRequired = a.required.has(name);
      const isRequired = b.required.has(name);
      if (wasRequired !== isRequired) {
        const rule: Rule =
          direction === "request"
            ? isRequired
              ? "request-property-became-required"
              : "request-property-became-optional"
            : isRequired
              ? "response-property-became-required"
              : "response-property-became-optional";
        put(owner, rule, "required", child, `${child} became ${isRequired ? "required" : "optional"}`);
      }
      walk(a.properties[name], b.properties[name], child, depth + 1, owner);
    }
    if (a.items !== undefined && b.items !== undefined) walk(a.items, b.items, `${path}[]`, depth + 1, owner);
    if (
      a.additionalProperties !== undefined &&
      b.additionalProperties !== undefined &&
      typeof a.additionalProperties === "object" &&
      typeof b.additionalProperties === "object"
    ) {
      walk(a.additionalProperties, b.additionalProperties, `${path}{}`, depth + 1, owner);
    }
  };
  walk(older.schema, newer.schema, "", 0, undefined);
}

/** The owner and the path inside it, made only for a change found (not at every level). */
function relative(owner: Owner | undefined, path: string): SchemaChange["owner"] {
  return owner && { old: owner.old, new: owner.new, path: path.slice(owner.base.length).replace(/^\./, "") };
}

/**
 * Each bound that moved: tightened when fewer values pass (an upper bound added or lowered, a lower bound
 * added or raised, a pattern added), loosened otherwise. A pattern replaced by another is both: reported
 * the way that matters to the side (tightened for what a caller sends, loosened for what it receives).
 */
function compareConstraints(
  a: SchemaView,
  b: SchemaView,
  direction: "request" | "response",
): { keyword: string; tightened: boolean; text: string }[] {
  const found: { keyword: string; tightened: boolean; text: string }[] = [];
  for (const keyword of Object.keys(CONSTRAINTS) as (keyof typeof CONSTRAINTS)[]) {
    const [before, after] = [a.constraints[keyword], b.constraints[keyword]];
    if (before === after) continue;
    const show = (value: number | string | undefined) =>
      value === undefined ? "none" : keyword === "pattern" ? JSON.stringify(value) : String(value);
    const kind = CONSTRAINTS[keyword];
    const tightened =
      kind === "pattern"
        ? before !== undefined && after !== undefined
          ? direction === "request"
          : after !== undefined
        : before === undefined
          ? true
          : after === undefined
            ? false
            : kind === "upper"
              ? (after as number) < (before as number)
              : (after as number) > (before as number);
    found.push({ keyword, tightened, text: `${keyword} ${show(before)} → ${show(after)}` });
  }
  return found;
}
