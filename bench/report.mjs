// Shared by the benchmarks: print a section as a markdown table, and as one `BENCH_RESULT` JSON line that
// bench/run.mjs collects into bench/results.json (from which BENCHMARKS.md is written).
export function report(section) {
  console.log(`\n${section.title}\n`);
  console.log(`| ${section.columns.join(" | ")} |\n|${section.columns.map(() => "---").join("|")}|`);
  for (const row of section.rows) console.log(`| ${row.join(" | ")} |`);
  for (const target of section.targets ?? [])
    console.log(`${target.met ? "met" : "MISSED"}: ${target.what} (measured ${target.measured})`);
  for (const note of section.notes ?? []) console.log(note);
  console.log(`BENCH_RESULT ${JSON.stringify(section)}`);
}

export const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
export const ratio = (value) => `${value.toFixed(2)}×`;

/** dist/ must match the source; bench/run.mjs builds once for all and sets BENCH_SKIP_BUILD. */
export async function buildOnce(root) {
  if (process.env.BENCH_SKIP_BUILD) return;
  const { execFileSync } = await import("node:child_process");
  execFileSync("npm", ["run", "--silent", "build"], { cwd: root, stdio: "inherit" });
}
