import type { ClientText } from "./emit-clients.js";
import { formatTypeScript } from "./format.js";

/**
 * Formats texts until none is left, taking the next index from a counter both threads share, so the
 * main thread (done with the types) and the client thread split the formatting between them.
 */
export async function formatClaimed(
  texts: readonly ClientText[],
  cursor: Int32Array,
  onFormatted: (index: number, text: string) => void,
): Promise<void> {
  for (let index = Atomics.add(cursor, 0, 1); index < texts.length; index = Atomics.add(cursor, 0, 1)) {
    const [, unformatted, verbatim] = texts[index]!;
    onFormatted(index, (await formatTypeScript(unformatted)) + "\n" + verbatim);
  }
}
