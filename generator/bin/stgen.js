#!/usr/bin/env node
// The installed `stgen` runs the built generator (dist/, made when the package is packed). In a clone of
// the repository, where nothing is built, it runs the TypeScript sources through tsx (a dev dependency
// there), so every command works right after `npm ci`.
import { existsSync } from "node:fs";

const built = new URL("../dist/cli/main.js", import.meta.url);
if (existsSync(built)) {
  await import(built.href);
} else {
  const { register } = await import("tsx/esm/api");
  register();
  await import(new URL("../cli/main.ts", import.meta.url).href);
}
