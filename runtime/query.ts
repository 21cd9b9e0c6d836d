import { describeKind } from "./errors.js";

/**
 * Query strings as ServiceTitan reads them: arrays repeat the key (`ids=1&ids=2`), an object is one level
 * of `key[field]=value` (custom fields: `customField.Fields[Color]=Red`), a Date is a full UTC timestamp
 * (ServiceTitan ignores date-only values), `undefined` and `null` are left out. Keys are encoded like values:
 * custom-field names are tenant data, and `R&D` or `a&tenant=1` must stay one key. Anything deeper is a
 * caller's mistake, reported before a request is sent.
 */
export function serializeQuery(query: Record<string, unknown>, where: string): string {
  const parts: string[] = [];
  for (const key in query) {
    const value = query[key];
    if (value === undefined || value === null) continue;
    if (!isWellFormed(key))
      throw new TypeError(`${where}: a query parameter name holds a lone surrogate (not valid Unicode)`);
    const name = encodeURIComponent(key);
    if (Array.isArray(value)) {
      for (const item of value) parts.push(`${name}=${encodeURIComponent(scalar(item, where, key))}`);
    } else if (typeof value === "object" && !(value instanceof Date)) {
      for (const field in value) {
        const inner = (value as Record<string, unknown>)[field];
        if (inner === undefined || inner === null) continue;
        if (!isWellFormed(field))
          throw new TypeError(
            `${where}: a field name of query parameter '${key}' holds a lone surrogate (not valid Unicode)`,
          );
        parts.push(
          `${name}[${encodeURIComponent(field)}]=${encodeURIComponent(scalar(inner, where, `${key}.${field}`))}`,
        );
      }
    } else {
      parts.push(`${name}=${encodeURIComponent(scalar(value, where, key))}`);
    }
  }
  return parts.join("&");
}

function scalar(value: unknown, where: string, key: string): string {
  if (typeof value === "string") {
    if (isWellFormed(value)) return value;
    throw new TypeError(
      `${where}: query parameter '${key}' holds a lone surrogate (not valid Unicode), which no URL can carry`,
    );
  }
  if (typeof value === "number" || typeof value === "boolean" || typeof value === "bigint") return String(value);
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) throw new TypeError(`${where}: query parameter '${key}' is an invalid Date`);
    return value.toISOString();
  }
  throw new TypeError(
    `${where}: query parameter '${key}' must be a string, number, boolean or Date, an array of them, or an object of them (got ${describeKind(value)})`,
  );
}

/** False for a string `encodeURIComponent` would throw on: half of a surrogate pair. */
export function isWellFormed(text: string): boolean {
  return !/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(text);
}
