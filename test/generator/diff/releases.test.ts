import { Ajv } from "ajv";
import { cp, mkdir, readdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import { RULES } from "../../../generator/diff/changes.js";
import { diffReleases, type DiffReport } from "../../../generator/diff/diff-releases.js";
import { renderJson, renderMarkdown } from "../../../generator/diff/render.js";
import { readRelease } from "../../../generator/diff/sources.js";
import { loadSpecs } from "../../../generator/spec/load.js";
import { updateSpecs } from "../../../generator/run/update-specs.js";
import { LATEST, PREVIOUS, ROOT, stgen, tempDir } from "../../helpers.js";

/** `stgen diff` on the two real releases, its outputs, the CLI, `update-specs` and the PR workflow. */
let report: DiffReport;

beforeAll(async () => {
  report = diffReleases(await readRelease(PREVIOUS), await readRelease(LATEST));
});

describe("2026-03-17 → 2026-05-21", () => {
  it("reports the 28 removed and 16 added operations, each with its generated method", () => {
    const removed = report.changes.filter(
      (c) => c.rule === "api-removed-without-deprecation" || c.rule === "api-removed-after-deprecation",
    );
    const added = report.changes.filter((c) => c.rule === "endpoint-added");
    expect(removed).toHaveLength(28);
    expect(added).toHaveLength(16);
    expect(removed.map((c) => `${c.domain} ${c.operation!.method} ${c.operation!.path}`)).toContain(
      "crm GET /tenant/{tenant}/customers/{id}/description",
    );
    expect(added.map((c) => `${c.domain} ${c.operation!.method} ${c.operation!.path}`)).toContain(
      "sales GET /tenant/{tenant}/estimate-templates",
    );
    expect(removed.find((c) => c.operation!.operationId === "Customers_GetDescription")!.clientMethod).toBe(
      "st.crm.customers.getDescription",
    );
    expect(report.old.operations - removed.length + added.length).toBe(report.new.operations);
  });

  it("reports nothing where only the nullable notation changed", async () => {
    // Each of these is `nullable: true` in 3.0.1 and `type: [T, "null"]` or `oneOf: [{$ref}, {type: "null"}]` in 3.1.0.
    const [older, newer] = await Promise.all([
      readFile(path.join(PREVIOUS, "crm-v2.json"), "utf8"),
      readFile(path.join(LATEST, "crm-v2.json"), "utf8"),
    ]);
    const field = (text: string) => JSON.parse(text).components.schemas["Crm.V2.Customers.CustomerResponse"].properties;
    expect(field(older).mergedToId).toMatchObject({ nullable: true, type: "integer" });
    expect(field(newer).mergedToId).toMatchObject({ type: ["integer", "null"] });
    const about = (name: string) =>
      report.changes.filter((c) => c.domain === "crm" && (c.location ?? "").split(/[ .[\]]/).includes(name));
    for (const name of ["mergedToId", "paymentTermId", "creditLimit", "creditLimitBalance"])
      expect(about(name)).toEqual([]);
    const nullableFlips = report.changes.filter(
      (c) => c.rule.endsWith("became-nullable") || c.rule.endsWith("became-not-nullable"),
    );
    expect(nullableFlips.length).toBeLessThan(20); // real ones (telecom v3 calls), not one per field of 5,000
    expect(nullableFlips.every((c) => c.domain === "telecom")).toBe(true);
  });

  it("compares every exported type: webhook models gone, names that moved to another schema, none repeated from an operation", () => {
    const removed = report.changes.filter((c) => c.rule === "type-removed");
    expect(removed).toHaveLength(89);
    expect(removed.filter((c) => /Webhook|CloudEvent/.test(c.message))).toHaveLength(54);
    expect(removed.map((c) => `${c.domain} ${c.type}`)).toContain("accounting InvoiceBatchedEventPayload");
    expect(removed.find((c) => c.type === "V2ShiftType")!.message).toBe(
      "exported type V2ShiftType is gone: its schema Dispatch.V2.ShiftType is now exported as ShiftType",
    );
    expect(report.changes.filter((c) => c.rule === "type-added")).toHaveLength(34);
    // Every change of a named schema found under an operation names its type, and no type entry repeats one.
    const underOps = report.changes.filter((c) => c.operation && c.type);
    expect(underOps.length).toBeGreaterThan(250);
    expect(underOps.find((c) => c.location === "request body parameters[].value")!.type).toBe("ReportDataParameter");
    const typeLevel = report.changes.filter((c) => !c.operation && c.type && !c.rule.startsWith("type-"));
    expect(typeLevel).toEqual([]); // 3.1.0 dropped the unreached models rather than changing them
  });

  it("finds what it used to miss: null-only narrowing, nullability at a second sighting, security, constraints, servers", () => {
    const at = (rule: string) => report.changes.filter((c) => c.rule === rule);
    // ReportDataParameter.value: `{ nullable: true }` (any value or null) → `{ type: "null" }` (only null).
    expect(at("request-property-type-changed").map((c) => c.message)).toContain(
      "POST /tenant/{tenant}/report-category/{report_category}/reports/{reportId}/data: request body parameters[].value: type any → null",
    );
    // Telecom leadCall's campaign, createdBy and customer: the same `$ref` → `oneOf [$ref, null]` as businessUnit.
    const nullable = at("response-property-became-nullable").map((c) => c.location);
    for (const name of ["businessUnit", "leadCall.campaign", "leadCall.createdBy", "leadCall.customer"])
      expect(nullable).toContain(`response 200 data[].${name}`);
    // 3.0.1 took the app key as a header or a query parameter; 3.1.0 wants the header and OAuth: per domain, one entry each.
    expect(at("api-security-removed")).toHaveLength(24);
    expect(at("api-security-removed")[0]!.message).toMatch(
      /operations: no longer accepts apiKeyQuery \(query servicetitanapplicationkey\)$/,
    );
    expect(at("api-security-added").map((c) => c.message.replace(/^.*: /, ""))).toEqual(
      Array(24).fill("apiKeyHeader (header ST-App-Key) now also needs oauth (OAuth 2.0)"),
    );
    expect(
      at("request-property-constraint-tightened")
        .map(
          (c) => `${c.operation!.path.replace("/tenant/{tenant}", "")} ${c.location} ${c.message.replace(/^.*: /, "")}`,
        )
        .sort(),
    ).toEqual([
      "/employees request body login maxLength none → 100",
      "/employees request body name maxLength none → 255",
      "/technicians request body bio maxLength none → 4000",
      "/technicians request body login maxLength none → 100",
      "/technicians request body memo maxLength none → 4000",
      "/technicians request body name maxLength none → 255",
      "/technicians request body team maxLength none → 500",
    ]);
    expect(at("servers-changed").find((c) => c.domain === "crm")!.message).toBe(
      "servers: added https://api.servicetitan.io/crm/v2",
    );
    expect(report.summary).toEqual({ breaking: 182, warning: 46, info: 330 });
  });

  it("gives counts by severity, and a JSON report that validates against its published schema", async () => {
    expect(report.summary.breaking).toBeGreaterThanOrEqual(28);
    expect(report.summary).toEqual({
      breaking: report.changes.filter((c) => c.severity === "breaking").length,
      warning: report.changes.filter((c) => c.severity === "warning").length,
      info: report.changes.filter((c) => c.severity === "info").length,
    });
    const schema = JSON.parse(await readFile(path.join(ROOT, "generator/diff/report.schema.json"), "utf8"));
    expect(schema.properties.changes.items.properties.rule.enum).toEqual(Object.keys(RULES));
    const validate = new Ajv({ allErrors: true }).compile(schema);
    expect(validate(JSON.parse(renderJson(report))), JSON.stringify(validate.errors)).toBe(true);
    const markdown = renderMarkdown(report);
    expect(markdown.split("\n")[1]).toMatch(/^### ServiceTitan spec diff: ❌ \*\*\d+ breaking changes\*\*/);
    expect(markdown.indexOf("#### Breaking changes")).toBeLessThan(markdown.indexOf("<details>"));
  });

  it("a release diffed with itself, or with a re-serialised copy of itself, is empty", async () => {
    const copy = await tempDir("respec-");
    for (const file of (await readdir(LATEST)).filter((f) => f.endsWith(".json"))) {
      const doc = JSON.parse(await readFile(path.join(LATEST, file), "utf8"));
      await writeFile(path.join(copy, file), JSON.stringify(sortKeys(doc))); // other key order, no indentation
    }
    expect(diffReleases(await readRelease(LATEST), await readRelease(LATEST)).changes).toEqual([]);
    expect(diffReleases(await readRelease(LATEST), await readRelease(copy)).changes).toEqual([]);
  });
});

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === "object")
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .reverse()
        .map((k) => [k, sortKeys((value as Record<string, unknown>)[k])]),
    );
  return value;
}

describe("stgen diff on the command line", () => {
  it("prints markdown or JSON, and --fail-on sets the exit code", async () => {
    const markdown = await stgen(["diff", PREVIOUS, LATEST]);
    expect(markdown.code).toBe(0);
    expect(markdown.stdout).toContain("<!-- stgen-diff -->");
    const json = await stgen(["diff", PREVIOUS, LATEST, "--format", "json", "--fail-on", "breaking"]);
    expect(json.code).toBe(1);
    expect(JSON.parse(json.stdout).summary.breaking).toBeGreaterThan(0);
    const same = await stgen([
      "diff",
      path.join(LATEST, "crm-v2.json"),
      path.join(LATEST, "crm-v2.json"),
      "--fail-on",
      "warning",
    ]);
    expect(same.code).toBe(0);
    expect(same.stdout).toContain("✅ no changes");
  }, 60_000);

  it("--base compares specs/ at a git ref with the working tree", async () => {
    const run = await stgen(["diff", "--base", "HEAD", "--format", "json"]);
    expect(run.stderr).toBe("");
    const parsed = JSON.parse(run.stdout);
    expect(parsed.old.label).toBe("HEAD:specs");
    expect(parsed.changes).toEqual([]); // the committed specs are the working tree's
    const bad = await stgen(["diff", "--base", "no-such-ref"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("cannot read specs/ at git ref 'no-such-ref'");
  }, 60_000);
});

describe("stgen update-specs", () => {
  it("maps downloaded files to domains, locks, regenerates, and reports the change; a bad release changes nothing", async () => {
    const work = await tempDir("update-");
    const specsDir = path.join(work, "specs");
    const outDir = path.join(work, "generated");
    await cp(LATEST, specsDir, { recursive: true });
    const download = path.join(work, "download");
    await mkdir(download);
    // As downloaded: file names that say nothing about the domain.
    for (const [i, file] of (await readdir(PREVIOUS)).sort().entries())
      await cp(path.join(PREVIOUS, file), path.join(download, `OpenAPI Document (${i}).json`));

    const result = await updateSpecs({ from: download, specsDir, outDir });
    expect((await readdir(specsDir)).sort()).toEqual([...(await readdir(LATEST)), "specs.lock.json"].sort());
    expect(await readFile(path.join(specsDir, "crm-v2.json"), "utf8")).toBe(
      await readFile(path.join(PREVIOUS, "crm-v2.json"), "utf8"),
    );
    const lock = JSON.parse(await readFile(path.join(specsDir, "specs.lock.json"), "utf8"));
    expect(lock["crm-v2.json"].openapi).toBe("3.0.1");
    expect(result.generated.operations).toBe(571);
    expect(result.renamed).toHaveLength(24);
    expect(result.report.changes.filter((c) => c.rule === "endpoint-added")).toHaveLength(28); // latest → previous: the removed ones come back

    const broken = path.join(work, "broken");
    await cp(download, broken, { recursive: true });
    await writeFile(path.join(broken, "OpenAPI Document (3).json"), "{ not json");
    const before = await readFile(path.join(specsDir, "specs.lock.json"), "utf8");
    await expect(updateSpecs({ from: broken, specsDir, outDir })).rejects.toThrow(/invalid JSON/);
    expect(await readFile(path.join(specsDir, "specs.lock.json"), "utf8")).toBe(before);
    expect((await loadSpecs(specsDir)).length).toBe(24);
  }, 120_000);
});

describe("the PR workflow", () => {
  it("parses, runs on PRs touching specs/, and only runs stgen commands and flags that exist", async () => {
    const text = await readFile(path.join(ROOT, ".github/workflows/spec-diff.yml"), "utf8");
    const workflow = parseYaml(text) as {
      on: { pull_request: { paths: string[] } };
      jobs: Record<string, { steps: { run?: string; uses?: string; with?: { script?: string } }[] }>;
    };
    expect(workflow.on.pull_request.paths).toContain("specs/**");
    const steps = Object.values(workflow.jobs).flatMap((job) => job.steps);
    const commands = steps.flatMap((step) => [
      ...(step.run ?? "").matchAll(
        /(?:npx stgen|generator\/cli\.ts) ([a-z-]+)((?: --?[a-z-]+(?: "?[^ "-][^ "]*"?)?)*)/g,
      ),
    ]);
    expect(commands.length).toBeGreaterThan(0);
    for (const [, verb, rest] of commands) {
      const help = await stgen([verb!, "--help"]);
      expect(help.code, `stgen ${verb} --help`).toBe(0);
      for (const [flag] of rest!.matchAll(/--[a-z-]+/g)) expect(help.stdout, `stgen ${verb} ${flag}`).toContain(flag);
    }
    expect(steps.find((step) => step.with?.script)!.with!.script).toContain("<!-- stgen-diff -->");
  }, 60_000);
});

describe("the README's rules table", () => {
  it("lists every rule under its severity", async () => {
    const readme = await readFile(path.join(ROOT, "README.md"), "utf8");
    for (const [rule, severity] of Object.entries(RULES)) {
      const row = readme.split("\n").find((line) => line.startsWith(`| ${severity} |`));
      expect(row, `${severity} row`).toBeDefined();
      expect(row, rule).toContain(`\`${rule}\``);
    }
  });
});
