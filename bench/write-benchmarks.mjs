// Writes BENCHMARKS.md from bench/results.json: every figure in it comes from that file, none typed by hand.
// Run alone: node bench/write-benchmarks.mjs (after npm run bench).
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

/** The text of BENCHMARKS.md for these results (a test checks the committed file is exactly this). */
export function benchmarksMd(results) {
  const { machine } = results;
  const lines = [
    "# Benchmarks",
    "",
    `Written by \`npm run bench\` from [bench/results.json](bench/results.json) on ${results.date.slice(0, 10)}; do not edit by hand.`,
    `Machine: ${machine.cpu}, ${machine.cores} cores, ${machine.memoryGiB} GiB, Node ${machine.node}, ${machine.platform}. The whole run took ${results.durationSeconds} s.`,
    "Every ratio is against a baseline measured in the same run (and, where it matters, in interleaved rounds), so a noisy machine moves both alike.",
    "",
    "To re-run: `npm run bench` (about five minutes; rewrites bench/results.json and this file), `npm run bench:quick` (under two minutes, writes bench/results.quick.json only), or one section's own script, named under it.",
    "",
    "## Targets",
    "",
    "| target | measured | |",
    "|---|---|---|",
    ...results.sections.flatMap((s) =>
      (s.targets ?? []).map((t) => `| ${t.what} | ${t.measured} | ${t.met ? "met" : "**missed**"} |`),
    ),
    "",
  ];
  for (const section of results.sections) {
    lines.push(
      `## ${section.title}`,
      "",
      `Re-run: \`${section.rerun}\``,
      "",
      `| ${section.columns.join(" | ")} |`,
      `|${section.columns.map(() => "---").join("|")}|`,
    );
    for (const row of section.rows) lines.push(`| ${row.join(" | ")} |`);
    lines.push("", ...(section.notes ?? []).flatMap((note) => [note, ""]));
  }
  return lines.join("\n");
}

export function writeBenchmarksMd(root, results) {
  writeFileSync(path.join(root, "BENCHMARKS.md"), benchmarksMd(results));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const root = fileURLToPath(new URL("..", import.meta.url));
  writeBenchmarksMd(root, JSON.parse(readFileSync(path.join(root, "bench/results.json"), "utf8")));
}
