import { mkdir, readdir, readFile, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { compile } from "json-p3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { jsonPathOf } from "../../../generator/drift/overlay-actions.js";
import type { DriftRecord } from "../../../generator/drift/read-events.js";
import { writeDriftOverlay } from "../../../generator/drift/write-overlay.js";
import { loadOverlaidSpecs } from "../../../generator/spec/overlays.js";
import type { DriftEvent } from "../../../runtime/hooks.js";
import { ROOT, stgen, tempDir } from "../../helpers.js";

const FIXTURE = path.join(ROOT, "test/fixtures/drift-mini.yaml");
const SPEC = "drift-v2.yaml";
const BILL = "/components/schemas/Drift.V2.BillResponse";
const PROPS = `${BILL}/properties`;
const PAGE = "/components/schemas/PaginatedResponse_Of_Drift.V2.BillResponse";
const LANDED = "/components/schemas/Drift.V2.LandedCostMethod";
const LANDED_EXPECTED = 'string, one of "None", "ByValue"';

/** An event as `hooks.onDrift` receives it (the runtime's type: the reader must take what the client gives). */
function event(
  at: string,
  operationId: string,
  pointer: string,
  schemaPath: string,
  kind: DriftEvent["kind"],
  expected: string,
  actual: string,
  extra: Partial<DriftEvent> = {},
): DriftEvent {
  const path = operationId === "Bills_Get" ? "/tenant/{tenant}/bills/{id}" : "/tenant/{tenant}/bills";
  return { at, operationId, method: "GET", path, spec: SPEC, pointer, schemaPath, kind, expected, actual, ...extra };
}

const T = "2026-11-30T12:00:00Z";

/** One event or more for each kind and each shape of schema, a stale place, and a spec the folder lacks. */
const EVENTS: DriftEvent[] = [
  event(
    "2026-11-30T10:00:00Z",
    "Bills_GetList",
    "/data/0/landedCostMethod",
    LANDED,
    "type",
    LANDED_EXPECTED,
    "integer",
    {
      value: 0,
    },
  ),
  event(
    "2026-12-01T09:00:00Z",
    "Bills_GetList",
    "/data/7/landedCostMethod",
    LANDED,
    "type",
    LANDED_EXPECTED,
    "integer",
    {
      value: 1,
    },
  ),
  event("2026-11-30T11:00:00Z", "Bills_Get", "/landedCostMethod", LANDED, "type", LANDED_EXPECTED, "integer", {
    value: 1,
  }),
  event(T, "Bills_Get", "/status", "/components/schemas/Drift.V2.Status", "enum", 'one of "Open", "Closed"', "string"),
  event(T, "Bills_Get", "/vendor", `${PROPS}/vendor`, "type", "object", "null", { value: null }),
  event(T, "Bills_Get", "/batch", `${PROPS}/batch`, "type", "object", "null", { value: null }),
  event(T, "Bills_Get", "/number", `${PROPS}/number`, "type", "string", "null", { value: null }),
  event(T, "Bills_Get", "/billDate", `${PROPS}/billDate`, "format", "date (YYYY-MM-DD)", "date-time"),
  event("2026-11-30T12:01:00Z", "Bills_Get", "/billDate", `${PROPS}/billDate`, "type", "string", "null", {
    value: null,
  }),
  event(T, "Bills_Get", "/dueDate", `${PROPS}/dueDate`, "format", "date-time", "string"),
  event(T, "Bills_Get", "/priority", `${PROPS}/priority`, "enum", "integer, one of 1, 2, 3", "integer", { value: 4 }),
  event(T, "Bills_Get", "/code", `${PROPS}/code`, "type", "integer, one of 10, 20", "string"),
  event(T, "Bills_Get", "/total", `${PROPS}/total`, "type", "number", "string"),
  event(T, "Bills_Get", "", BILL, "required", "required property", "missing", { property: "vendorId" }),
  event(T, "Bills_Get", "", BILL, "additional", "no other properties", "unexpected property", { property: "memo" }),
  ...["id", "name"].map((property) =>
    event(
      T,
      "Bills_Get",
      "/vendor",
      "/components/schemas/Drift.V2.Vendor",
      "required",
      "required property",
      "missing",
      {
        property,
      },
    ),
  ),
  event(
    T,
    "Bills_Get",
    "/vendor",
    "/components/schemas/Drift.V2.Vendor",
    "additional",
    "no other properties",
    "unexpected property",
    {
      property: "email",
    },
  ),
  event(T, "Bills_GetList", "/data/2", `${PAGE}/properties/data/items`, "type", "object", "null", { value: null }),
  event(T, "Bills_GetList", "/page", `${PAGE}/properties/page`, "enum", "integer", "integer", { value: 3 }),
  event(T, "Bills_Get", "/gone", "/components/schemas/Drift.V2.Gone", "type", "string", "null", { value: null }),
  { ...event(T, "Gone_Get", "/x", "/components/schemas/Gone.V2.X", "type", "string", "null"), spec: "gone-v2.json" },
];

const jsonl = (events: readonly object[]) => events.map((e) => JSON.stringify(e)).join("\n") + "\n";

/** An overlay already in the folder: the drift overlay is computed after it. */
const KNOWN = `overlay: 1.0.0
info: { title: known, version: "1" }
actions:
  - target: $.components.schemas['Drift.V2.LandedCostMethod']
    update: { type: [string, integer], enum: [None, ByValue, 0] }
`;

/** A work folder: `specs/drift-v2.yaml` (the fixture), `specs/overlays/known.yaml`, and `events.jsonl`. */
async function workFolder(events: readonly object[] = EVENTS): Promise<string> {
  const work = await tempDir("drift-");
  await mkdir(path.join(work, "specs/overlays"), { recursive: true });
  await writeFile(path.join(work, "specs", SPEC), await readFile(FIXTURE, "utf8"));
  await writeFile(path.join(work, "specs/overlays/known.yaml"), KNOWN);
  await writeFile(path.join(work, "events.jsonl"), jsonl(events));
  return work;
}

/** The table's rows, each a list of trimmed cells (the header first, the rule left out). */
function tableRows(stdout: string): string[][] {
  return stdout
    .split("\n")
    .filter((line) => line.startsWith("| "))
    .map((line) =>
      line
        .slice(2, -2)
        .split(" | ")
        .map((cell) => cell.trim()),
    );
}

describe("stgen drift on a fixture spec", () => {
  let work: string;
  const overlayFile = () => path.join(work, "specs/overlays/zz-drift.yaml");
  let run: Awaited<ReturnType<typeof stgen>>;

  beforeAll(async () => {
    work = await workFolder();
    run = await stgen(["drift", "events.jsonl", "--write-overlay", "specs/overlays/zz-drift.yaml"], work);
  }, 60_000);
  afterAll(() => rm(work, { recursive: true, force: true }));

  it("prints one row per operation, schema location, kind and property, sorted, in an aligned table", () => {
    expect(run.code).toBe(0);
    const lines = run.stdout.split("\n");
    expect(lines[0]).toBe("22 drift events in events.jsonl: 16 schema locations, 3 operations.");
    const table = lines.filter((line) => line.startsWith("|"));
    expect(new Set(table.map((line) => line.length)).size).toBe(1);
    const loc = (pointer: string) => `\`${SPEC}#${pointer}\``;
    const once = (pointer: string, kind: string, expected: string, actual: string, at = T) => [
      "`Bills_Get`",
      loc(pointer),
      kind,
      "1",
      expected,
      actual,
      at,
      at,
    ];
    expect(tableRows(run.stdout)).toEqual([
      ["operation", "schema location", "kind", "count", "expected", "actual", "first seen", "last seen"],
      once(BILL, "required (vendorId)", "required property", "missing"),
      once(BILL, "additional (memo)", "no other properties", "unexpected property"),
      once(`${PROPS}/batch`, "type", "object", "null"),
      once(`${PROPS}/billDate`, "type", "string", "null", "2026-11-30T12:01:00Z"),
      once(`${PROPS}/billDate`, "format", "date (YYYY-MM-DD)", "date-time"),
      once(`${PROPS}/code`, "type", "integer, one of 10, 20", "string"),
      once(`${PROPS}/dueDate`, "format", "date-time", "string"),
      once(`${PROPS}/number`, "type", "string", "null"),
      once(`${PROPS}/priority`, "enum", "integer, one of 1, 2, 3", "integer (4)"),
      once(`${PROPS}/total`, "type", "number", "string"),
      once(`${PROPS}/vendor`, "type", "object", "null"),
      once("/components/schemas/Drift.V2.Gone", "type", "string", "null"),
      once(LANDED, "type", LANDED_EXPECTED, "integer (1)", "2026-11-30T11:00:00Z"),
      once("/components/schemas/Drift.V2.Status", "enum", 'one of "Open", "Closed"', "string"),
      once("/components/schemas/Drift.V2.Vendor", "required (id)", "required property", "missing"),
      once("/components/schemas/Drift.V2.Vendor", "required (name)", "required property", "missing"),
      once("/components/schemas/Drift.V2.Vendor", "additional (email)", "no other properties", "unexpected property"),
      [
        "`Bills_GetList`",
        loc(LANDED),
        "type",
        "2",
        LANDED_EXPECTED,
        "integer (0, 1)",
        "2026-11-30T10:00:00Z",
        "2026-12-01T09:00:00Z",
      ],
      ["`Bills_GetList`", loc(`${PAGE}/properties/data/items`), "type", "1", "object", "null", T, T],
      ["`Bills_GetList`", loc(`${PAGE}/properties/page`), "enum", "1", "integer", "integer (3)", T, T],
      ["`Gone_Get`", "`gone-v2.json#/components/schemas/Gone.V2.X`", "type", "1", "string", "null", T, T],
    ]);
  });

  it("reports on stderr what it skipped and why, and on stdout what it wrote", () => {
    expect(run.stderr.trim().split("\n")).toEqual([
      `skipped ${SPEC}#/components/schemas/Drift.V2.Gone: not in ${SPEC} any more: ServiceTitan may have changed it`,
      `skipped ${SPEC}#${PAGE}/properties/page: it has no 'enum'; nothing written for it`,
      "skipped gone-v2.json#/components/schemas/Gone.V2.X: gone-v2.json is not in the specs folder any more: ServiceTitan may have changed it",
    ]);
    // What it wrote goes to stdout, after the table; the folder has no lock file, so generate is next.
    expect(run.stdout.trim().split("\n").slice(-2)).toEqual([
      "wrote specs/overlays/zz-drift.yaml: 19 actions widening 13 schema locations",
      "run `stgen generate`",
    ]);
  });

  it("writes an overlay that, applied after the others, widens exactly those schemas and changes nothing else", async () => {
    const text = await readFile(overlayFile(), "utf8");
    await rm(overlayFile());
    const before = (await loadOverlaidSpecs(path.join(work, "specs"))).specs[0]!.document;
    await writeFile(overlayFile(), text);
    const after = (await loadOverlaidSpecs(path.join(work, "specs"))).specs[0]!.document;

    const expected = structuredClone(before) as any;
    const schemas = expected.components.schemas;
    const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
    schemas["Drift.V2.LandedCostMethod"].enum = ["None", "ByValue", 0, 1]; // the known overlay had 0 already
    delete schemas["Drift.V2.Status"].enum;
    const bill = schemas["Drift.V2.BillResponse"];
    bill.required = ["id", "number"];
    Object.assign(bill.properties, {
      memo: {},
      number: { type: ["string", "null"], description: "The bill's number" },
      vendor: { oneOf: [ref("Drift.V2.Vendor"), { type: "null" }], description: "The vendor billed" },
      batch: { oneOf: [ref("Drift.V2.Vendor"), { type: "null" }], description: "The batch" },
      billDate: { type: ["string", "null"] }, // date-time would refuse the dates it held: the format goes
      dueDate: { type: "string", description: "When it is due" },
      priority: { type: "integer", enum: [1, 2, 3, 4] },
      code: { type: ["integer", "string"] },
      total: { type: ["number", "string"] },
    });
    const vendor = schemas["Drift.V2.Vendor"];
    delete vendor.required;
    vendor.properties.email = {};
    schemas["PaginatedResponse_Of_Drift.V2.BillResponse"].properties.data.items = {
      oneOf: [ref("Drift.V2.BillResponse"), { type: "null" }],
    };
    expect(after).toStrictEqual(expected);
    expect(before.components!.schemas!["Drift.V2.LandedCostMethod"]).toMatchObject({ enum: ["None", "ByValue", 0] });
  });

  it("writes an Overlay 1.0 document without `extends`, each action described, titled after the events file", async () => {
    const overlay = parse(await readFile(overlayFile(), "utf8"));
    expect(overlay.overlay).toBe("1.0.0");
    expect(overlay.extends).toBeUndefined();
    expect(overlay.info).toMatchObject({
      title: expect.stringContaining("stgen drift from events.jsonl"),
      version: "2026-12-01T09:00:00Z",
    });
    expect(overlay.actions).toHaveLength(19);
    const landed = overlay.actions.find(
      (a: any) => a.target === "$['components']['schemas']['Drift.V2.LandedCostMethod']",
    );
    expect(landed).toStrictEqual({
      target: "$['components']['schemas']['Drift.V2.LandedCostMethod']",
      description:
        "Observed 3 times (2026-11-30T10:00:00Z to 2026-12-01T09:00:00Z) in Bills_Get at /landedCostMethod, " +
        `Bills_GetList at /data/*/landedCostMethod: integer (0, 1) where the spec says ${LANDED_EXPECTED}. ` +
        "Widened by stgen drift: enum gains 1.",
      update: { enum: ["None", "ByValue", 0, 1] },
    });
    // A `$ref` made nullable: the property removed, then put back whole (a `$ref` string cannot be removed alone).
    const vendorTarget = "$['components']['schemas']['Drift.V2.BillResponse']['properties']['vendor']";
    const at = overlay.actions.findIndex((a: any) => a.target === vendorTarget);
    expect(overlay.actions[at]).toMatchObject({ remove: true });
    expect(overlay.actions[at + 1]).toMatchObject({
      target: "$['components']['schemas']['Drift.V2.BillResponse']['properties']",
      description: `With the action before, for ${vendorTarget}: $ref becomes oneOf [$ref, null].`,
      update: { vendor: { oneOf: [{ $ref: "#/components/schemas/Drift.V2.Vendor" }, { type: "null" }] } },
    });
    // A `oneOf` gains an entry by an update of the list itself (appended as one entry).
    expect(overlay.actions).toContainEqual(
      expect.objectContaining({
        target: "$['components']['schemas']['Drift.V2.BillResponse']['properties']['batch']['oneOf']",
        update: { type: "null" },
      }),
    );
  });

  it("writes the same bytes when run again, whatever the order of the lines (its own file is left out)", async () => {
    const first = await readFile(overlayFile(), "utf8");
    await writeFile(path.join(work, "events.jsonl"), jsonl([...EVENTS].reverse()));
    const again = await stgen(["drift", "events.jsonl", "--write-overlay", "specs/overlays/zz-drift.yaml"], work);
    expect(again.code).toBe(0);
    expect(again.stdout).toBe(run.stdout);
    expect(await readFile(overlayFile(), "utf8")).toBe(first);
    expect((await readdir(path.join(work, "specs/overlays"))).sort()).toEqual(["known.yaml", "zz-drift.yaml"]);
  }, 30_000);

  it("without --write-overlay prints the table and reads no specs", async () => {
    const only = await stgen(["drift", "events.jsonl", "--specs", "no-such-folder"], work);
    expect(only.code).toBe(0);
    expect(run.stdout.startsWith(only.stdout)).toBe(true);
    expect(only.stdout).not.toContain("wrote");
    expect(only.stderr).toBe("");
  });
});

describe("stgen drift refusals", () => {
  let work: string;
  beforeAll(async () => {
    work = await workFolder([EVENTS[1]!]); // a LandedCostMethod of 1, which known.yaml does not have
  });
  afterAll(() => rm(work, { recursive: true, force: true }));

  it("a bad line: exit 2, naming the file, the line and the fields, never the line's content; nothing written", async () => {
    const good = JSON.stringify(EVENTS[0]);
    const lines = [
      good,
      "CUSTOMER-SECRET is not JSON",
      "",
      JSON.stringify({ at: T, kind: "sideways", value: "CUSTOMER-SECRET" }),
      "[1, 2]",
      JSON.stringify({ ...EVENTS[0], kind: "required" }),
      JSON.stringify({ ...EVENTS[0], at: "CUSTOMER-SECRET" }),
      JSON.stringify({ ...EVENTS[0], kind: "additional", property: "__proto__" }),
      JSON.stringify(EVENTS[0]).replace(/}$/, ', "value": 1e400}'),
    ];
    await writeFile(path.join(work, "bad.jsonl"), lines.join("\n") + "\n");
    const bad = await stgen(["drift", "bad.jsonl", "--write-overlay", "out/drift.yaml"], work);
    expect(bad.code).toBe(2);
    expect(bad.stdout).toBe("");
    expect(bad.stderr.trim().split("\n")).toEqual([
      "stgen: bad.jsonl:2: not JSON (each line must be one drift event, as hooks.onDrift receives it)",
      "bad.jsonl:4: missing 'operationId', 'method', 'path', 'spec', 'pointer', 'schemaPath', 'expected', 'actual'; " +
        "'kind' must be one of type, enum, format, required, additional; 'value' must be a finite number, a boolean or null",
      "bad.jsonl:5: not a JSON object",
      "bad.jsonl:6: missing 'property'",
      "bad.jsonl:7: 'at' must be an ISO 8601 time",
      "bad.jsonl:8: 'property' must be a field name (letters, digits, _ $ . -, at most 64)",
      "bad.jsonl:9: 'value' must be a finite number, a boolean or null",
    ]);
    expect(bad.stderr).not.toContain("CUSTOMER-SECRET");
    expect(await readdir(work)).not.toContain("out");
  });

  it("an events file that is not there: exit 2", async () => {
    const missing = await stgen(["drift", "nope.jsonl"], work);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("cannot read the events file 'nope.jsonl': ENOENT");
  });

  it("an overlay whose result the check refuses is not written, and the file there stays as it was", async () => {
    // `a-drift.yaml` sorts before `known.yaml`, which then replaces the enum the drift overlay widened.
    const old =
      "overlay: 1.0.0\ninfo: { title: old, version: '1', x-written-by-stgen: drift }\nactions:\n  - { target: $.info, update: { x-old: 1 } }\n";
    await writeFile(path.join(work, "specs/overlays/a-drift.yaml"), old);
    const refused = await stgen(["drift", "events.jsonl", "--write-overlay", "specs/overlays/a-drift.yaml"], work);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain(
      `stgen: specs/overlays/a-drift.yaml not written: applied with the other overlays, it does not give the widened schemas in ${SPEC}`,
    );
    expect(refused.stderr).toContain("give the file a name that sorts last");
    expect(await readFile(path.join(work, "specs/overlays/a-drift.yaml"), "utf8")).toBe(old);
    expect((await readdir(path.join(work, "specs/overlays"))).sort()).toEqual(["a-drift.yaml", "known.yaml"]);
    await rm(path.join(work, "specs/overlays/a-drift.yaml"));
  });

  it("an overlay stgen drift did not write is never overwritten", async () => {
    const refused = await stgen(["drift", "events.jsonl", "--write-overlay", "specs/overlays/known.yaml"], work);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain(
      "stgen: specs/overlays/known.yaml not written: it exists and stgen drift did not write it (its info has no 'x-written-by-stgen: drift')",
    );
    expect(await readFile(path.join(work, "specs/overlays/known.yaml"), "utf8")).toBe(KNOWN);
  });

  it("--write-overlay names a YAML file", async () => {
    const json = await stgen(["drift", "events.jsonl", "--write-overlay", "drift.json"], work);
    expect(json.code).toBe(2);
    expect(json.stderr).toContain("--write-overlay writes YAML: name a *.yaml or *.yml file, not 'drift.json'");
  });
});

describe("widening where the overlay reaches other specs too, and OpenAPI 3.0", () => {
  const status = "/components/schemas/Drift.V2.Status";
  const statusEvent = event(T, "Bills_Get", "/status", status, "enum", 'one of "Open", "Closed"', "string");

  it("a place another spec has with the same schema gets the same change; with another schema it is skipped", async () => {
    const work = await workFolder();
    const fixture = await readFile(FIXTURE, "utf8");
    await writeFile(path.join(work, "specs/other-v2.yaml"), fixture.replace("title: Drift", "title: Other"));
    const warnings: string[] = [];
    const output = path.join(work, "out/drift.yaml");
    const options = { events: [statusEvent], eventsFile: "e.jsonl", specsDir: path.join(work, "specs"), output };
    const same = await writeDriftOverlay({ ...options, onWarning: (line) => warnings.push(line) });
    expect(same).toMatchObject({ written: true, actions: 1, widened: 1, inOverlaysFolder: false });
    expect(warnings).toEqual([]);

    await writeFile(path.join(work, "specs/other-v2.yaml"), fixture.replace("enum: [Open, Closed]", "enum: [Open]"));
    await rm(output);
    const differs = await writeDriftOverlay({ ...options, onWarning: (line) => warnings.push(line) });
    expect(differs.written).toBe(false);
    expect(warnings).toEqual([
      `skipped ${SPEC}#${status}: other-v2.yaml has $['components']['schemas']['Drift.V2.Status'] too, with another schema, and this overlay applies to every spec: widen it by hand in an overlay that 'extends' ${SPEC}`,
    ]);
    expect(await readdir(path.join(work, "out"))).toEqual([]);
    await rm(work, { recursive: true, force: true });
  });

  it("in an OpenAPI 3.0 spec a null is widened as nullable, and another type is left to a person", async () => {
    const work = await tempDir("drift-30-");
    await mkdir(path.join(work, "specs"));
    await writeFile(
      path.join(work, "specs/mini-v2.yaml"),
      await readFile(path.join(ROOT, "test/fixtures/mini.yaml"), "utf8"),
    );
    const widget = "/components/schemas/Mini.V2.WidgetResponse/properties";
    const base = {
      ...statusEvent,
      spec: "mini-v2.yaml",
      operationId: "Widgets_Get",
      pointer: "/id",
      expected: "integer",
    };
    const warnings: string[] = [];
    const output = path.join(work, "drift.yaml");
    await writeDriftOverlay({
      events: [
        { ...base, schemaPath: `${widget}/id`, kind: "type", actual: "null", value: null },
        { ...base, schemaPath: `${widget}/name`, kind: "type", actual: "integer", value: 3 },
      ],
      eventsFile: "e.jsonl",
      specsDir: path.join(work, "specs"),
      output,
      onWarning: (line) => warnings.push(line),
    });
    expect(parse(await readFile(output, "utf8")).actions).toStrictEqual([
      {
        target: "$['components']['schemas']['Mini.V2.WidgetResponse']['properties']['id']",
        description:
          "Observed once (at 2026-11-30T12:00:00Z) in Widgets_Get at /id: null where the spec says integer. Widened by stgen drift: nullable.",
        update: { nullable: true },
      },
    ]);
    expect(warnings).toEqual([
      "skipped mini-v2.yaml#/components/schemas/Mini.V2.WidgetResponse/properties/name: OpenAPI 3.0 has no type lists: widen it to admit integer by hand; nothing written for it",
    ]);
    await rm(work, { recursive: true, force: true });
  });
});

it("against the repository's specs (read only): an integer LandedCostMethod of 2 adds 2 to the overlaid enum", async () => {
  const work = await tempDir("drift-real-");
  const overlaysBefore = await readdir(path.join(ROOT, "specs/overlays"));
  const landed = {
    ...event(
      T,
      "PurchaseOrderTypes_GetList",
      "/data/0/landedCostMethod",
      "/components/schemas/Inventory.V2.LandedCostMethod",
      "type",
      LANDED_EXPECTED,
      "integer",
      { value: 2 },
    ),
    path: "/tenant/{tenant}/purchase-order-types",
    spec: "inventory-v2.json",
  };
  await writeFile(path.join(work, "events.jsonl"), jsonl([landed]));
  const output = path.join(work, "out/drift.yaml");
  const run = await stgen(["drift", path.join(work, "events.jsonl"), "--specs", "specs", "--write-overlay", output]);
  expect(run.code).toBe(0);
  expect(run.stderr).toBe("");
  expect(run.stdout).toContain(`wrote ${output}: 1 action widening 1 schema location`);
  expect(parse(await readFile(output, "utf8")).actions).toStrictEqual([
    {
      target: "$['components']['schemas']['Inventory.V2.LandedCostMethod']",
      description: expect.stringContaining("integer (2) where the spec says"),
      // servicetitan-known-drift.yaml made it [string, integer] with 0 and 1: the drift overlay adds 2.
      update: { enum: ["None", "ByValue", 0, 1, 2] },
    },
  ]);
  expect(await readdir(path.join(ROOT, "specs/overlays"))).toEqual(overlaysBefore);
  await rm(work, { recursive: true, force: true });
}, 60_000);

describe("pieces", () => {
  it("a DriftEvent from the runtime is a record the reader takes", () => {
    const fromClient: DriftEvent = EVENTS[0]!;
    const record: DriftRecord = fromClient;
    expect(record.kind).toBe("type");
  });

  it("targets are bracket-notation JSONPaths that select exactly the place, whatever its name", () => {
    const document = {
      paths: { "/tenant/{tenant}/it's \\ here": { get: { responses: { "200": { x: [{ y: 1 }] } } } } },
    };
    const at = ["paths", "/tenant/{tenant}/it's \\ here", "get", "responses", "200", "x", 0];
    const target = jsonPathOf(at);
    expect(target).toBe("$['paths']['/tenant/{tenant}/it\\'s \\\\ here']['get']['responses']['200']['x'][0]");
    expect(
      compile(target)
        .query(document as never)
        .values(),
    ).toEqual([{ y: 1 }]);
  });
});
