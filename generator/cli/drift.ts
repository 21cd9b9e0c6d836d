import { access } from "node:fs/promises";
import path from "node:path";
import { groupDrift, renderDriftTable } from "../drift/summarize.js";
import { readDriftEvents } from "../drift/read-events.js";
import { writeDriftOverlay } from "../drift/write-overlay.js";
import { UsageError } from "../run/usage-error.js";
import { LOCK_FILE } from "../spec/lock.js";

export interface DriftCommandArgs {
  events: string;
  writeOverlay?: string;
  specs: string;
}

/**
 * `stgen drift`: the table of what the client saw on stdout; with `--write-overlay`, the overlay that widens
 * those places (what it wrote on stdout, what it skipped and why on stderr). Drift is information: exit 0
 * once the events read.
 */
export async function runDriftCommand(args: DriftCommandArgs): Promise<number> {
  if (args.writeOverlay !== undefined && !/\.ya?ml$/i.test(args.writeOverlay))
    throw new UsageError(`--write-overlay writes YAML: name a *.yaml or *.yml file, not '${args.writeOverlay}'`);
  const events = await readDriftEvents(args.events);
  process.stdout.write(renderDriftTable(groupDrift(events), args.events));
  if (args.writeOverlay === undefined) return 0;
  const result = await writeDriftOverlay({
    events,
    eventsFile: args.events,
    specsDir: args.specs,
    output: args.writeOverlay,
    onWarning: (line) => console.error(line),
  });
  if (!result.written) {
    console.log(`nothing to widen: ${args.writeOverlay} not written`);
    return 0;
  }
  const locations = `${result.widened} schema location${result.widened === 1 ? "" : "s"}`;
  console.log(
    `\nwrote ${args.writeOverlay}: ${result.actions} action${result.actions === 1 ? "" : "s"} widening ${locations}`,
  );
  if (result.inOverlaysFolder) {
    // The lock records each overlay, so generate refuses a folder whose lock does not have this one yet.
    const locked = await access(path.join(args.specs, LOCK_FILE)).then(
      () => true,
      () => false,
    );
    const generate = args.specs === "specs" ? "`stgen generate`" : `\`stgen generate --specs ${args.specs}\``;
    console.log(locked ? `run \`stgen lock --specs ${args.specs}\`, then ${generate}` : `run ${generate}`);
  }
  return 0;
}
