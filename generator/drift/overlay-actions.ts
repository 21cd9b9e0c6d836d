import { isDeepStrictEqual } from "node:util";
import { pointerSegments } from "../spec/pointer.js";

/** A place in a document: object keys as strings, array indexes as numbers. */
export type Location = (string | number)[];

/** One overlay action, its target still a location (see `jsonPathOf`). */
export interface PlannedAction {
  at: Location;
  update?: unknown;
  remove?: true;
}

type Schema = Record<string, unknown>;

/** The location a JSON pointer names in `document` (array indexes as numbers), or undefined when nothing is there. */
export function locate(document: unknown, pointer: string): { at: Location; value: unknown } | undefined {
  const segments = pointerSegments(pointer);
  if (!segments) return undefined;
  const at: Location = [];
  let current = document;
  for (const segment of segments) {
    if (Array.isArray(current)) {
      if (!/^(0|[1-9]\d*)$/.test(segment) || Number(segment) >= current.length) return undefined;
      at.push(Number(segment));
      current = current[Number(segment)];
    } else if (isObject(current) && Object.hasOwn(current, segment)) {
      at.push(segment);
      current = current[segment];
    } else return undefined;
  }
  return { at, value: current };
}

/** The value at a location, or undefined. */
export function valueAt(document: unknown, at: Location): unknown {
  let current = document;
  for (const key of at) {
    if (Array.isArray(current) && typeof key === "number") current = current[key];
    else if (isObject(current) && typeof key === "string" && Object.hasOwn(current, key)) current = current[key];
    else return undefined;
  }
  return current;
}

/** Puts `value` at an existing location (the document itself cannot be replaced). */
export function setAt(document: unknown, at: Location, value: unknown): void {
  const parent = valueAt(document, at.slice(0, -1)) as Record<string | number, unknown>;
  parent[at.at(-1)!] = value;
}

/**
 * A JSONPath (RFC 9535) selecting exactly one location: `$['components']['schemas']['Inventory.V2.X']`,
 * bracket notation throughout, names single-quoted and escaped, indexes as `[0]`.
 */
export function jsonPathOf(at: Location): string {
  return "$" + at.map((key) => (typeof key === "number" ? `[${key}]` : `['${escapeName(key)}']`)).join("");
}

function escapeName(name: string): string {
  return name.replace(/[\\'\u0000-\u001f]/g, (char) => {
    const short: Record<string, string> = {
      "\\": "\\\\",
      "'": "\\'",
      "\b": "\\b",
      "\f": "\\f",
      "\n": "\\n",
      "\r": "\\r",
      "\t": "\\t",
    };
    return short[char] ?? `\\u${char.charCodeAt(0).toString(16).padStart(4, "0")}`;
  });
}

/**
 * The actions that turn the schema `before` at `at` into `after`, under Overlay 1.0 as overlays.ts applies it:
 * an `update` of the schema with the keys that changed (a list inside it is replaced, `properties` gains
 * entries by merging), one `update` of a `oneOf` / `anyOf` list per entry it gains (appended), and a
 * `remove` of each list or object it loses (`enum`, `required`). A lost string (`$ref`, `format`) cannot be
 * removed (Overlay 1.0 removes objects and lists only), so then the whole schema is replaced instead: removed
 * from its parent object and put back by an `update` of the parent, or, in a list (`oneOf: [...]`), by an
 * `update` of the list's owner with the whole new list.
 */
export function planActions(
  document: unknown,
  at: Location,
  before: Schema,
  after: Schema,
): PlannedAction[] | { cannot: string } {
  if (isDeepStrictEqual(before, after)) return [];
  const lostScalar = Object.keys(before).some((key) => !(key in after) && !isContainer(before[key]));
  const changedInside = Object.keys(after).some(
    (key) =>
      key in before &&
      isObject(before[key]) &&
      isObject(after[key]) &&
      !isDeepStrictEqual(before[key], after[key]) &&
      !(key === "properties" && onlyGains(before[key] as Schema, after[key] as Schema)),
  );
  if (lostScalar || changedInside) return replaceWhole(document, at, after);
  const update: Schema = {};
  const appends: PlannedAction[] = [];
  for (const [key, value] of Object.entries(after)) {
    const old = before[key];
    if (!(key in before)) update[key] = value;
    else if (isDeepStrictEqual(old, value)) continue;
    else if ((key === "oneOf" || key === "anyOf") && Array.isArray(old) && Array.isArray(value) && extends_(old, value))
      for (const entry of value.slice(old.length)) appends.push({ at: [...at, key], update: entry });
    else if (key === "properties" && isObject(old) && isObject(value))
      update[key] = Object.fromEntries(Object.entries(value).filter(([name]) => !Object.hasOwn(old, name)));
    else update[key] = value; // a string or a list: replaced whole
  }
  const removes: PlannedAction[] = Object.keys(before)
    .filter((key) => !(key in after))
    .map((key) => ({ at: [...at, key], remove: true }));
  return [...(Object.keys(update).length > 0 ? [{ at, update }] : []), ...appends, ...removes];
}

function replaceWhole(document: unknown, at: Location, after: Schema): PlannedAction[] | { cannot: string } {
  if (at.length === 0) return { cannot: "it is the whole document" };
  const parentAt = at.slice(0, -1);
  const parent = valueAt(document, parentAt);
  if (Array.isArray(parent)) {
    const ownerAt = parentAt.slice(0, -1);
    const listKey = parentAt.at(-1);
    if (typeof listKey !== "string" || !isObject(valueAt(document, ownerAt)))
      return { cannot: "it is in a list that is not an object's property" };
    const list = parent.slice();
    list[at.at(-1) as number] = after;
    return [{ at: ownerAt, update: { [listKey]: list } }];
  }
  return [
    { at, remove: true },
    { at: parentAt, update: { [at.at(-1)!]: after } },
  ];
}

function onlyGains(before: Schema, after: Schema): boolean {
  return Object.entries(before).every(
    ([key, value]) => Object.hasOwn(after, key) && isDeepStrictEqual(after[key], value),
  );
}

function extends_(before: unknown[], after: unknown[]): boolean {
  return after.length > before.length && before.every((entry, index) => isDeepStrictEqual(entry, after[index]));
}

function isContainer(value: unknown): boolean {
  return value !== null && typeof value === "object";
}

function isObject(value: unknown): value is Schema {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}
