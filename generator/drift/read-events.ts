import { readFile } from "node:fs/promises";

/** What the client's check reports (`DriftEvent`'s `kind`), in the order summaries and overlays list them. */
/** The names the client shows (runtime/validation.ts): a field name, never `__proto__`. */
const FIELD_NAME = /^(?!__proto__$)[A-Za-z_$][\w$.-]{0,63}$/;

export const DRIFT_KINDS = ["type", "enum", "format", "required", "additional"] as const;
export type DriftKind = (typeof DRIFT_KINDS)[number];

/**
 * One line of an events file: the runtime's `DriftEvent` (runtime/hooks.ts) as `hooks.onDrift` passed it,
 * read back. Declared again here because stgen does not depend on the runtime's sources (a test checks that
 * a `DriftEvent` is one of these).
 */
export interface DriftRecord {
  at: string;
  operationId: string;
  method: string;
  path: string;
  spec: string;
  pointer: string;
  schemaPath: string;
  kind: DriftKind;
  expected: string;
  actual: string;
  value?: number | boolean | null;
  property?: string;
}

/** The fields every line must have as strings; the rest are checked one by one below. */
const STRING_FIELDS = ["at", "operationId", "method", "path", "spec", "pointer", "schemaPath", "expected", "actual"];

/** At most this many bad lines are listed; the error says how many more there were. */
const LISTED_PROBLEMS = 20;

/**
 * Reads a JSONL file of drift events: one JSON object a line, blank lines skipped. Any line that is not
 * JSON or lacks a field is an error naming the file, the line and the field, never the line's content.
 */
export async function readDriftEvents(file: string): Promise<DriftRecord[]> {
  let text: string;
  try {
    text = (await readFile(file, "utf8")).replace(/^\uFEFF/, "");
  } catch (error) {
    throw new Error(`cannot read the events file '${file}': ${(error as NodeJS.ErrnoException).code ?? error}`);
  }
  const events: DriftRecord[] = [];
  const problems: string[] = [];
  for (const [index, line] of text.split(/\r?\n/).entries()) {
    if (line.trim() === "") continue;
    const problem = check(line);
    if (typeof problem === "string") problems.push(`${file}:${index + 1}: ${problem}`);
    else events.push(problem);
  }
  if (problems.length > 0) {
    const more = problems.length - LISTED_PROBLEMS;
    const listed = problems.slice(0, LISTED_PROBLEMS).join("\n");
    throw new Error(`${listed}${more > 0 ? `\n… and ${more} more bad lines` : ""}`);
  }
  return events;
}

/** The event on a line, or what is wrong with it (field names only: a line is not echoed). */
function check(line: string): DriftRecord | string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(line);
  } catch {
    return "not JSON (each line must be one drift event, as hooks.onDrift receives it)";
  }
  if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) return "not a JSON object";
  const event = parsed as Record<string, unknown>;
  const missing = STRING_FIELDS.filter((field) => event[field] === undefined);
  const wrong: string[] = STRING_FIELDS.filter(
    (field) => event[field] !== undefined && typeof event[field] !== "string",
  ).map((field) => `'${field}' must be a string`);
  if (typeof event.at === "string" && Number.isNaN(Date.parse(event.at))) wrong.push("'at' must be an ISO 8601 time");
  if (typeof event.schemaPath === "string" && event.schemaPath !== "" && !event.schemaPath.startsWith("/"))
    wrong.push("'schemaPath' must be a JSON pointer");
  if (event.kind === undefined) missing.push("kind");
  else if (!(DRIFT_KINDS as readonly unknown[]).includes(event.kind))
    wrong.push(`'kind' must be one of ${DRIFT_KINDS.join(", ")}`);
  const value = event.value;
  if (
    value !== undefined &&
    value !== null &&
    !(typeof value === "number" && Number.isFinite(value)) &&
    typeof value !== "boolean"
  )
    wrong.push("'value' must be a finite number, a boolean or null");
  if (event.property !== undefined && typeof event.property !== "string") wrong.push("'property' must be a string");
  else if (event.property !== undefined && !FIELD_NAME.test(event.property))
    wrong.push("'property' must be a field name (letters, digits, _ $ . -, at most 64)");
  // An unexpected property whose name the client did not show (it looked like data) has none.
  else if (event.property === undefined && event.kind === "required") missing.push("property");
  if (missing.length + wrong.length > 0)
    return [
      ...(missing.length > 0 ? [`missing ${missing.map((field) => `'${field}'`).join(", ")}`] : []),
      ...wrong,
    ].join("; ");
  return event as unknown as DriftRecord;
}
