import { DRIFT_KINDS, type DriftKind, type DriftRecord } from "./read-events.js";

/** The events of one place: one operation, one schema location, one kind (and, for required / additional, one property). */
export interface DriftGroup {
  spec: string;
  operationId: string;
  schemaPath: string;
  kind: DriftKind;
  property?: string;
  events: DriftRecord[];
  /** The `at` of the earliest and the latest event, as written in the file. */
  first: string;
  last: string;
}

/** Groups events by (spec, operationId, schemaPath, kind, property), sorted by those, in that order. */
export function groupDrift(events: readonly DriftRecord[]): DriftGroup[] {
  const groups = new Map<string, DriftGroup>();
  for (const event of events) {
    const key = JSON.stringify([event.spec, event.operationId, event.schemaPath, event.kind, event.property ?? null]);
    const group = groups.get(key);
    if (group) group.events.push(event);
    else
      groups.set(key, {
        spec: event.spec,
        operationId: event.operationId,
        schemaPath: event.schemaPath,
        kind: event.kind,
        ...(event.property !== undefined ? { property: event.property } : {}),
        events: [event],
        first: event.at,
        last: event.at,
      });
  }
  const result = [...groups.values()];
  for (const group of result) [group.first, group.last] = timeRange(group.events);
  return result.sort(compareGroups);
}

function compareGroups(a: DriftGroup, b: DriftGroup): number {
  return (
    compareText(a.spec, b.spec) ||
    compareText(a.operationId, b.operationId) ||
    compareText(a.schemaPath, b.schemaPath) ||
    DRIFT_KINDS.indexOf(a.kind) - DRIFT_KINDS.indexOf(b.kind) ||
    compareText(a.property ?? "", b.property ?? "")
  );
}

/** Code-unit order: the same on every machine and locale (`localeCompare` is not). */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The earliest and the latest `at` (compared as times; equal times by their text). */
export function timeRange(events: readonly DriftRecord[]): [string, string] {
  const sorted = events.map((event) => event.at).sort((a, b) => Date.parse(a) - Date.parse(b) || compareText(a, b));
  return [sorted[0]!, sorted.at(-1)!];
}

/** The JSON types the client reports, in the order they are listed. */
const TYPE_ORDER = ["null", "boolean", "integer", "number", "string", "array", "object"];

/** The distinct `actual`s in a fixed order: JSON types first, then the rest (`date-time`, `missing`, …) by name. */
export function distinctActuals(events: readonly DriftRecord[]): string[] {
  const rank = (actual: string) => (TYPE_ORDER.includes(actual) ? TYPE_ORDER.indexOf(actual) : TYPE_ORDER.length);
  return [...new Set(events.map((event) => event.actual))].sort((a, b) => rank(a) - rank(b) || compareText(a, b));
}

/** The distinct values (numbers, booleans, null) of events, in a fixed order: null, false, true, numbers ascending. */
export function distinctValues(events: readonly DriftRecord[]): (number | boolean | null)[] {
  const values = new Map<string, number | boolean | null>();
  for (const { value } of events) if (value !== undefined) values.set(JSON.stringify(value), value);
  const rank = (value: number | boolean | null) => (value === null ? 0 : typeof value === "boolean" ? 1 : 2);
  return [...values.values()].sort((a, b) => rank(a) - rank(b) || Number(a) - Number(b));
}

/** At most this many values are shown in a table cell or a description. */
const SHOWN_VALUES = 10;

/** `integer (0, 1), null`: each distinct actual type, with the distinct values seen where the client gave them. */
export function describeActual(events: readonly DriftRecord[]): string {
  return distinctActuals(events)
    .map((actual) => {
      const values = distinctValues(events.filter((event) => event.actual === actual)).filter(
        (value) => !(actual === "null" && value === null),
      );
      if (values.length === 0) return actual;
      const shown = values.slice(0, SHOWN_VALUES).map((value) => JSON.stringify(value));
      const more = values.length > SHOWN_VALUES ? `, … ${values.length - SHOWN_VALUES} more` : "";
      return `${actual} (${shown.join(", ")}${more})`;
    })
    .join(", ");
}

/** The distinct `expected` texts (normally one), joined. */
export function describeExpected(events: readonly DriftRecord[]): string {
  return [...new Set(events.map((event) => event.expected))].sort(compareText).join(" / ");
}

/** A body pointer with its array indexes as `*`, as the same place in every item: `/data/*\/landedCostMethod`. */
export function bodyPlace(pointer: string): string {
  return pointer.replace(/\/\d+(?=\/|$)/g, "/*");
}

/** The kind, with the property for `required` and `additional`: `required (vendorId)`. */
export function describeKind(group: Pick<DriftGroup, "kind" | "property">): string {
  return group.property === undefined ? group.kind : `${group.kind} (${group.property})`;
}

/**
 * The groups as a Markdown table (aligned, so it reads in a terminal too, and pastes into a pull request):
 * operation, schema location (`spec#pointer`), kind, count, expected, actual, first and last seen.
 */
export function renderDriftTable(groups: readonly DriftGroup[], file: string): string {
  const count = groups.reduce((sum, group) => sum + group.events.length, 0);
  if (count === 0) return `No drift events in ${file}.\n`;
  const places = new Set(groups.map((group) => `${group.spec}#${group.schemaPath}`)).size;
  const operations = new Set(groups.map((group) => `${group.spec}#${group.operationId}`)).size;
  const header = ["operation", "schema location", "kind", "count", "expected", "actual", "first seen", "last seen"];
  const rows = groups.map((group) => [
    `\`${group.operationId}\``,
    `\`${group.spec}#${group.schemaPath}\``,
    describeKind(group),
    String(group.events.length),
    describeExpected(group.events),
    describeActual(group.events),
    group.first,
    group.last,
  ]);
  const cells = [header, ...rows].map((row) => row.map((cell) => cell.replace(/\|/g, "\\|").replace(/\s+/g, " ")));
  const widths = header.map((_, column) => cells.reduce((widest, row) => Math.max(widest, row[column]!.length), 0));
  const right = (column: number) => column === 3;
  const line = (row: string[]) =>
    `| ${row.map((cell, column) => (right(column) ? cell.padStart(widths[column]!) : cell.padEnd(widths[column]!))).join(" | ")} |`;
  const rule = `|${widths.map((width, column) => (right(column) ? `${"-".repeat(width + 1)}:` : "-".repeat(width + 2))).join("|")}|`;
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;
  return [
    `${plural(count, "drift event")} in ${file}: ${plural(places, "schema location")}, ${plural(operations, "operation")}.`,
    "",
    line(cells[0]!),
    rule,
    ...cells.slice(1).map(line),
    "",
  ].join("\n");
}
