import type { OpenApiDocument } from "../validate.js";
import type { Rule } from "./changes.js";
import { viewOf } from "./schema-view.js";

/** A found difference inside a schema, before it is tied to an operation. */
export interface SchemaChange {
  rule: Rule;
  /** `address.city`, `data[].name`; empty for the schema itself. */
  path: string;
  message: string;
}

export interface SchemaSide {
  doc: OpenApiDocument;
  schema: unknown;
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
  onDescription: (path: string) => void,
): void {
  const seen = new Set<string>();
  const walk = (oldRaw: unknown, newRaw: unknown, path: string, depth: number): void => {
    const a = viewOf(older.doc, oldRaw);
    const b = viewOf(newer.doc, newRaw);
    // Each pair of components is compared once per operation: that ends cycles (a schema containing
    // itself) and reports a change in a shared schema once, at its first place.
    if (a.component && b.component) {
      const pair = `${a.component}\n${b.component}`;
      if (seen.has(pair)) return;
      seen.add(pair);
    }
    if (depth > 12) return;
    const where = path || "(the body)";
    if ((a.description ?? "") !== (b.description ?? "") && path) onDescription(path);

    if (a.types.length > 0 && b.types.length > 0 && a.types.join("|") !== b.types.join("|")) {
      emit({ rule: `${direction}-property-type-changed`, path, message: `${where}: type ${a.types.join("|")} → ${b.types.join("|")}` });
      return;
    }
    if ((a.format ?? "") !== (b.format ?? "") && a.format && b.format) {
      emit({ rule: `${direction}-property-format-changed`, path, message: `${where}: format ${a.format} → ${b.format}` });
    }
    if (a.nullable !== b.nullable && path) {
      const became = b.nullable ? "nullable" : "not-nullable";
      emit({ rule: `${direction}-property-became-${became}` as Rule, path, message: `${where} became ${b.nullable ? "nullable" : "non-nullable"}` });
    }
    if (a.enum && b.enum) {
      const removed = a.enum.filter((value) => !b.enum!.includes(value));
      const added = b.enum.filter((value) => !a.enum!.includes(value));
      if (removed.length) emit({ rule: `${direction}-property-enum-value-removed`, path, message: `${where}: enum values removed: ${removed.join(", ")}` });
      if (added.length) emit({ rule: `${direction}-property-enum-value-added`, path, message: `${where}: enum values added: ${added.join(", ")}` });
    }
    if (direction === "response" && a.variants.length !== b.variants.length && (a.variants.length > 1 || b.variants.length > 1)) {
      emit({ rule: "response-property-one-of-changed", path, message: `${where}: ${a.variants.length} → ${b.variants.length} oneOf branches` });
    }

    const names = new Set([...Object.keys(a.properties), ...Object.keys(b.properties)]);
    for (const name of [...names].sort()) {
      const child = path ? `${path}.${name}` : name;
      const inOld = name in a.properties;
      const inNew = name in b.properties;
      if (inOld && !inNew) {
        if (direction === "request") emit({ rule: "request-property-removed", path: child, message: `${child} was removed` });
        else if (a.required.has(name)) emit({ rule: "response-required-property-removed", path: child, message: `required ${child} was removed` });
        else emit({ rule: "response-optional-property-removed", path: child, message: `${child} was removed` });
        continue;
      }
      if (!inOld && inNew) {
        if (direction === "response") emit({ rule: "response-property-added", path: child, message: `${child} was added` });
        else if (b.required.has(name)) emit({ rule: "new-required-request-property", path: child, message: `new required ${child}` });
        else emit({ rule: "new-optional-request-property", path: child, message: `new optional ${child}` });
        continue;
      }
      const wasRequired = a.required.has(name);
      const isRequired = b.required.has(name);
      if (wasRequired !== isRequired) {
        const rule: Rule =
          direction === "request"
            ? isRequired ? "request-property-became-required" : "request-property-became-optional"
            : isRequired ? "response-property-became-required" : "response-property-became-optional";
        emit({ rule, path: child, message: `${child} became ${isRequired ? "required" : "optional"}` });
      }
      walk(a.properties[name], b.properties[name], child, depth + 1);
    }
    if (a.items !== undefined && b.items !== undefined) walk(a.items, b.items, `${path}[]`, depth + 1);
    if (a.additionalProperties !== undefined && b.additionalProperties !== undefined && typeof a.additionalProperties === "object" && typeof b.additionalProperties === "object") {
      walk(a.additionalProperties, b.additionalProperties, `${path}{}`, depth + 1);
    }
  };
  walk(older.schema, newer.schema, "", 0);
}
