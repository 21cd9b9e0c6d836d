import { createHash } from "node:crypto";
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { SpecError } from "./spec-error.js";
import { locateJsonSyntaxError } from "./json-locate.js";
import { LOCK_FILE } from "./lock.js";
import type { OpenApiDocument } from "./openapi.js";
import { validateSpec } from "./validate.js";

/** One spec file as read from disk: its text's hash and its parsed, validated document. */
export interface LoadedSpec {
  /** File name inside the specs folder, e.g. `crm-v2.json`. */
  file: string;
  /** Path as the user gave it, for messages. */
  displayPath: string;
  sha256: string;
  document: OpenApiDocument;
  /** The overlays that changed this spec (see overlays.ts), in the order they were applied. */
  overlays?: { file: string; sha256: string }[];
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
  // The YAML parser is loaded only when a YAML spec is there (ServiceTitan ships JSON).
  const document = /\.json$/i.test(filePath)
    ? parseSpecText(filePath, text)
    : checkObject(filePath, (await import("./parse-yaml.js")).parseYaml(filePath, text));
  validateSpec(filePath, document);
  return {
    file: path.basename(filePath),
    displayPath: filePath,
    sha256: createHash("sha256").update(text).digest("hex"),
    document,
  };
}

/** Parses a JSON spec. */
export function parseSpecText(displayPath: string, text: string): OpenApiDocument {
  return checkObject(displayPath, parseJson(displayPath, text));
}

function checkObject(displayPath: string, value: unknown): OpenApiDocument {
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
