/** JSON pointers (RFC 6901), the one way every stage names a place in a spec. */
/** RFC 6901: `~` and `/` inside a segment are written `~0` and `~1`. */
export function escapePointerSegment(segment: string | number): string {
  return String(segment).replace(/~/g, "~0").replace(/\//g, "~1");
}

export function pointerOf(segments: readonly (string | number)[]): string {
  return segments.map((s) => "/" + escapePointerSegment(s)).join("");
}

export function unescapePointerSegment(segment: string): string {
  return segment.replace(/~1/g, "/").replace(/~0/g, "~");
}

/** A JSON pointer's segments, `~0`/`~1` and the URI escapes a `$ref` may carry undone; undefined if it is not one. */
export function pointerSegments(pointer: string): string[] | undefined {
  if (pointer === "") return [];
  if (!pointer.startsWith("/")) return undefined;
  try {
    return pointer
      .slice(1)
      .split("/")
      .map((raw) => unescapePointerSegment(decodeURIComponent(raw)));
  } catch {
    return undefined; // a malformed %-escape
  }
}

/** Resolves a JSON pointer ("/components/schemas/X") inside `doc`; undefined when nothing is there. */
export function resolvePointer(doc: unknown, pointer: string): unknown {
  const segments = pointerSegments(pointer);
  if (!segments) return undefined;
  let current: unknown = doc;
  for (const segment of segments) {
    if (current === null || typeof current !== "object" || !Object.hasOwn(current, segment)) return undefined;
    current = (current as Record<string, unknown>)[segment];
  }
  return current;
}
