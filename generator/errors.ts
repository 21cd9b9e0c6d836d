/** A problem in one spec file, located by a JSON pointer (RFC 6901) into that file. */
export class SpecError extends Error {
  constructor(
    readonly file: string,
    readonly pointer: string,
    readonly detail: string,
  ) {
    super(`${file}#${pointer || "/"}: ${detail}`);
    this.name = "SpecError";
  }
}

/** A command used the wrong way (a bad option, or a request the command refuses); the CLI adds a pointer to --help. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

export function escapePointerSegment(segment: string | number): string {
  return String(segment).replace(/~/g, "~0").replace(/\//g, "~1");
}

export function pointerOf(segments: readonly (string | number)[]): string {
  return segments.map((s) => "/" + escapePointerSegment(s)).join("");
}
