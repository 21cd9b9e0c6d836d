import { generate } from "../run/generate.js";

export interface GenerateCommandArgs {
  specs: string;
  out: string;
  check: boolean;
  cache: boolean;
  cacheDir: string;
  runtime: string;
  strict: boolean;
}

/** `stgen generate`: one line per domain, then a summary; with `--check`, exit 1 naming the stale files. */
export async function runGenerateCommand(args: GenerateCommandArgs): Promise<number> {
  const result = await generate({
    specsDir: args.specs,
    outDir: args.out,
    check: args.check,
    cacheDir: args.cache ? args.cacheDir : false,
    runtime: args.runtime,
    strict: args.strict,
    onProgress: (line) => console.log(line),
    onWarning: (line) => console.error(line),
  });
  const seconds = (result.elapsedMs / 1000).toFixed(2);
  if (args.check && result.stale.length > 0) {
    console.error(`${args.out} is stale: ${result.stale.length} file(s) differ from what the specs generate:`);
    for (const file of result.stale) console.error(`  ${file}`);
    console.error("Run `npm run generate` and commit the result.");
    return 1;
  }
  const verb = args.check ? `${args.out} is up to date` : `wrote ${result.files} files to ${args.out}`;
  const reused = result.cached ? ` (${result.cached} domains unchanged, from the cache)` : "";
  console.log(`${result.domains} domains, ${result.operations} operations: ${verb} in ${seconds} s${reused}`);
  return 0;
}
