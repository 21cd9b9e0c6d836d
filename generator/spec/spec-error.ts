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
