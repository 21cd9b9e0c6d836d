#!/usr/bin/env node
// The installed `stgen` runs the built generator (dist/, made by `npm run build` / prepack).
import "../dist/generator/cli.js";
