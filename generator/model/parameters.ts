import { deref, type OpenApiDocument, type ParameterObject, type Reference } from "../spec/openapi.js";

/** Operation-level parameters override path-level ones with the same name and location. */
export function mergeParameters(
  doc: OpenApiDocument,
  shared: (ParameterObject | Reference)[],
  own: (ParameterObject | Reference)[],
): ParameterObject[] {
  const merged = new Map<string, ParameterObject>();
  for (const raw of [...shared, ...own]) {
    const param = deref<ParameterObject>(doc, raw);
    merged.set(`${param.in}:${param.name}`, param);
  }
  return [...merged.values()];
}
