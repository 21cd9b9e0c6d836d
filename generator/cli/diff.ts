import { diffReleases, type DiffReport } from "../diff/diff-releases.js";
import { renderJson, renderMarkdown } from "../diff/render.js";
import { readRelease, readReleaseAtRef } from "../diff/sources.js";
import { UsageError } from "../run/usage-error.js";

export interface DiffCommandArgs {
  old?: string;
  new?: string;
  base?: string;
  specs: string;
  format: "markdown" | "json";
  failOn?: "breaking" | "warning";
  overlays: boolean;
}

/** `stgen diff`: prints the report; the exit code is 1 when `--fail-on` finds changes that severe. */
export async function runDiffCommand(args: DiffCommandArgs): Promise<number> {
  let older;
  let newer;
  const read = { overlays: args.overlays, onWarning: (line: string) => console.error(line) };
  if (args.base) {
    if (args.new !== undefined)
      throw new UsageError("with --base, give at most one folder: the new side (default: --specs)");
    [older, newer] = await Promise.all([
      readReleaseAtRef(args.base, args.specs, read),
      readRelease(args.old ?? args.specs, read),
    ]);
  } else {
    if (args.old === undefined || args.new === undefined)
      throw new UsageError("give two folders or files (old and new), or --base <git-ref>");
    [older, newer] = await Promise.all([readRelease(args.old, read), readRelease(args.new, read)]);
  }
  const report = diffReleases(older, newer);
  process.stdout.write(args.format === "json" ? renderJson(report) : renderMarkdown(report));
  return failed(report, args.failOn) ? 1 : 0;
}

function failed(report: DiffReport, failOn: DiffCommandArgs["failOn"]): boolean {
  if (failOn === "breaking") return report.summary.breaking > 0;
  if (failOn === "warning") return report.summary.breaking + report.summary.warning > 0;
  return false;
}
