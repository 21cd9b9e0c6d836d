import { cp, mkdir, readFile, readdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { loadSpecs } from "../../../generator/spec/load.js";
import { applyOverlays, loadOverlays } from "../../../generator/spec/overlays.js";
import { LATEST, ROOT, readTree, stgen, tempDir } from "../../helpers.js";

const MINI = path.join(ROOT, "test/fixtures/mini.yaml");

/** A specs folder holding the mini fixture and the given overlays (name → YAML text). */
async function folder(overlays: Record<string, string>): Promise<string> {
  const specs = await tempDir("overlays-");
  await writeFile(path.join(specs, "mini-v2.yaml"), await readFile(MINI, "utf8"));
  await mkdir(path.join(specs, "overlays"));
  for (const [name, text] of Object.entries(overlays)) await writeFile(path.join(specs, "overlays", name), text);
  return specs;
}

const overlay = (...actions: string[]) =>
  ["overlay: 1.0.0", "info: { title: t, version: '1' }", "actions:", ...actions.map((a) => `  - ${a}`)].join("\n") +
  "\n";

async function applied(overlays: Record<string, string>) {
  const specs = await folder(overlays);
  const result = applyOverlays(await loadSpecs(specs), await loadOverlays(specs));
  return { ...result, schemas: (result.specs[0]!.document.components!.schemas ?? {}) as Record<string, any> };
}

describe("applying an overlay (OpenAPI Overlay 1.0)", () => {
  it.each([
    {
      name: "update merges into the selected object, objects recursively",
      action: `{ target: "$.components.schemas['Mini.V2.WidgetResponse'].properties.id", update: { type: [integer, string], format: int64 } }`,
      check: (schemas: Record<string, any>) =>
        expect(schemas["Mini.V2.WidgetResponse"].properties.id).toEqual({
          type: ["integer", "string"],
          format: "int64",
        }),
    },
    {
      name: "update appends its value to a selected list as one entry (Overlay 1.0)",
      action: `{ target: "$.components.schemas['Mini.V2.WidgetResponse'].required", update: name }`,
      check: (schemas: Record<string, any>) =>
        expect(schemas["Mini.V2.WidgetResponse"].required).toEqual(["id", "name"]),
    },
    {
      name: "a list given to a selected list of objects is one entry, and a list inside an object update replaces",
      action: `{ target: "$.info", update: { x-list: [1, 2] } }`,
      before: `{ target: "$.info", update: { x-list: [0] } }`,
      check: (_: unknown, info: Record<string, any>) => expect(info["x-list"]).toEqual([1, 2]),
    },
    {
      name: "remove deletes each selected value",
      action: `{ target: "$.components.schemas['Mini.V2.WidgetResponse'].required", remove: true }`,
      check: (schemas: Record<string, any>) => expect(schemas["Mini.V2.WidgetResponse"]).not.toHaveProperty("required"),
    },
    {
      name: "remove of a value and one inside it removes both, and nothing else",
      action: `{ target: "$.info['x-list']..[?@.n]", remove: true }`,
      before: `{ target: "$.info", update: { x-list: [{ n: 1, k: [{ n: 2 }] }, { n: 3 }, { m: 4 }] } }`,
      check: (_: unknown, info: Record<string, any>) => expect(info["x-list"]).toEqual([{ m: 4 }]),
    },
    {
      name: "a filter selects many places at once",
      action: `{ target: "$.components.schemas[*].properties[?@.type == 'integer']", update: { description: widened } }`,
      check: (schemas: Record<string, any>) => {
        expect(schemas["Mini.V2.WidgetResponse"].properties.id.description).toBe("widened");
        expect(schemas["PaginatedResponse_Of_Mini.V2.WidgetResponse"].properties.page.description).toBe("widened");
      },
    },
  ])(
    "$name",
    async ({
      action,
      check,
      before,
    }: {
      action: string;
      before?: string;
      check: (schemas: Record<string, any>, info: Record<string, any>) => void;
    }) => {
      const { schemas, unmatched, specs } = await applied({ "a.yaml": overlay(...(before ? [before] : []), action) });
      check(schemas, specs[0]!.document.info as Record<string, any>);
      expect(unmatched).toEqual([]);
      expect(specs[0]!.overlays).toEqual([
        { file: "overlays/a.yaml", sha256: expect.stringMatching(/^[0-9a-f]{64}$/) },
      ]);
    },
  );

  it("applies files in name order, and leaves the loaded spec as shipped", async () => {
    const specs = await folder({
      "b.yaml": overlay(`{ target: "$.info", update: { title: second } }`),
      "a.yaml": overlay(`{ target: "$.info", update: { title: first } }`),
    });
    const shipped = await loadSpecs(specs);
    const result = applyOverlays(shipped, await loadOverlays(specs));
    expect(result.specs[0]!.document.info!.title).toBe("second");
    expect(shipped[0]!.document.info!.title).toBe("Mini");
  });

  it("names each action that selects nothing, by file, index and target", async () => {
    const { unmatched } = await applied({
      "a.yaml": overlay(
        `{ target: "$.info", update: { title: x } }`,
        `{ target: "$.components.schemas['Gone']", remove: true }`,
      ),
    });
    expect(unmatched).toEqual([{ overlay: "overlays/a.yaml", index: 1, target: "$.components.schemas['Gone']" }]);
  });

  it("applies an overlay that names its spec (`extends`) to that spec only", async () => {
    const text = overlay(`{ target: "$.info", update: { title: x } }`).replace(
      "actions:",
      "extends: other-v2.json\nactions:",
    );
    const { specs, unmatched } = await applied({ "a.yaml": text });
    expect(specs[0]!.document.info!.title).toBe("Mini");
    expect(unmatched).toHaveLength(1);
  });
});

describe("a bad overlay stops with the file, the action and what is wrong", () => {
  it.each([
    {
      name: "not an overlay",
      text: "openapi: 3.1.0\n",
      message: /overlays\/a\.yaml#\/overlay: not an OpenAPI Overlay 1\.0 document/,
    },
    {
      name: "no actions",
      text: "overlay: 1.0.0\ninfo: { title: t, version: '1' }\nactions: []\n",
      message: /#\/actions: 'actions' must be a non-empty list/,
    },
    {
      name: "an invalid JSONPath",
      text: overlay(`{ target: "$.paths[", remove: true }`),
      message: /#\/actions\/0\/target: invalid JSONPath "\$\.paths\["/,
    },
    {
      name: "neither update nor remove",
      text: overlay(`{ target: "$.info" }`),
      message: /#\/actions\/0: an action needs 'update' or 'remove: true'/,
    },
    {
      name: "an update that makes the spec invalid",
      text: overlay(
        `{ target: "$.info", update: { title: ok } }`,
        `{ target: "$.paths['/tenant/{tenant}/widgets'].get", update: { operationId: Widgets_Get } }`,
      ),
      message: /overlays\/a\.yaml#\/actions\/1: makes mini-v2\.yaml invalid: .*duplicate operationId 'Widgets_Get'/,
    },
    {
      name: "an update of a value that is not an object",
      text: overlay(`{ target: "$.info.title", update: { x: 1 } }`),
      message: /#\/actions\/0: '\$\.info\.title' selects a value that is not an object or a list/,
    },
    {
      name: "a list appended to a list of values (an older overlay's way to add several enum values)",
      text: overlay(`{ target: "$.components.schemas['Mini.V2.WidgetResponse'].required", update: [name] }`),
      message:
        /#\/actions\/0: '.*\.required' selects a list of values, and an update appends its value as one entry \(Overlay 1\.0\)/,
    },
  ])("$name", async ({ text, message }) => {
    const specs = await folder({ "a.yaml": text });
    const out = await tempDir("overlays-out-");
    const run = await stgen(["generate", "--no-cache", "--specs", specs, "--out", out]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(message);
    expect(await readdir(out)).toEqual([]); // nothing written
  });
});

describe("stgen generate with overlays", () => {
  it("types what the overlay admits, reports an unmatched action, and fails with --strict", async () => {
    const specs = await folder({
      "a.yaml": overlay(
        `{ target: "$.components.schemas['Mini.V2.WidgetResponse'].properties.id", update: { type: [integer, string] } }`,
        `{ target: "$.components.schemas['Mini.V2.Gone']", remove: true }`,
      ),
    });
    const out = await tempDir("overlays-out-");
    const run = await stgen(["generate", "--no-cache", "--specs", specs, "--out", out]);
    expect(run.code).toBe(0);
    expect(run.stderr).toContain(
      "warning: overlays/a.yaml action 1 (target $.components.schemas['Mini.V2.Gone']) selects nothing in any spec",
    );
    const types = await readFile(path.join(out, "mini/types.ts"), "utf8");
    expect(types).toMatch(/id: number \| string;/);
    expect(types).toMatch(/^\/\/ Overlay overlays\/a\.yaml applied, sha256: [0-9a-f]{64}$/m);

    const strictOut = await tempDir("overlays-strict-");
    const strict = await stgen(["generate", "--no-cache", "--strict", "--specs", specs, "--out", strictOut]);
    expect(strict.code).toBe(2);
    expect(strict.stderr).toContain("--strict: overlays/a.yaml action 1 (target $.components.schemas['Mini.V2.Gone'])");
    expect(await readdir(strictOut)).toEqual([]);
  }, 60_000);

  it("the lock records each overlay, so an edited overlay fails until it is locked again", async () => {
    const specs = await folder({ "a.yaml": overlay(`{ target: "$.info", update: { title: Mini } }`) });
    expect((await stgen(["lock", "--specs", specs])).code).toBe(0);
    const lock = JSON.parse(await readFile(path.join(specs, "specs.lock.json"), "utf8"));
    expect(lock["overlays/a.yaml"]).toEqual({ sha256: expect.stringMatching(/^[0-9a-f]{64}$/), actions: 1 });
    await writeFile(path.join(specs, "overlays/a.yaml"), overlay(`{ target: "$.info", update: { title: Other } }`));
    const out = await tempDir("overlays-out-");
    const run = await stgen(["generate", "--no-cache", "--specs", specs, "--out", out]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("overlays/a.yaml differs from the locked sha256");
  }, 60_000);
});

describe("the shipped overlay of known drift", () => {
  it("matches in the bundled release and widens exactly the places it names", async () => {
    const { specs, unmatched } = applyOverlays(await loadSpecs(LATEST), await loadOverlays(path.join(ROOT, "specs")));
    expect(unmatched).toEqual([]);
    const accounting = specs.find((spec) => spec.file === "accounting-v2.json")!.document.components!.schemas as Record<
      string,
      any
    >;
    expect(accounting["Inventory.Types.LandedCostMethod"]).toMatchObject({
      type: ["string", "integer"],
      enum: ["None", "ByValue", 0, 1],
    });
    expect(accounting["Accounting.V2.JournalEntryResponse"].properties.postDate.format).toBe("date-time");
    expect(accounting["Accounting.V2.JournalEntrySummaryResponse"].properties.postDate.format).toBe("date"); // only the place it names
    const touched = specs.filter((spec) => spec.overlays?.length).map((spec) => spec.file);
    expect(touched).toEqual(["accounting-v2.json", "inventory-v2.json"]);
  });

  it("stgen diff compares as shipped by default, and says when overlays were applied", async () => {
    const shipped = await stgen(["diff", "specs", "specs"]);
    expect(shipped.stdout).toContain("Compared as ServiceTitan shipped them: no overlays applied.");
    const withOverlays = await stgen(["diff", "specs", path.join(LATEST), "--overlays"]);
    expect(withOverlays.stdout).toContain(
      "Compared with overlays applied: old side `overlays/servicetitan-known-drift.yaml`; new side none.",
    );
    expect(withOverlays.stdout).toContain("landedCostMethod");
  }, 60_000);

  it("update-specs keeps the overlays and applies them to the new release", async () => {
    const work = await tempDir("overlays-update-");
    await cp(path.join(ROOT, "specs"), path.join(work, "specs"), { recursive: true });
    const run = await stgen([
      "update-specs",
      LATEST,
      "--specs",
      path.join(work, "specs"),
      "--out",
      path.join(work, "out"),
      "--strict",
    ]);
    expect(run.code, run.stderr).toBe(0);
    expect(await readFile(path.join(work, "specs/overlays/servicetitan-known-drift.yaml"), "utf8")).toBe(
      await readFile(path.join(ROOT, "specs/overlays/servicetitan-known-drift.yaml"), "utf8"),
    );
    const tree = await readTree(path.join(work, "out"));
    expect(tree["accounting/types.ts"]).toMatch(/\/\/ Overlay overlays\/servicetitan-known-drift\.yaml applied/);
  }, 120_000);
});
