import * as prettier from "prettier";

/**
 * Prettier settings are fixed here (not read from the user's config), so output never depends on where it
 * runs. The `babel-ts` parser prints this code exactly as the `typescript` parser does (a test checks)
 * and loads and parses in half the time.
 */
const OPTIONS: prettier.Options = { parser: "babel-ts", printWidth: 120, trailingComma: "all" };

export function formatTypeScript(text: string): Promise<string> {
  return prettier.format(text, OPTIONS);
}
