import * as prettier from "prettier";

/** Prettier settings are fixed here (not read from the user's config), so output never depends on where it runs. */
const OPTIONS: prettier.Options = { parser: "typescript", printWidth: 120, trailingComma: "all" };

export function formatTypeScript(text: string): Promise<string> {
  return prettier.format(text, OPTIONS);
}
