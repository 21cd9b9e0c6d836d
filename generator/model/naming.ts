import { RUNTIME_TYPE_REEXPORTS, RUNTIME_VALUE_REEXPORTS } from "./public-names.js";

/**
 * Every name the generator makes up lives here, so the rules are in one place and tested together.
 * The rules are part of the public contract (README "Naming").
 */

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

export function isIdentifier(name: string): boolean {
  return IDENTIFIER.test(name);
}

/** Splits `GetList`, `get_list`, `equipment-systems`, `CSVExport` into words: Get|List, CSV|Export. */
function words(text: string): string[] {
  return text
    .replace(/([a-z0-9])([A-Z])/g, "$1 $2")
    .replace(/([A-Z]+)([A-Z][a-z])/g, "$1 $2")
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean);
}

export function pascalCase(text: string): string {
  return words(text)
    .map((word) => word[0]!.toUpperCase() + word.slice(1))
    .join("");
}

/** `GetList` → `getList`, `CSVExport` → `csvExport`, `equipment-systems` → `equipmentSystems`. */
export function camelCase(text: string): string {
  const [first = "", ...rest] = words(text);
  const head = /^[A-Z0-9]+$/.test(first) ? first.toLowerCase() : first[0]!.toLowerCase() + first.slice(1);
  const name = head + rest.map((word) => word[0]!.toUpperCase() + word.slice(1)).join("");
  return /^\d/.test(name) ? `_${name}` : name;
}

/**
 * Domain name from what the spec serves, whatever its file is called (the portal's `tenant-crm-v2.json`,
 * a browser's `tenant-crm-v2 (1).json`): the first segment of its server path (`/crm/v2` → `crm`), with
 * the words of its title where the title spells the same letters (`/equipmentsystems/v2`, "Equipment
 * Systems" → `equipmentSystems`; `/jpm/v2`, "Job Planning and Management" → `jpm`).
 */
export function domainName(modulePath: string, title: string): string {
  const segment = modulePath.split("/").find(Boolean) ?? "";
  const letters = (text: string) => text.toLowerCase().replace(/[^a-z0-9]/g, "");
  if (segment === "") return camelCase(title);
  return camelCase(letters(title) === letters(segment) ? title : segment);
}

/** A spec file's domain when the spec itself cannot be read: its name without the portal's decorations. */
export function fileDomainName(fileName: string): string {
  const stem = fileName
    .replace(/\.(json|ya?ml)$/i, "")
    .replace(/\s*\(\d+\)$/, "")
    .replace(/^tenant-/i, "")
    .replace(/[-_.]v\d+$/i, "");
  return camelCase(stem);
}

/**
 * Where a method lives: `Customers_GetList` → group `customers`, method `getList`;
 * an id without a `Tag_` prefix (`reviews`) sits on the domain itself (group null).
 * Only the first underscore splits: `A_B_C` → group `a`, method `bC`.
 */
export function methodPlacement(operationId: string): { group: string | null; method: string } {
  const split = operationId.indexOf("_");
  if (split <= 0 || split === operationId.length - 1) return { group: null, method: camelCase(operationId) };
  return { group: camelCase(operationId.slice(0, split)), method: camelCase(operationId.slice(split + 1)) };
}

/**
 * The argument key for a query parameter. Path parameters keep their names; a query parameter whose
 * name is taken (by a path parameter, or by `body`) gets a `query` prefix: `id` → `queryId`.
 * Names that are not identifiers (`customField.Fields`) stay as they are, as quoted keys.
 */
export function queryArgumentName(name: string, taken: ReadonlySet<string>): string {
  return taken.has(name) ? `query${pascalCase(name)}` : name;
}

/**
 * Friendly exported names for a domain's component schemas. Namespaces are dropped and generic
 * arguments joined with `Of`:
 *   `Crm.V2.CustomerResponse` → `CustomerResponse`
 *   `PaginatedResponse_Of_Crm.V2.BookingResponse` → `PaginatedResponseOfBookingResponse`
 * Where two schemas would get the same name, each of them takes namespace segments back, right to
 * left, until the names differ (`Crm.V2.Customers.Note` and `Crm.V2.Locations.Note` →
 * `CustomersNote`, `LocationsNote`). Names in `reserved` (the client's own exports) get a `Model`
 * suffix. The result is stable: it depends only on the set of schema names.
 */
export function friendlySchemaNames(
  schemaNames: readonly string[],
  reserved: ReadonlySet<string> = new Set(),
): Map<string, string> {
  const parts = new Map(schemaNames.map((name) => [name, name.split("_Of_").map((part) => part.split("."))]));
  const depth = new Map(schemaNames.map((name) => [name, 1]));
  const render = (name: string) =>
    parts
      .get(name)!
      .map((segments) => pascalCase(segments.slice(-Math.min(depth.get(name)!, segments.length)).join(" ")))
      .join("Of");

  for (;;) {
    const byFriendly = new Map<string, string[]>();
    for (const name of schemaNames) {
      const friendly = render(name);
      byFriendly.set(friendly, [...(byFriendly.get(friendly) ?? []), name]);
    }
    let grew = false;
    for (const group of byFriendly.values()) {
      if (group.length < 2) continue;
      for (const name of group) {
        const longest = Math.max(...parts.get(name)!.map((segments) => segments.length));
        if (depth.get(name)! < longest) {
          depth.set(name, depth.get(name)! + 1);
          grew = true;
        }
      }
    }
    if (!grew) break;
  }

  const result = new Map<string, string>();
  const used = new Set<string>(reserved);
  for (const name of [...schemaNames].sort()) {
    let friendly = render(name) || "Schema";
    if (/^\d/.test(friendly)) friendly = `Schema${friendly}`;
    if (reserved.has(friendly)) friendly = `${friendly}Model`;
    // Names identical even with every namespace segment back (rare: only case or punctuation differs).
    for (let n = 2; used.has(friendly); n++) friendly = `${render(name)}${n}`;
    used.add(friendly);
    result.set(name, friendly);
  }
  return result;
}

export function groupInterfaceName(group: string): string {
  return `${upperFirst(group)}Api`;
}
export function domainClientName(domain: string): string {
  return `${upperFirst(domain)}Client`;
}
export function domainFactoryName(domain: string): string {
  return `create${upperFirst(domain)}Client`;
}
/** `customers` + `get` → `CustomersGet`, the prefix of `CustomersGetArgs` and `CustomersGetResult`; `reviews` alone → `Reviews`. */
export function operationTypeName(group: string | null, method: string): string {
  return (group === null ? "" : upperFirst(group)) + upperFirst(method);
}
export function upperFirst(name: string): string {
  return name[0]!.toUpperCase() + name.slice(1);
}

/** Names the generated client exports from a domain's entry point; schema names must not take them. */
export function reservedExportNames(
  domain: string,
  operations: readonly { group: string | null; typeName: string }[],
): Set<string> {
  const groups = new Set(operations.map((op) => op.group).filter((g): g is string => g !== null));
  return new Set([
    "paths",
    "components",
    "operations",
    ...RUNTIME_VALUE_REEXPORTS,
    ...RUNTIME_TYPE_REEXPORTS,
    domainClientName(domain),
    domainFactoryName(domain),
    ...[...groups].map(groupInterfaceName),
    ...operations.flatMap((op) => [`${op.typeName}Args`, `${op.typeName}Result`]),
  ]);
}
