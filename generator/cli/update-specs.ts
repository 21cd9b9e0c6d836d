import { renderSummary } from "../diff/render.js";
import { updateSpecs } from "../run/update-specs.js";

export interface UpdateSpecsCommandArgs {
  folder: string;
  specs: string;
  out: string;
  runtime: string;
  remove: string[];
  strict: boolean;
}

/** `stgen update-specs`: progress and renames on stderr, the diff summary on stdout. */
export async function runUpdateSpecsCommand(args: UpdateSpecsCommandArgs): Promise<void> {
  const result = await updateSpecs({
    from: args.folder,
    specsDir: args.specs,
    outDir: args.out,
    runtime: args.runtime,
    remove: args.remove,
    strict: args.strict,
    onProgress: (line) => console.error(line),
    onWarning: (line) => console.error(line),
  });
  for (const [from, to] of result.renamed) console.error(`${from} → ${args.specs}/${to}`);
  for (const { name, file } of result.removed) console.error(`removed ${name} (${args.specs}/${file})`);
  console.error(`${args.specs}/ updated and locked; ${result.generated.files} files regenerated in ${args.out}/`);
  console.log(renderSummary(result.report));
}
