import { lockSpecs } from "../run/lock-specs.js";

/** `stgen lock`: records the spec files now in `--specs` in their lock file. */
export async function runLockCommand(args: { specs: string }): Promise<void> {
  const count = await lockSpecs(args.specs, (line) => console.error(line));
  console.log(`wrote ${args.specs}/specs.lock.json (${count} spec and overlay files)`);
}
