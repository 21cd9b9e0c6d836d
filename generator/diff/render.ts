import type { Change, Severity } from "./changes.js";
import type { DiffReport } from "./diff-releases.js";

/** The report as JSON (layout: generator/diff/report.schema.json). */
export function renderJson(report: DiffReport): string {
  return JSON.stringify(report, null, 2) + "\n";
}

const HEADINGS: Record<Severity, string> = { breaking: "Breaking changes", warning: "Warnings", info: "Other changes" };
/** A marker the PR workflow finds its own comment by. */
export const COMMENT_MARKER = "<!-- stgen-diff -->";

/** The verdict, the per-domain table and the breaking changes: what `update-specs` prints. */
export function renderSummary(report: DiffReport): string {
  const full = renderMarkdown(report);
  const folded = full.indexOf("<details>");
  return (
    (folded === -1 ? full : full.slice(0, folded)).trimEnd() + "\n\nRun `stgen diff` for warnings and other changes.\n"
  );
}

/**
 * The report as a pull-request comment: a verdict, a table per domain, breaking changes first with the
 * methods they affect, warnings and the rest folded away.
 */
export function renderMarkdown(report: DiffReport): string {
  const { summary } = report;
  const verdict =
    summary.breaking > 0
      ? `❌ **${summary.breaking} breaking change${summary.breaking === 1 ? "" : "s"}**, ${summary.warning} warning(s), ${summary.info} other change(s)`
      : summary.warning > 0
        ? `⚠️ no breaking changes; **${summary.warning} warning(s)**, ${summary.info} other change(s)`
        : summary.info > 0
          ? `✅ no breaking changes, no warnings; ${summary.info} other change(s)`
          : "✅ no changes";
  const lines = [
    COMMENT_MARKER,
    `### ServiceTitan spec diff: ${verdict}`,
    "",
    `\`${report.old.label}\` (${report.old.domains} domains, ${report.old.operations} operations) → \`${report.new.label}\` (${report.new.domains} domains, ${report.new.operations} operations)`,
    "",
    overlaysLine(report),
    "",
  ];
  if (report.domains.length > 0) {
    lines.push("| domain | breaking | warning | info |", "|---|---:|---:|---:|");
    for (const d of report.domains)
      lines.push(`| ${d.name} | ${d.breaking || ""} | ${d.warning || ""} | ${d.info || ""} |`);
    lines.push("");
  }
  const bySeverity = (severity: Severity) => report.changes.filter((c) => c.severity === severity);
  const breaking = bySeverity("breaking");
  if (breaking.length > 0) lines.push(`#### ${HEADINGS.breaking} (${breaking.length})`, "", ...breaking.map(item), "");
  for (const severity of ["warning", "info"] as const) {
    const list = bySeverity(severity);
    if (list.length === 0) continue;
    lines.push(
      `<details><summary>${HEADINGS[severity]} (${list.length})</summary>`,
      "",
      ...list.map(item),
      "",
      "</details>",
      "",
    );
  }
  return lines.join("\n");
}

function item(change: Change): string {
  // An operation's change inside a named schema names the exported type too (the type rules do not repeat it).
  const inType = change.type && change.operation ? `, in type \`${change.type}\`` : "";
  const affects = change.clientMethod ? ` — \`${change.clientMethod}\`${inType}` : "";
  const head = `- **${change.domain}** ${escape(change.message)}${affects} <sub>\`${change.rule}\`</sub>`;
  if (!change.details?.length) return head;
  const shown = change.details.slice(0, 50).map((d) => `  - ${escape(d)}`);
  if (change.details.length > 50) shown.push(`  - … and ${change.details.length - 50} more`);
  return [head, ...shown].join("\n");
}

/** Markdown would read `{tenant}`-free text fine, but `|`, `<` and `*` in spec text must not format. */
function escape(text: string): string {
  return text.replace(/([|<>*_`])/g, "\\$1");
}

/** Whether the releases were compared as ServiceTitan shipped them or with overlays (`stgen diff --overlays`). */
function overlaysLine({ old, new: newer }: DiffReport): string {
  if (old.overlays.length === 0 && newer.overlays.length === 0)
    return "Compared as ServiceTitan shipped them: no overlays applied.";
  const list = (files: string[]) => (files.length ? files.map((file) => `\`${file}\``).join(", ") : "none");
  return `Compared with overlays applied: old side ${list(old.overlays)}; new side ${list(newer.overlays)}.`;
}
