import { createRequire } from "node:module";
import type { JSDocStructure, OptionalKind, Project, StatementStructures } from "ts-morph";
import { isIdentifier } from "../model/naming.js";

// Through `require`: imported as an ES module, Node first scans ts-morph's CommonJS for its export names.
const tsMorph = createRequire(import.meta.url)("ts-morph") as typeof import("ts-morph");
export const { StructureKind } = tsMorph;

let project: Project | undefined;

/**
 * The one way emitters print TypeScript: ts-morph writes a file's statements, with two-space indentation
 * and double quotes, after its header. Declarations with JSDoc (interfaces, functions) are ts-morph
 * structures; statements that are data (import lists, type aliases, operation tables) are given as text
 * laid out by the helpers below, which ts-morph writes as it is (it re-indents the continuation lines of a
 * multi-line type or initializer inside a structure). No formatter runs afterwards; types.ts, from
 * openapi-typescript, is re-indented to match.
 */
export function printTypeScript(header: string, statements: (string | StatementStructures)[]): string {
  project ??= new tsMorph.Project({
    useInMemoryFileSystem: true,
    skipLoadingLibFiles: true,
    manipulationSettings: { indentationText: tsMorph.IndentationText.TwoSpaces, quoteKind: tsMorph.QuoteKind.Double },
  });
  const file = project.createSourceFile("emitted.ts", { statements }, { overwrite: true });
  const text = file.getFullText();
  project.removeSourceFile(file);
  return `${header}\n${text}`; // a blank line after the header, as in types.ts
}

/**
 * The one line width of generated code: where a statement written as text (an import list, a type alias, a
 * table entry) would pass it, it is broken the way a formatter would break it.
 */
export const PRINT_WIDTH = 120;

/** `keyword { a, b } from "x";`, or one name per line when that is wider than PRINT_WIDTH. */
export function importList(
  keyword: "import" | "import type" | "export" | "export type",
  names: readonly string[],
  from: string,
): string {
  const line = `${keyword} { ${names.join(", ")} } from ${JSON.stringify(from)};`;
  return line.length <= PRINT_WIDTH
    ? line
    : `${keyword} {\n${names.map((name) => `  ${name},\n`).join("")}} from ${JSON.stringify(from)};`;
}

/** `{ a: A; b: B }` on one line when `prefix` and it fit, else one member a line, indented by `indent`. */
export function objectType(prefix: string, members: readonly string[], indent = ""): string {
  return braces(prefix, members, "; ", ";", indent);
}

/** `{ a: x, b: y }`, laid out as `objectType` lays out types. */
export function objectLiteral(prefix: string, members: readonly string[], indent = ""): string {
  return braces(prefix, members, ", ", ",", indent);
}

function braces(
  prefix: string,
  members: readonly string[],
  separator: string,
  terminator: string,
  indent: string,
): string {
  const line = `{ ${members.join(separator)} }`;
  if (prefix.length + line.length <= PRINT_WIDTH) return line;
  return `{\n${members.map((member) => `${indent}  ${member}${terminator}\n`).join("")}${indent}}`;
}

/** `export type Name = type;`, the type on its own line when it does not fit after the name. */
export function typeAlias(name: string, type: string): string {
  const line = `export type ${name} = ${type};`;
  return line.length <= PRINT_WIDTH || type.startsWith("{") || type.includes("\n")
    ? line
    : `export type ${name} =\n  ${type};`;
}

/** A JSDoc comment's text, safe inside `/** … *\/`. */
export function escapeDoc(text: string): string {
  return text.replace(/\*\//g, "*\\/").replace(/\r\n?/g, "\n");
}

export function doc(description: string, tags: { tagName: string; text: string }[] = []): OptionalKind<JSDocStructure> {
  return { description: escapeDoc(description), tags: tags.map((tag) => ({ ...tag, text: escapeDoc(tag.text) })) };
}

/** A property key as TypeScript needs it: bare when it is an identifier, quoted otherwise (`"customField.Fields"`). */
export function propertyName(name: string): string {
  return isIdentifier(name) ? name : JSON.stringify(name);
}
