/** A command used the wrong way (a bad option, or a request the command refuses); the CLI adds a pointer to --help. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}
