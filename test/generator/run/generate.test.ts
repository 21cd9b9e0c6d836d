import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { cp, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { parse as parseYaml } from "yaml";
import { afterAll, describe, expect, it } from "vitest";
import { loadSpecs } from "../../../generator/spec/load.js";
import { buildDomainModel } from "../../../generator/model/build-model.js";
import type { DomainWithSpec } from "../../../generator/model/domain-model.js";
import { LATEST, PREVIOUS, ROOT, readTree, runProcess, stgen, tempDir } from "../../helpers.js";

const MINI = path.join(ROOT, "test/fixtures/mini.yaml");
const TINY = path.join(ROOT, "test/fixtures/tiny.yaml");

async function models(dir: string): Promise<DomainWithSpec[]> {
  return (await loadSpecs(dir)).map(buildDomainModel);
}
const byId = (domains: DomainWithSpec[], domain: string, id: string) =>
  domains.find((d) => d.name === domain)!.operations.find((op) => op.operationId === id)!;

describe("model of the real specs", async () => {
  const latest = await models(LATEST);
  const previous = await models(PREVIOUS);
  const all = latest.flatMap((d) => d.operations);

  it("has 24 domains and 559 operations (571 in the previous release)", () => {
    expect(latest.map((d) => d.name)).toContain("equipmentSystems");
    expect(latest).toHaveLength(24);
    expect(all).toHaveLength(559);
    expect(previous.flatMap((d) => d.operations)).toHaveLength(571);
  });

  it("takes the module path from servers, whatever the host", () => {
    expect(latest.find((d) => d.name === "equipmentSystems")!.modulePath).toBe("/equipmentsystems/v2");
    expect(latest.find((d) => d.name === "telecom")!.modulePath).toBe("/telecom");
    expect(previous.find((d) => d.name === "crm")!.modulePath).toBe("/crm/v2"); // 3.0.1 lists only the integration host
  });

  it("recognises the awkward operations", () => {
    expect(byId(latest, "marketingReputation", "reviews")).toMatchObject({
      group: null,
      methodName: "reviews",
      resultKind: "json",
    });
    const cancel = byId(latest, "inventory", "Receipts_CancelReceipts");
    expect(cancel.pathParams.map((p) => p.arg)).toEqual(["id"]);
    expect(cancel.queryParams.map((p) => [p.name, p.arg])).toEqual([["id", "queryId"]]);
    expect(byId(latest, "telecom", "Calls_GetRecording")).toMatchObject({
      resultKind: "binary",
      path: "/v2/tenant/{tenant}/calls/{id}/recording",
    });
    expect(byId(latest, "pricebook", "Images_Get").resultKind).toBe("binary"); // declared only as a 302
    expect(byId(latest, "pricebook", "Images_Post").body?.binaryFields).toEqual(["file"]);
    expect(byId(latest, "crm", "Customers_GetList").scopes).toEqual(["tn.crm.customers:r"]);
    expect(byId(previous, "crm", "Customers_GetList").scopes).toEqual([]);
    expect(all.filter((op) => op.queryParams.some((p) => p.name.includes(".")))).not.toHaveLength(0);
    expect(all.filter((op) => op.resultKind === "none").length).toBeGreaterThanOrEqual(70);
  });

  it("detects paged lists and export feeds only where the response shape fits", () => {
    const paged = all.filter((op) => op.pagination === "page");
    const exports = all.filter((op) => op.pagination === "export");
    // The 52 operations under /export/ plus sales's /estimates/export, which has the same shape.
    expect(exports.filter((op) => op.path.includes("/export/"))).toHaveLength(52);
    expect(exports.filter((op) => !op.path.includes("/export/")).map((op) => op.path)).toEqual([
      "/tenant/{tenant}/estimates/export",
    ]);
    // Every operation with page + pageSize + includeTotal returning a PaginatedResponse_Of_… (150), and
    // 8 more that take page/pageSize and answer the same { page, hasMore, data } shape.
    expect(paged).toHaveLength(158);
    expect(byId(latest, "accounting", "InventoryBills_GetList").pagination).toBeNull(); // bare array
    expect(byId(latest, "jpm", "BudgetCodes_ListCompanySegments").pagination).toBeNull(); // { data } only
    expect(byId(latest, "jpm", "Export_Jobs").pagination).toBe("export");
  });
});

describe("stgen generate", () => {
  const scratch: string[] = [];
  afterAll(() => Promise.all(scratch.map((dir) => rm(dir, { recursive: true, force: true }))));

  it("regenerates the committed generated/ byte for byte from the shared latest release and the shipped overlays", async () => {
    // Beside generated/, so that `--runtime ./runtime/index.js` gives the same relative imports.
    const out = await mkdtemp(path.join(ROOT, ".test-generated-"));
    const specs = await tempDir();
    scratch.push(out, specs);
    await cp(LATEST, specs, { recursive: true });
    await cp(path.join(ROOT, "specs/overlays"), path.join(specs, "overlays"), { recursive: true });
    const run = await stgen([
      "generate",
      "--no-cache",
      "--strict",
      "--specs",
      specs,
      "--out",
      out,
      "--runtime",
      "./runtime/index.js",
    ]);
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^crm\s+86 operations/m);
    expect(run.stdout).toMatch(/24 domains, 559 operations: wrote 146 files to .* in [\d.]+ s/);
    expect(await readTree(out)).toEqual(await readTree(path.join(ROOT, "generated")));
  }, 120_000);

  it("generates the previous (3.0.1) release twice, byte-identical, and the output type-checks", async () => {
    // Inside the repo, so the generated imports of ../../runtime resolve.
    const first = path.join(ROOT, ".test-generated-previous");
    const second = await tempDir();
    scratch.push(first, second);
    expect((await stgen(["generate", "--no-cache", "--specs", PREVIOUS, "--out", first])).code).toBe(0);
    expect((await stgen(["generate", "--no-cache", "--specs", PREVIOUS, "--out", second])).code).toBe(0);
    const tree = await readTree(first);
    expect(tree).toEqual(await readTree(second));
    expect(JSON.parse(tree["manifest.json"]!).totals).toEqual({ domains: 24, operations: 571 });
    expect(Object.keys(tree).filter((file) => !twoSpaceIndented(tree[file]!))).toEqual([]);

    const tsconfig = path.join(ROOT, ".test-generated-previous.tsconfig.json");
    scratch.push(tsconfig);
    await writeFile(
      tsconfig,
      JSON.stringify({ extends: "./tsconfig.json", include: [".test-generated-previous", "runtime"] }),
    );
    const tsc = await runProcess(process.execPath, [
      path.join(ROOT, "node_modules/typescript/bin/tsc"),
      "-p",
      tsconfig,
    ]);
    expect(tsc.stdout + tsc.stderr).toBe("");
    expect(tsc.code).toBe(0);
  }, 180_000);

  /** The small YAML fixture as `mini-v2.yaml` in a specs folder of its own, generated into `out`. */
  async function generateMini(): Promise<{ specs: string; out: string }> {
    const specs = await tempDir();
    const out = await tempDir();
    scratch.push(specs, out);
    await writeFile(path.join(specs, "mini-v2.yaml"), await readFile(MINI, "utf8"));
    expect((await stgen(["generate", "--no-cache", "--specs", specs, "--out", out])).code).toBe(0);
    return { specs, out };
  }

  it("--check writes nothing and exits 1 naming the stale files", async () => {
    const { specs, out } = await generateMini();
    const fresh = await stgen(["generate", "--no-cache", "--specs", specs, "--out", out, "--check"]);
    expect(fresh.code).toBe(0);
    expect(fresh.stdout).toContain("is up to date");

    await writeFile(path.join(out, "mini/client.ts"), "// edited by hand\n");
    await writeFile(path.join(out, "leftover.ts"), "export {};\n");
    await rm(path.join(out, "mini/models.ts"));
    const before = await readTree(out);
    const stale = await stgen(["generate", "--no-cache", "--specs", specs, "--out", out, "--check"]);
    expect(stale.code).toBe(1);
    expect(stale.stderr).toContain("mini/client.ts (differs)");
    expect(stale.stderr).toContain("mini/models.ts (missing)");
    expect(stale.stderr).toContain("leftover.ts (not generated by the current specs)");
    expect(await readTree(out)).toEqual(before);
  }, 60_000);

  describe("--out is replaced as a whole (staged beside it, then swapped in)", () => {
    /** A work folder holding `specs/` (mini-v2.yaml, and tiny-v2.yaml unless `tiny` is false) and where `out/` goes. */
    async function workFolder(tiny = true): Promise<{ work: string; specs: string; out: string }> {
      const work = await tempDir("stgen-atomic-");
      scratch.push(work);
      const specs = path.join(work, "specs");
      await mkdir(specs);
      await writeFile(path.join(specs, "mini-v2.yaml"), await readFile(MINI, "utf8"));
      if (tiny) await writeFile(path.join(specs, "tiny-v2.yaml"), await readFile(TINY, "utf8"));
      return { work, specs, out: path.join(work, "out") };
    }
    const generated = (domains: string[]) =>
      [
        "index.ts",
        "manifest.json",
        ...domains.flatMap((d) =>
          ["README.md", "client.ts", "index.ts", "models.ts", "types.ts", "validation.ts"].map((f) => `${d}/${f}`),
        ),
      ].sort();

    it("removes the files of a domain that is no longer generated", async () => {
      const { work, specs, out } = await workFolder();
      expect((await stgen(["generate", "--no-cache", "--specs", specs, "--out", out])).code).toBe(0);
      expect(Object.keys(await readTree(out)).sort()).toEqual(generated(["mini", "tiny"]));

      await rm(path.join(specs, "tiny-v2.yaml"));
      const run = await stgen(["generate", "--no-cache", "--specs", specs, "--out", out]);
      expect(run.stderr).toBe("");
      expect(run.code).toBe(0);
      expect(Object.keys(await readTree(out)).sort()).toEqual(generated(["mini"]));
      expect(JSON.parse((await readTree(out))["manifest.json"]!).totals).toEqual({ domains: 1, operations: 2 });
      expect((await readdir(work)).sort()).toEqual(["out", "specs"]); // no staging or previous folder left beside it
    }, 60_000);

    it("replaces a folder that sits where a generated file goes (a straight write would fail with EISDIR)", async () => {
      const { work, specs, out } = await workFolder(false);
      await mkdir(path.join(out, "mini/client.ts"), { recursive: true });
      await writeFile(path.join(out, "mini/client.ts/notes.txt"), "not generated\n");
      await writeFile(path.join(out, "leftover.ts"), "export {};\n");
      const run = await stgen(["generate", "--no-cache", "--specs", specs, "--out", out]);
      expect(run.stderr).toBe("");
      expect(run.code).toBe(0);
      const tree = await readTree(out);
      expect(Object.keys(tree).sort()).toEqual(generated(["mini"]));
      expect(tree["mini/client.ts"]).toMatch(/^\/\/ Generated by stgen /);
      expect((await readdir(work)).sort()).toEqual(["out", "specs"]);
    }, 60_000);
  });

  it("emits JSDoc with summary, @deprecated message and the operation, and a 3.0 YAML spec works", async () => {
    const { out } = await generateMini();
    const client = await readFile(path.join(out, "mini/client.ts"), "utf8");
    expect(client).toMatch(
      /^\/\/ Generated by stgen from mini-v2\.yaml \(Mini, info\.version 1\.0, OpenAPI 3\.0\.3\)\.\n\/\/ Spec sha256: [0-9a-f]{64}\n/,
    );
    expect(client).toContain("Do not edit");
    expect(client).toContain("@deprecated Use Gadgets_Get instead");
    expect(client).toContain("`GET /tenant/{tenant}/widgets/{id}` (operationId `Widgets_Get`)");
    // A paged list (page, pageSize, hasMore, data) with `color` required: the helpers' arguments are required too.
    expect(client).toContain("getList: PagedList<[args: WidgetsGetListArgs], PaginatedResponseOfWidgetResponse>;");
    expect(client).toContain(
      'export interface WidgetsGetListArgs extends NonNullable<operations["Widgets_GetList"]["parameters"]["query"]> {}',
    );
    const models = await readFile(path.join(out, "mini/models.ts"), "utf8");
    expect(models).toContain('export type WidgetResponse = components["schemas"]["Mini.V2.WidgetResponse"];');
    expect(models).toContain("export type PaginatedResponseOfWidgetResponse =");
  }, 60_000);
});

/** Indented by two spaces a level, never by tabs (JSDoc continuation lines add the one space before their `*`). */
function twoSpaceIndented(text: string): boolean {
  return text.split("\n").every((line) => {
    const indent = /^ */.exec(line)![0].length;
    return !line.startsWith("\t") && (indent % 2 === 0 || line.slice(indent).startsWith("*"));
  });
}

describe("layout", () => {
  it("every generated file is indented the same way, and names no generator version outside manifest.json", async () => {
    const tree = await readTree(path.join(ROOT, "generated"));
    expect(Object.keys(tree)).toHaveLength(24 * 6 + 2);
    expect(Object.keys(tree).filter((file) => !twoSpaceIndented(tree[file]!))).toEqual([]);
    const version = JSON.parse(tree["manifest.json"]!).generator.version;
    expect(
      Object.keys(tree).filter((file) => file !== "manifest.json" && tree[file]!.includes(`stgen ${version}`)),
    ).toEqual([]);
    for (const [file, text] of Object.entries(tree))
      if (file.endsWith(".ts") && file !== "index.ts")
        expect(text, file).toMatch(/^\/\/ Generated by stgen from .+\n\/\/ Spec sha256: [0-9a-f]{64}\n/);
  }, 60_000);
});

describe("specs/ and its lock file", () => {
  it("holds the shared latest release unmodified, and the lock records each file", async () => {
    const lock = JSON.parse(await readFile(path.join(ROOT, "specs/specs.lock.json"), "utf8"));
    const files = (await readdir(LATEST)).sort();
    const overlay = "overlays/servicetitan-known-drift.yaml";
    expect(Object.keys(lock).sort()).toEqual([...files, overlay].sort());
    const overlayText = await readFile(path.join(ROOT, "specs", overlay));
    expect(lock[overlay]).toEqual({ sha256: createHash("sha256").update(overlayText).digest("hex"), actions: 3 });
    delete lock[overlay];
    for (const file of files) {
      const shared = await readFile(path.join(LATEST, file));
      expect((await readFile(path.join(ROOT, "specs", file))).equals(shared)).toBe(true);
      expect(lock[file].sha256).toBe(createHash("sha256").update(shared).digest("hex"));
      expect(lock[file]).toMatchObject({ openapi: "3.1.0", version: "1.0" });
    }
    expect(Object.values(lock).reduce((sum: number, entry: any) => sum + entry.operations, 0)).toBe(559);
  });

  it("refuses to generate from specs that no longer match their lock file", async () => {
    const specs = await tempDir();
    await writeFile(path.join(specs, "mini-v2.yaml"), await readFile(MINI, "utf8"));
    expect((await stgen(["lock", "--specs", specs])).code).toBe(0);
    await writeFile(path.join(specs, "mini-v2.yaml"), (await readFile(MINI, "utf8")) + "\n# edited\n");
    const run = await stgen(["generate", "--no-cache", "--specs", specs, "--out", path.join(specs, "out"), "--check"]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(
      "specs.lock.json does not match the spec files: mini-v2.yaml differs from the locked sha256",
    );
    await rm(specs, { recursive: true, force: true });
  }, 60_000);
});

describe("bad specs", () => {
  const base = () => parseYaml(MINI_TEXT) as Record<string, any>;
  let MINI_TEXT = "";

  const cases: { name: string; file: string; content: () => string; pointer: string; message: RegExp }[] = [
    {
      name: "invalid JSON",
      file: "bad-v2.json",
      content: () => '{\n  "openapi": "3.1.0",\n  "paths": {\n    "/x": { "get": { "operationId": "A_B", } }\n  }\n}',
      pointer: "#/paths/~1x/get",
      message: /invalid JSON at line 4, column \d+/,
    },
    {
      name: "invalid YAML",
      file: "bad-v2.yaml",
      content: () => "openapi: 3.0.3\npaths:\n  /x:\n    get: [unclosed\n",
      pointer: "#/paths/~1x/get/0",
      message:
        /invalid YAML at line 5, column 1: Flow sequence in block collection must be sufficiently indented and end with a \]$/,
    },
    {
      name: "a dangling $ref",
      file: "bad-v2.json",
      content: () => {
        const doc = base();
        doc.paths["/tenant/{tenant}/widgets/{id}"].get.responses["200"].content["application/json"].schema.$ref =
          "#/components/schemas/Nope";
        return JSON.stringify(doc);
      },
      pointer: "#/paths/~1tenant~1{tenant}~1widgets~1{id}/get/responses/200/content/application~1json/schema/$ref",
      message: /dangling \$ref '#\/components\/schemas\/Nope'/,
    },
    {
      name: "a missing operationId",
      file: "bad-v2.json",
      content: () => {
        const doc = base();
        delete doc.paths["/tenant/{tenant}/widgets"].get.operationId;
        return JSON.stringify(doc);
      },
      pointer: "#/paths/~1tenant~1{tenant}~1widgets/get/operationId",
      message: /GET \/tenant\/\{tenant\}\/widgets has no operationId/,
    },
    {
      name: "a duplicate operationId",
      file: "bad-v2.json",
      content: () => {
        const doc = base();
        doc.paths["/tenant/{tenant}/widgets"].get.operationId = "Widgets_Get";
        return JSON.stringify(doc);
      },
      pointer: "#/paths/~1tenant~1{tenant}~1widgets/get/operationId",
      message:
        /duplicate operationId 'Widgets_Get' \(first used at \/paths\/~1tenant~1\{tenant\}~1widgets~1\{id\}\/get\/operationId\)/,
    },
    {
      name: "method clash by case: Customers_Get, customers_get (test/fixtures/method-clash.yaml)",
      file: "clash-v2.yaml",
      content: () => readFileSync(path.join(ROOT, "test/fixtures/method-clash.yaml"), "utf8"),
      pointer: "#/paths/~1tenant~1{tenant}~1customers~1{id}~1legacy/get/operationId",
      message:
        /operationId 'customers_get' and 'Customers_Get' \(at \/paths\/~1tenant~1\{tenant\}~1customers~1\{id\}\/get\/operationId\) both become the method st\.clash\.customers\.get$/,
    },
    {
      name: "method clash by underscore: Widgets_GetList, Widgets_Get_List",
      file: "bad-v2.json",
      content: () => {
        const doc = base();
        const tenant = { name: "tenant", in: "path", required: true, schema: { type: "integer" } };
        doc.paths["/tenant/{tenant}/widgets"].post = {
          operationId: "Widgets_Get_List",
          parameters: [tenant],
          responses: { "200": { description: "OK" } },
        };
        return JSON.stringify(doc);
      },
      pointer: "#/paths/~1tenant~1{tenant}~1widgets/post/operationId",
      message:
        /operationId 'Widgets_Get_List' and 'Widgets_GetList' \(at \/paths\/~1tenant~1\{tenant\}~1widgets\/get\/operationId\) both become the method st\.mini\.widgets\.getList$/,
    },
    {
      name: "an unknown OpenAPI version",
      file: "bad-v2.json",
      content: () => JSON.stringify({ ...base(), openapi: "4.0.0" }),
      pointer: "#/openapi",
      message: /unsupported OpenAPI version "4.0.0": expected 3.0.x or 3.1.x/,
    },
    {
      name: "Swagger 2.0",
      file: "bad-v2.json",
      content: () => {
        const { openapi: _openapi, ...rest } = base();
        return JSON.stringify({ swagger: "2.0", ...rest });
      },
      pointer: "#/openapi",
      message: /Swagger 2.0 is not supported/,
    },
  ];

  it.each(cases)(
    "$name: exit code 2, file and pointer named, --out untouched",
    async ({ file, content, pointer, message }) => {
      MINI_TEXT = await readFile(MINI, "utf8");
      const specs = await tempDir();
      const out = await tempDir();
      await writeFile(path.join(specs, "good-v2.yaml"), MINI_TEXT);
      await writeFile(path.join(specs, file), content());
      await mkdir(path.join(out, "crm"), { recursive: true });
      await writeFile(path.join(out, "crm/client.ts"), "// the previous output\n");
      const before = await readTree(out);

      const run = await stgen(["generate", "--no-cache", "--specs", specs, "--out", out]);
      expect(run.code).toBe(2);
      const [line, ...rest] = run.stderr.trim().split("\n");
      expect(rest).toEqual([]); // one clear line, no stack trace
      expect(line).toContain(`stgen: invalid spec: ${path.join(specs, file)}${pointer}: `);
      expect(line).toMatch(message);
      expect(await readTree(out)).toEqual(before);
      await rm(specs, { recursive: true, force: true });
      await rm(out, { recursive: true, force: true });
    },
    60_000,
  );

  it("an empty or missing specs folder is an error too", async () => {
    const empty = await tempDir();
    expect((await stgen(["generate", "--no-cache", "--specs", empty, "--out", empty])).stderr).toContain(
      "no *.json, *.yaml or *.yml spec files",
    );
    const missing = await stgen(["generate", "--no-cache", "--specs", path.join(empty, "nope")]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("cannot read the specs folder");
  });
});
