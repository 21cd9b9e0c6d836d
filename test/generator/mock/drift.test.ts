import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { allowsNull } from "../../../generator/mock/fake-data.js";
import { startMockServer, type MockServer, type MockServerOptions } from "../../../generator/mock/index.js";
import { buildOperations, descend } from "../../../generator/mock/operations.js";
import { buildDomainModel } from "../../../generator/model/build-model.js";
import { deref, type OpenApiDocument, type SchemaObject } from "../../../generator/spec/openapi.js";
import { loadOverlaidSpecs } from "../../../generator/spec/overlays.js";
import { resolvePointer } from "../../../generator/spec/pointer.js";
import { LATEST, mockToken, ROOT } from "../../helpers.js";

/**
 * Drift mode over real HTTP: served records are compared with the schema the mock serves (the specs with
 * their overlays), property by property, to find each kind of deviation ServiceTitan is known for.
 */
const KINDS = [
  "enum-as-integer",
  "date-as-date-time",
  "null-in-non-nullable",
  "null-array-item",
  "required-absent",
  "extra-property",
] as const;
type Kind = (typeof KINDS)[number];

/** Lists, export feeds and a list of `format: date` rows; between them every kind has somewhere to show. */
const OPERATIONS = [
  "/accounting/v2/tenant/{tenant}/journal-entries",
  "/accounting/v2/tenant/{tenant}/journal-entries/{id}/summary",
  "/accounting/v2/tenant/{tenant}/journal-entries/{id}/details",
  "/crm/v2/tenant/{tenant}/export/customers",
  "/inventory/v2/tenant/{tenant}/export/transfers",
];

interface Deviation {
  operation: string;
  /** The record's position in the answer. */
  row: number;
  kind: Kind;
  property: string;
}

/** The record schema of each operation: the items of `data`, or the answer itself for a get. */
async function recordSchemas(specsDir: string): Promise<Map<string, { doc: OpenApiDocument; schema: SchemaObject }>> {
  const domains = (await loadOverlaidSpecs(specsDir)).specs.map(buildDomainModel);
  const schemas = new Map<string, { doc: OpenApiDocument; schema: SchemaObject }>();
  for (const op of buildOperations(domains)) {
    if (!op.success.schema || op.model.method !== "GET") continue;
    const paged = op.behaviour === "list" || op.behaviour === "export";
    const pointer = paged ? descend(op.doc, op.success.schema, "properties", "data", "items") : op.success.schema;
    schemas.set(op.template, { doc: op.doc, schema: settle(op.doc, resolvePointer(op.doc, pointer)) });
  }
  return schemas;
}

function settle(doc: OpenApiDocument, raw: unknown): SchemaObject {
  if (raw === null || typeof raw !== "object") return {};
  const schema = deref<SchemaObject>(doc, raw as SchemaObject);
  const real = ((schema.oneOf ?? schema.anyOf) as unknown[] | undefined)?.filter((v) => !isNull(doc, v));
  return real?.length === 1 ? settle(doc, real[0]) : schema;
}

function isNull(doc: OpenApiDocument, raw: unknown): boolean {
  const type = settle(doc, raw).type;
  return type === "null" || (Array.isArray(type) && type.length === 1 && type[0] === "null");
}

/** Where the record differs from its schema, by kind. */
function deviationsOf(doc: OpenApiDocument, schema: SchemaObject, record: Record<string, unknown>) {
  const found: { kind: Kind; property: string }[] = [];
  const properties = (schema.properties ?? {}) as Record<string, unknown>;
  const required = (schema.required ?? []) as string[];
  for (const [name, raw] of Object.entries(properties)) {
    const property = settle(doc, raw);
    const value = record[name];
    const nullable = (at: unknown) => allowsNull(doc, at) || allowsNull(doc, settle(doc, at));
    if (!(name in record)) {
      if (required.includes(name)) found.push({ kind: "required-absent", property: name });
    } else if (value === null) {
      if (!nullable(raw)) found.push({ kind: "null-in-non-nullable", property: name });
    } else if (typeof value === "number" && Array.isArray(property.enum)) {
      if (property.enum.every((v) => v === null || typeof v === "string"))
        found.push({ kind: "enum-as-integer", property: name });
    } else if (property.format === "date" && typeof value === "string" && value.includes("T")) {
      found.push({ kind: "date-as-date-time", property: name });
    } else if (Array.isArray(value) && value.includes(null) && !nullable(property.items)) {
      found.push({ kind: "null-array-item", property: name });
    }
  }
  if (schema.additionalProperties === false)
    for (const name of Object.keys(record))
      if (!(name in properties)) found.push({ kind: "extra-property", property: name });
  return found;
}

/** One GET, token first; `{id}` params are 1; lists ask for every row. */
async function served(
  server: MockServer,
  template: string,
): Promise<{ text: string; records: Record<string, unknown>[] }> {
  const path = template.replace("{tenant}", server.credentials.tenant).replace(/\{[^}]+\}/g, "1");
  const query = template.includes("/export/") || /\{[^}]+\}$/.test(template) ? "" : "?pageSize=500";
  const response = await fetch(server.url + path + query, {
    headers: { Authorization: `Bearer ${await mockToken(server)}`, "ST-App-Key": server.credentials.appKey },
  });
  expect(response.status, template).toBe(200);
  const text = await response.text();
  const body = JSON.parse(text) as { data?: Record<string, unknown>[] };
  return { text, records: body.data ?? [body as Record<string, unknown>] };
}

let schemas: Awaited<ReturnType<typeof recordSchemas>>;
const servers: MockServer[] = [];
const start = async (options: MockServerOptions) => {
  const server = await startMockServer(options);
  servers.push(server);
  return server;
};
let off: MockServer, defaultShare: MockServer, again: MockServer, otherSeed: MockServer, everyRecord: MockServer;

beforeAll(async () => {
  [schemas, off, defaultShare, again, otherSeed, everyRecord] = await Promise.all([
    recordSchemas(`${ROOT}/specs`),
    start({ seed: 7 }),
    start({ seed: 7, drift: true }),
    start({ seed: 7, drift: true }),
    start({ seed: 8, drift: true }),
    start({ seed: 7, drift: 1 }),
  ]);
});
afterAll(() => Promise.all(servers.map((server) => server.close())));

async function deviations(server: MockServer, operations = OPERATIONS): Promise<Deviation[]> {
  const all: Deviation[] = [];
  for (const operation of operations) {
    const { doc, schema } = schemas.get(operation)!;
    const { records } = await served(server, operation);
    records.forEach((record, row) =>
      all.push(...deviationsOf(doc, schema, record).map((d) => ({ operation, row, ...d }))),
    );
  }
  return all;
}

describe("drift mode", () => {
  it("is off by default: served records match their schema", async () => {
    expect(await deviations(off)).toEqual([]);
  });

  it("serves each kind at the default share, and changes nothing else of a record", async () => {
    const found = await deviations(defaultShare);
    for (const kind of KINDS) expect(found.filter((d) => d.kind === kind).length, kind).toBeGreaterThan(0);
    expect(found.find((d) => d.kind === "extra-property")!.property).toBe("driftExtraField");
    for (const operation of OPERATIONS) {
      const [plain, drifted] = await Promise.all([served(off, operation), served(defaultShare, operation)]);
      drifted.records.forEach((record, row) => {
        const original = plain.records[row]!;
        const changed = [...new Set([...Object.keys(original), ...Object.keys(record)])].filter(
          (name) => JSON.stringify(original[name]) !== JSON.stringify(record[name]),
        );
        const flagged = found.filter((d) => d.operation === operation && d.row === row).map((d) => d.property);
        expect(changed.sort(), `${operation} row ${row}`).toEqual([...new Set(flagged)].sort());
      });
    }
  });

  it("gives the same deviations for the same seed on every call and every run, others for another seed", async () => {
    for (const operation of OPERATIONS) {
      const first = (await served(defaultShare, operation)).text;
      expect((await served(defaultShare, operation)).text, operation).toBe(first);
      expect((await served(again, operation)).text, operation).toBe(first);
    }
    const pattern = (list: Deviation[]) => list.map((d) => `${d.operation}#${d.row}:${d.kind}`).sort();
    expect(pattern(await deviations(otherSeed))).not.toEqual(pattern(await deviations(defaultShare)));
  });

  it("serves a record the same way in a list and by id", async () => {
    // Row 0 is record 1 (its id may be the very field that drifted).
    const list = await served(everyRecord, "/crm/v2/tenant/{tenant}/customers");
    const byId = await served(everyRecord, "/crm/v2/tenant/{tenant}/customers/{id}");
    expect(byId.records[0]).toEqual(list.records[0]);
    const { doc, schema } = schemas.get("/crm/v2/tenant/{tenant}/customers/{id}")!;
    expect(new Set(deviationsOf(doc, schema, byId.records[0]!).map((d) => d.kind)).size).toBeGreaterThan(1);
  });

  it("honours the share: every record drifts at 1, about one in twenty at the default", async () => {
    const operation = "/accounting/v2/tenant/{tenant}/journal-entries";
    const { records } = await served(everyRecord, operation);
    const extra = async (server: MockServer) =>
      (await deviations(server, [operation])).filter((d) => d.kind === "extra-property").length;
    expect(await extra(everyRecord)).toBe(records.length);
    const atDefault = await extra(defaultShare);
    expect(atDefault).toBeGreaterThan(0);
    expect(atDefault).toBeLessThan(records.length * 0.15);
  });

  it("refuses a share outside (0, 1]", async () => {
    for (const drift of [0, 1.5, -0.1, Number.NaN])
      await expect(startMockServer({ drift })).rejects.toThrow(`drift must be a share in (0, 1], not ${drift}`);
  });
});

describe("drift mode on the specs as ServiceTitan ships them (no overlays)", () => {
  let raw: MockServer;
  let rawSchemas: Awaited<ReturnType<typeof recordSchemas>>;
  beforeAll(async () => {
    [raw, rawSchemas] = await Promise.all([start({ specs: LATEST, seed: 7, drift: 1 }), recordSchemas(LATEST)]);
  });

  it("sends landedCostMethod as its integer and a journal entry's postDate as a date-time", async () => {
    const types = await served(raw, "/inventory/v2/tenant/{tenant}/purchase-order-types");
    const methods = new Set(types.records.map((record) => record.landedCostMethod));
    expect([...methods].sort()).toEqual([0, 1]);
    const entries = await served(raw, "/accounting/v2/tenant/{tenant}/journal-entries");
    const dates = entries.records.map((record) => record.postDate).filter((date) => typeof date === "string");
    expect(dates.length).toBeGreaterThan(0);
    for (const date of dates) expect(date).toMatch(/^\d{4}-\d\d-\d\dT00:00:00$/);
    const { doc, schema } = rawSchemas.get("/inventory/v2/tenant/{tenant}/purchase-order-types")!;
    expect(deviationsOf(doc, schema, types.records[0]!).map((d) => d.kind)).toContain("enum-as-integer");
  });
});
