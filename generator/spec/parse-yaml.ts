import { isMap, isPair, isScalar, isSeq, parseDocument, type Node as YamlNode } from "yaml";
import { SpecError } from "./spec-error.js";
import { escapePointerSegment } from "./pointer.js";

/** Parses a YAML spec; a syntax error names the line, column and the JSON pointer of where it happened. */
export function parseYaml(displayPath: string, text: string): unknown {
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
        return yamlPointerAt(value, offset, `${prefix}/${escapePointerSegment(key)}`);
      }
    }
  } else if (isSeq(node)) {
    for (const [index, item] of node.items.entries()) {
      const range = (item as YamlNode | null)?.range;
      if (range && offset >= range[0] && offset <= range[2])
        return yamlPointerAt(item as YamlNode, offset, `${prefix}/${index}`);
    }
  }
  return prefix;
}
