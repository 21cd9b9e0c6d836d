import { createHash } from "node:crypto";
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { isMap, isPair, isScalar, isSeq, parseDocument, type Node as YamlNode } from "yaml";
import { SpecError } from "./errors.js";
import { locateJsonSyntaxError } from "./json-locate.js";
import { LOCK_FILE } from "./lock.js";
import { validateSpec, type OpenApiDocument } from "./validate.js";

/** One spec file as read from disk: its text's hash and its parsed, validated document. */
export interface LoadedSpec {
  /** File name inside the specs folder, e.g. `crm-v2.json`. */
  file: string;
  /** Path as the user gave it, for messages. */
  displayPath: string;
  sha256: string;
  document: OpenApiDocument;
}

const SPEC_FILE = /\.(json|ya?ml)$/i;

export async function listSpecFiles(dir: string): Promise<string[]> {
  let entries: string[];
  try {
    entries = await readdir(dir);
  } catch (error) {
    throw new Error(`cannot read the specs folder '${dir}': ${(error as NodeJS.ErrnoException).code ?? error}`);
  }
  const files = entries.filter((name) => SPEC_FILE.test(name) && name !== LOCK_FILE).sort();
  if (files.length === 0) throw new Error(`no *.json, *.yaml or *.yml spec files in '${dir}'`);
  return files;
}

/** Reads every spec in `dir` (sorted by file name, so output order never depends on the file system). */
export async function loadSpecs(dir: string): Promise<LoadedSpec[]> {
  const files = await listSpecFiles(dir);
  return Promise.all(files.map((file) => loadSpecFile(path.join(dir, file))));
}

export async function loadSpecFile(filePath: string): Promise<LoadedSpec> {
  const text = await readFile(filePath, "utf8");
  const document = parseSpecText(filePath, text);
  validateSpec(filePath, document);
  return {
    file: path.basename(filePath),
    displayPath: filePath,
    sha256: createHash("sha256").update(text).digest("hex"),
    document,
  };
}

export function parseSpecText(displayPath: string, text: string): OpenApiDocument {
  const value = /\.json$/i.test(displayPath) ? parseJson(displayPath, text) : parseYaml(displayPath, text);
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    throw new SpecError(displayPath, "", "the document is not an object");
  }
  return value as OpenApiDocument;
}

function parseJson(displayPath: string, text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    const problem = locateJsonSyntaxError(text);
    throw new SpecError(
      displayPath,
      problem.pointer,
      `invalid JSON at line ${problem.line}, column ${problem.column}: ${problem.message}`,
    );
  }
}

function parseYaml(displayPath: string, text: string): unknown {
  const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  const [error] = doc.errors;
  if (error) {
    const at = error.linePos?.[0];
    const where = at ? ` at line ${at.line}, column ${at.col}` : "";
    const pointer = yamlPointerAt(doc.contents, error.pos[0]);
    const reason = error.message.split("\n")[0]!.replace(/ at line \d+, column \d+:?$/, "");
    throw new SpecError(displayPath, pointer, `invalid YAML${where}: ${reason}`);
  }
  return doc.toJS({ maxAliasCount: -1 });
}

/** The JSON pointer of the deepest YAML node whose source range holds `offset`. */
function yamlPointerAt(node: YamlNode | null, offset: number, prefix = ""): string {
  if (isMap(node)) {
    for (const pair of node.items) {
      if (!isPair(pair)) continue;
      const key = isScalar(pair.key) ? String(pair.key.value) : "";
      const value = pair.value as YamlNode | null;
      const start = (pair.key as YamlNode | null)?.range?.[0] ?? value?.range?.[0];
      const end = value?.range?.[2] ?? (pair.key as YamlNode | null)?.range?.[2];
      if (start !== undefined && end !== undefined && offset >= start && offset <= end) {
        return yamlPointerAt(value, offset, `${prefix}/${key.replace(/~/g, "~0").replace(/\//g, "~1")}`);
      }
    }
  } else if (isSeq(node)) {
    for (const [index, item] of node.items.entries()) {
      const range = (item as YamlNode | null)?.range;
      if (range && offset >= range[0] && offset <= range[2]) return yamlPointerAt(item as YamlNode, offset, `${prefix}/${index}`);
    }
  }
  return prefix;
}
