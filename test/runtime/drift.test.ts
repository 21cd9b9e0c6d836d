import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import {
  createServiceTitan,
  ResponseValidationError,
  ServiceTitanConfigError,
  ServiceTitanError,
  type DriftEvent,
  type ServiceTitanConfig,
} from "../../generated/index.js";
import { defineDomain, type SchemaNode, type ValidationTable } from "../../runtime/index.js";
import { MOCK_CREDENTIALS, startMockServer, type MockServer } from "../../generator/mock/index.js";
import { startStrictServer, strictConfig, type StrictServer } from "../fakes/strict-servicetitan.js";

/** `validateResponses` over real HTTP: the generated crm client and hand-made tables against a strict fake. */
let server: StrictServer;
let mock: MockServer;
/** A customer as the mock serves it: valid for its schema. */
let customer: Record<string, unknown>;

beforeAll(async () => {
  server = await startStrictServer();
  mock = await startMockServer();
  const crm = createServiceTitan({ ...MOCK_CREDENTIALS, baseUrl: mock.url, authUrl: mock.url }).crm;
  const page = await crm.customers.getList({ pageSize: 1 });
  customer = (await crm.customers.get({ id: page.data[0]!.id })) as unknown as Record<string, unknown>;
});
afterEach(() => {
  server.options.api = undefined;
});
afterAll(async () => {
  await server.close();
  await mock.close();
});

function recorder(overrides: Partial<ServiceTitanConfig> = {}) {
  const events: DriftEvent[] = [];
  const warnings: string[] = [];
  const errors: unknown[] = [];
  const st = createServiceTitan({
    ...strictConfig(server),
    validateResponses: "report",
    hooks: { onDrift: (event) => void events.push(event), onError: (error) => void errors.push(error) },
    logger: { warn: (line) => void warnings.push(line) },
    ...overrides,
  });
  return { st, events, warnings, errors };
}

/** A name that must never reach an event, a log line or an error: it stands for a customer's data. */
const SECRET_NAME = "Jane Q. Customer, 12 Private Lane";

const drifted = () => ({
  ...customer,
  active: SECRET_NAME, // a string where the spec says boolean
  type: 1, // CustomerType is a string enum
  createdOn: null, // a non-nullable date-time
  tagTypeIds: [5, null], // a null item
  id: undefined, // required, absent (JSON.stringify drops it)
  legacyCode: 7, // a property the spec does not have, where it allows none
});

describe("validateResponses: report", () => {
  it("accepts what the mock serves for its schemas: lists and single records of crm, jpm and inventory", async () => {
    const { events } = recorder();
    const st = createServiceTitan({
      ...MOCK_CREDENTIALS,
      baseUrl: mock.url,
      authUrl: mock.url,
      validateResponses: "report",
      hooks: { onDrift: (event) => void events.push(event) },
    });
    await st.crm.customers.getList({ pageSize: 50 });
    await st.crm.locations.getList({ pageSize: 50 });
    await st.jpm.jobs.getList({ pageSize: 50 });
    await st.jpm.export.jobCancelReasons();
    await st.inventory.purchaseOrders.getList({ pageSize: 50 });
    await st.crm.customers.get({ id: customer.id as number });
    expect(events).toEqual([]);
  });

  it("reports each kind of mismatch once per place, with no string of the body, and resolves with the body", async () => {
    const { st, events, warnings, errors } = recorder();
    server.options.api = () => ({ json: drifted() });
    const body = (await st.crm.customers.get({ id: 1 })) as unknown as Record<string, unknown>;
    expect(body.active).toBe(SECRET_NAME);
    const seen = events.map(({ pointer, schemaPath, kind, actual, value, property }) => ({
      pointer,
      schemaPath,
      kind,
      actual,
      value,
      property,
    }));
    const schema = "/components/schemas/Crm.V2.Customers.CustomerResponse";
    expect(seen).toEqual(
      expect.arrayContaining([
        { pointer: "/active", schemaPath: `${schema}/properties/active`, kind: "type", actual: "string" },
        {
          pointer: "/type",
          schemaPath: "/components/schemas/Crm.V2.CustomerType",
          kind: "type",
          actual: "integer",
          value: 1,
        },
        {
          pointer: "/createdOn",
          schemaPath: `${schema}/properties/createdOn`,
          kind: "type",
          actual: "null",
          value: null,
        },
        {
          pointer: "/tagTypeIds/1",
          schemaPath: `${schema}/properties/tagTypeIds/items`,
          kind: "type",
          actual: "null",
          value: null,
        },
        { pointer: "/id", schemaPath: schema, kind: "required", actual: "missing", property: "id" },
        {
          pointer: "/legacyCode",
          schemaPath: schema,
          kind: "additional",
          actual: "unexpected property",
          property: "legacyCode",
        },
      ]),
    );
    expect(seen).toHaveLength(6);
    for (const event of events) {
      expect(event).toMatchObject({
        operationId: "Customers_Get",
        method: "GET",
        path: "/tenant/{tenant}/customers/{id}",
        spec: "crm-v2.json",
      });
      expect(Date.parse(event.at)).not.toBeNaN();
    }
    expect(events.find((e) => e.pointer === "/type")!.expected).toBe('string, one of "Residential", "Commercial"');
    expect(events.find((e) => e.pointer === "/active")!.expected).toBe("boolean");
    expect(JSON.stringify(events) + warnings.join("\n")).not.toContain(SECRET_NAME);
    expect(errors).toEqual([]);

    // The logger hears of each place once; onDrift of every occurrence.
    await st.crm.customers.get({ id: 1 });
    expect(events).toHaveLength(12);
    expect(warnings).toHaveLength(6);
    expect(warnings[0]).toMatch(/^ServiceTitan Customers_Get: the response differs from crm-v2\.json at \/components/);
  });

  it("checks every row of a paged list, and `.all()` goes through the same check", async () => {
    const { st, events } = recorder();
    server.options.api = () => ({
      json: { page: 1, pageSize: 3, hasMore: false, data: [customer, { ...customer, type: 0 }, customer] },
    });
    const rows = [];
    for await (const row of st.crm.customers.getList.all()) rows.push(row);
    expect(rows).toHaveLength(3);
    expect(events.map((e) => e.pointer)).toEqual(["/data/1/type"]);
  });

  it("is per call too: a call may turn it on or off over the client's setting", async () => {
    server.options.api = () => ({ json: drifted() });
    const off = recorder({ validateResponses: "off" });
    await off.st.crm.customers.get({ id: 1 });
    expect(off.events).toEqual([]);
    await off.st.crm.customers.get({ id: 1 }, { validateResponses: "report" });
    expect(off.events).toHaveLength(6);
    const on = recorder();
    await on.st.crm.customers.get({ id: 1 }, { validateResponses: "off" });
    expect(on.events).toEqual([]);
  });
});

describe("validateResponses: throw", () => {
  it("rejects with a ResponseValidationError carrying the events, and no string of the body", async () => {
    const { st, events, errors } = recorder({ validateResponses: "throw" });
    server.options.api = () => ({ json: drifted() });
    const error = (await st.crm.customers.get({ id: 1 }).catch((e: unknown) => e)) as ResponseValidationError;
    expect(error).toBeInstanceOf(ResponseValidationError);
    expect(error).toBeInstanceOf(ServiceTitanError);
    expect(error.status).toBe(200);
    expect(error.operationId).toBe("Customers_Get");
    expect(error.drift).toEqual(events);
    expect(error.drift).toHaveLength(6);
    expect(error.message).toMatch(
      /does not match the spec's schema in 6 places \(\/active: expected boolean, got string;/,
    );
    expect(`${error.message}${error.stack}${JSON.stringify(error)}`).not.toContain(SECRET_NAME);
    expect(JSON.parse(JSON.stringify(error)).drift).toHaveLength(6);
    expect(errors).toEqual([error]); // onError sees it like any other failure
  });

  it("resolves as usual when the body matches", async () => {
    const { st } = recorder({ validateResponses: "throw" });
    server.options.api = () => ({ json: customer });
    await expect(st.crm.customers.get({ id: 1 })).resolves.toEqual(customer);
  });
});

describe("validateResponses: off and bad values", () => {
  const thing = { id: "Things_Get", method: "GET", path: "/tenant/{tenant}/things/{id}", result: "json" } as const;
  const table: ValidationTable = {
    spec: "things.json",
    responses: { Things_Get: { "200": "/components/schemas/Thing" } },
    schemas: { "/components/schemas/Thing": { type: "object", properties: { n: { type: "integer" } } } },
  };

  it("off: the domain's schemas are never loaded", async () => {
    const load = vi.fn(async () => ({ validation: table }));
    const domain = defineDomain<any>("/crm/v2", {
      groups: { things: { get: thing } },
      operations: {},
      validation: load,
    });
    server.options.api = () => ({ json: { n: "x" } });
    const things = domain.create({ ...strictConfig(server) });
    await things.things.get({ id: 1 });
    expect(load).not.toHaveBeenCalled();
    const checked = domain.create({ ...strictConfig(server), validateResponses: "report" });
    await checked.things.get({ id: 1 });
    await checked.things.get({ id: 1 });
    expect(load).toHaveBeenCalledTimes(1); // once per domain, however many clients and calls
  });

  it("a bad value names the option", async () => {
    expect(() => createServiceTitan({ ...strictConfig(server), validateResponses: "warn" as never })).toThrow(
      ServiceTitanConfigError,
    );
    expect(() => createServiceTitan({ ...strictConfig(server), validateResponses: "warn" as never })).toThrow(
      /'validateResponses' must be "off", "report" or "throw" \(got a string of 4 characters\)/,
    );
    const st = createServiceTitan(strictConfig(server));
    await expect(st.crm.customers.get({ id: 1 }, { validateResponses: true as never })).rejects.toThrow(
      /^Customers_Get: validateResponses must be "off", "report" or "throw" \(got a boolean\)$/,
    );
  });
});

describe("what the check reads", () => {
  const get = { id: "Things_Get", method: "GET", path: "/tenant/{tenant}/things/{id}", result: "json" } as const;
  async function check(
    schemas: ValidationTable["schemas"],
    body: unknown,
    root = "/components/schemas/Thing",
    responses: ValidationTable["responses"] = { Things_Get: { "200": root } },
  ) {
    const table: ValidationTable = { spec: "things.json", responses, schemas };
    const events: DriftEvent[] = [];
    const domain = defineDomain<any>("/crm/v2", {
      groups: { things: { get } },
      operations: {},
      validation: async () => ({ validation: table }),
    });
    const client = domain.create({
      ...strictConfig(server),
      validateResponses: "report",
      hooks: { onDrift: (event) => void events.push(event) },
    });
    // A string is sent as it is: a body nested deeper than a server's JSON.stringify would go.
    server.options.api = () => (typeof body === "string" ? { text: body } : { json: body });
    await client.things.get({ id: 1 });
    return events.map(({ pointer, schemaPath, kind, actual, value, expected }) => ({
      pointer,
      schemaPath,
      kind,
      actual,
      expected,
      ...(value === undefined ? {} : { value }),
    }));
  }
  const T = "/components/schemas/Thing";

  it("date and date-time formats: a date-time in a date field says so; a date-time without offset passes", async () => {
    const schemas = {
      [T]: {
        type: "object",
        properties: { day: { type: "string", format: "date" }, at: { type: "string", format: "date-time" } },
      },
    };
    expect(await check(schemas, { day: "2025-10-13", at: "2025-10-13T10:15:38.2876004Z" })).toEqual([]);
    expect(await check(schemas, { day: "2025-10-13", at: "2025-10-13T00:00:00" })).toEqual([]);
    expect(await check(schemas, { day: "2025-10-13T00:00:00", at: "soon" })).toEqual([
      {
        pointer: "/day",
        schemaPath: `${T}/properties/day`,
        kind: "format",
        actual: "date-time",
        expected: "date (YYYY-MM-DD)",
      },
      { pointer: "/at", schemaPath: `${T}/properties/at`, kind: "format", actual: "string", expected: "date-time" },
    ]);
  });

  it("null is judged where the parent points; a value of another type where its schema says", async () => {
    const schemas = {
      [T]: {
        type: "object",
        properties: {
          kind: { $ref: "/components/schemas/Kind" },
          maybe: { oneOf: [{ $ref: "/components/schemas/Kind" }, { type: "null" }] },
          wrapped: { oneOf: [{ $ref: "/components/schemas/Kind" }] },
          list: { type: ["array", "null"], items: { type: "integer" } },
        },
      },
      "/components/schemas/Kind": { type: "string", enum: ["A", "B"] },
    };
    expect(await check(schemas, { kind: "A", maybe: null, wrapped: "B", list: null })).toEqual([]);
    expect(await check(schemas, { kind: null, maybe: 2, wrapped: "C", list: [1.5] })).toEqual([
      {
        pointer: "/kind",
        schemaPath: `${T}/properties/kind`,
        kind: "type",
        actual: "null",
        expected: 'string, one of "A", "B"',
        value: null,
      },
      {
        pointer: "/maybe",
        schemaPath: "/components/schemas/Kind",
        kind: "type",
        actual: "integer",
        expected: 'string, one of "A", "B"',
        value: 2,
      },
      {
        pointer: "/wrapped",
        schemaPath: "/components/schemas/Kind",
        kind: "enum",
        actual: "string",
        expected: 'string, one of "A", "B"',
      },
      {
        pointer: "/list/0",
        schemaPath: `${T}/properties/list/items`,
        kind: "type",
        actual: "number",
        expected: "integer",
        value: 1.5,
      },
    ]);
  });

  it("a map's keys are not shown; a schema that refers to itself is checked to any depth", async () => {
    const schemas = {
      [T]: {
        type: "object",
        properties: {
          byName: { type: "object", additionalProperties: { type: "integer" } },
          children: { type: "array", items: { $ref: T } },
        },
        additionalProperties: false as const,
      },
    };
    const events = await check(schemas, {
      byName: { [SECRET_NAME]: "x" },
      children: [{ children: [{ children: [], extra: true }] }],
    });
    expect(events).toEqual([
      {
        pointer: "/byName/*",
        schemaPath: `${T}/properties/byName/additionalProperties`,
        kind: "type",
        actual: "string",
        expected: "integer",
      },
      {
        pointer: "/children/0/children/0/extra",
        schemaPath: T,
        kind: "additional",
        actual: "unexpected property",
        expected: "no other properties",
      },
    ]);
  });

  it("a nullable enum admits null without listing it (as its generated type does)", async () => {
    const schemas = { [T]: { type: "object", properties: { k: { type: ["string", "null"], enum: ["A", "B"] } } } };
    expect(await check(schemas, { k: null })).toEqual([]);
    expect(await check(schemas, { k: "C" })).toEqual([
      {
        pointer: "/k",
        schemaPath: `${T}/properties/k`,
        kind: "enum",
        actual: "string",
        expected: 'string, one of "A", "B" or null',
      },
    ]);
  });

  it("of several branches that take a value's type, a mismatch is blamed on the one it comes closest to", async () => {
    const field = (kind: string, value: SchemaNode) => ({
      type: "object",
      properties: { kind: { type: "string", enum: [kind] }, value, label: { type: "string" } },
      required: ["kind", "label"],
      additionalProperties: false as const,
    });
    const schemas = {
      [T]: {
        type: "array",
        items: { anyOf: [field("section", { type: "array" }), field("number", { type: "number" })] },
      },
    };
    expect(await check(schemas, [{ kind: "number", value: true, label: "x" }])).toEqual([
      {
        pointer: "/0/value",
        schemaPath: `${T}/items/anyOf/1/properties/value`,
        kind: "type",
        actual: "boolean",
        expected: "number",
        value: true,
      },
    ]);
  });

  it("keys that look like data are not named; at most 1,000 findings per body", async () => {
    const schemas = { [T]: { type: "object", properties: {}, additionalProperties: false as const } };
    const keys = [SECRET_NAME, "__proto__", "jane.doe@example.com", "legacyCode"];
    const body = JSON.parse(`{${keys.map((key) => `${JSON.stringify(key)}: 1`).join(", ")}}`);
    const events = await check(schemas, body);
    expect(events.map((e) => e.pointer)).toEqual(["/*", "/*", "/*", "/legacyCode"]);
    expect(JSON.stringify(events)).not.toMatch(/Jane|jane|__proto__/);
    const many = Object.fromEntries(Array.from({ length: 5000 }, (_, i) => [`field${i}`, i]));
    expect(await check(schemas, many)).toHaveLength(1000);
  });

  it("a schema that contains itself is followed 64 levels deep; a deeper body is not a failure", async () => {
    const schemas = {
      [T]: { type: "object", properties: { n: { type: "integer" }, children: { type: "array", items: { $ref: T } } } },
    };
    // 5,000 levels: the fourth is a string where an integer goes; "deepest", far past 64, is not looked at.
    const levels = Array.from({ length: 5000 }, (_, level) => (level === 4 ? '"four deep"' : String(level)));
    const body = levels.map((n) => `{"n":${n},"children":[`).join("") + '{"n":"deepest"}' + "]}".repeat(5000);
    const events = await check(schemas, body);
    expect(events.map((e) => e.pointer)).toEqual(["/children/0".repeat(4) + "/n"]);
  });

  it("an operation or a status the table has no schema for is not checked", async () => {
    const schemas = { [T]: { type: "object", properties: { n: { type: "integer" } } } };
    expect(await check(schemas, { n: "x" })).toHaveLength(1);
    expect(await check(schemas, { n: "x" }, T, { Things_Get: { "201": T } })).toEqual([]);
    expect(await check(schemas, { n: "x" }, T, { Other_Get: { "200": T } })).toEqual([]);
  });

  it("report: schemas that cannot be loaded leave the call as it was, and a later call tries again", async () => {
    const table: ValidationTable = {
      spec: "things.json",
      responses: { Things_Get: { "200": T } },
      schemas: { [T]: { type: "object", properties: { n: { type: "integer" } } } },
    };
    let attempts = 0;
    const warnings: string[] = [];
    const events: DriftEvent[] = [];
    const domain = defineDomain<any>("/crm/v2", {
      groups: { things: { get } },
      operations: {},
      validation: async () => {
        if (++attempts === 1) throw new Error("chunk failed to load");
        return { validation: table };
      },
    });
    const client = domain.create({
      ...strictConfig(server),
      validateResponses: "report",
      hooks: { onDrift: (event) => void events.push(event) },
      logger: { warn: (line) => void warnings.push(line) },
    });
    server.options.api = () => ({ json: { n: "x" } });
    await expect(client.things.get({ id: 1 })).resolves.toEqual({ n: "x" });
    expect(warnings).toEqual(["ServiceTitan Things_Get: responses cannot be checked: chunk failed to load"]);
    await client.things.get({ id: 1 });
    expect(attempts).toBe(2);
    expect(events).toHaveLength(1);
    await expect(client.things.get({ id: 1 }, { validateResponses: "throw" })).rejects.toBeInstanceOf(
      ResponseValidationError,
    );
  });
});
