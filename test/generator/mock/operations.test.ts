import { Ajv, type ValidateFunction } from "ajv";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadOverlaidSpecs } from "../../../generator/spec/overlays.js";
import { buildDomainModel } from "../../../generator/model/build-model.js";
import { fakeValue } from "../../../generator/mock/fake-data.js";
import { startMockServer, type MockServer } from "../../../generator/mock/index.js";
import { buildOperations, type MockOperation } from "../../../generator/mock/operations.js";
import { validatableDocument } from "../../../generator/mock/schema-validator.js";
import { deref, type SchemaObject } from "../../../generator/spec/openapi.js";
import { resolvePointer } from "../../../generator/spec/pointer.js";
import { PREVIOUS, ROOT } from "../../helpers.js";

/**
 * Every operation of both releases, called once with a valid request, answers 2xx with a body that
 * validates against the operation's response schema. The validator here is a separate ajv instance with
 * strict date-time and GUID formats, independent of the one inside the mock.
 */
const RELEASES = [
  { release: "2026-05-21 (3.1.0)", dir: `${ROOT}/specs`, operations: 559 },
  { release: "2026-03-17 (3.0.1)", dir: PREVIOUS, operations: 571 },
];

describe.each(RELEASES)("every operation of the $release specs", ({ dir, operations: count }) => {
  let mock: MockServer;
  let operations: MockOperation[];
  let token: string;
  const validators = new Map<string, ValidateFunction>();
  const ajv = new Ajv({
    strict: false,
    allErrors: true,
    logger: false,
    formats: {
      ...Object.fromEntries(
        ["decimal", "double", "float", "html", "multiline", "phone", "duration", "binary", "email", "password"].map(
          (f) => [f, true],
        ),
      ),
      "date-time": /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/,
      date: /^\d{4}-\d\d-\d\d$/,
      guid: /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i,
      int32: { type: "number", validate: (n: number) => Number.isInteger(n) && Math.abs(n) < 2 ** 31 },
      int64: { type: "number", validate: (n: number) => Number.isSafeInteger(n) },
    },
  });

  beforeAll(async () => {
    // What the mock serves: the specs with their folder's overlays applied.
    const domains = (await loadOverlaidSpecs(dir)).specs.map(buildDomainModel);
    for (const domain of domains) ajv.addSchema(validatableDocument(`test:${domain.name}`, domain.document));
    operations = buildOperations(domains);
    mock = await startMockServer({ specs: dir });
    const answer = await fetch(`${mock.url}/connect/token`, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({
        grant_type: "client_credentials",
        client_id: mock.credentials.clientId,
        client_secret: mock.credentials.clientSecret,
      }),
    });
    token = ((await answer.json()) as { access_token: string }).access_token;
  });
  afterAll(() => mock.close());

  it(`serves all ${count} operations in 24 domains`, () => {
    expect(mock.operations).toBe(count);
    expect(mock.domains).toBe(24);
    expect(operations).toHaveLength(count);
  });

  it("answers a valid request for each with a schema-valid 2xx", { timeout: 120_000 }, async () => {
    // Deletes last, so they cannot take away a record another operation reads.
    const ordered = [...operations].sort(
      (a, b) => Number(a.model.method === "DELETE") - Number(b.model.method === "DELETE"),
    );
    const failures: string[] = [];
    let validated = 0;
    for (const op of ordered) {
      const { url, init } = validRequest(mock, token, op);
      const response = await fetch(url, init);
      const where = `${op.domain} ${op.model.operationId} ${op.model.method} ${url.slice(mock.url.length)}`;
      if (!response.ok) {
        failures.push(`${where}: ${response.status} ${(await response.text()).slice(0, 300)}`);
        continue;
      }
      const pointer = op.success.schema;
      if (!pointer) {
        await response.arrayBuffer();
        continue;
      }
      const body: unknown = JSON.parse(await response.text());
      const validate = validatorFor(ajv, validators, op.domain, pointer);
      if (!validate(body)) failures.push(`${where}: invalid answer: ${ajv.errorsText(validate.errors)}`);
      else validated++;
    }
    expect(failures).toEqual([]);
    // Most operations answer JSON; the rest have no body or send a file.
    expect(validated).toBeGreaterThan(count * 0.8);
  });
});

function validatorFor(
  ajv: Ajv,
  validators: Map<string, ValidateFunction>,
  domain: string,
  pointer: string,
): ValidateFunction {
  const ref = `test:${domain}#${encodeURI(pointer)}`;
  let validate = validators.get(ref);
  if (!validate) validators.set(ref, (validate = ajv.compile({ $ref: ref })));
  return validate;
}

/** Path parameters that exist (id 1 is in every collection), required query parameters, a valid body. */
function validRequest(mock: MockServer, token: string, op: MockOperation): { url: string; init: RequestInit } {
  const path = op.template.replace(/\{([^}]+)\}/g, (_, name: string) => {
    if (name === "tenant") return mock.credentials.tenant;
    const param = op.pathParams.find((p) => p.name === name)!;
    return encodeURIComponent(String(sampleParam(op, param.schema ?? {})));
  });
  const query = new URLSearchParams();
  for (const param of op.queryParams)
    if (param.required) query.set(param.name, String(sampleParam(op, param.schema ?? {})));
  const headers: Record<string, string> = { Authorization: `Bearer ${token}`, "ST-App-Key": mock.credentials.appKey };
  let body: BodyInit | undefined;
  if (op.model.body?.binaryFields.length) {
    const form = new FormData();
    for (const field of op.model.body.binaryFields) form.set(field, new Blob(["bytes"]), "file.bin");
    body = form;
  } else if (op.bodySchema) {
    headers["Content-Type"] = "application/json";
    body = JSON.stringify(
      fakeValue(op.doc, resolvePointer(op.doc, op.bodySchema), 99, { key: `request:${op.model.operationId}` }),
    );
  }
  const search = query.size > 0 ? `?${query}` : "";
  return { url: `${mock.url}${path}${search}`, init: { method: op.model.method, headers, body } };
}

function sampleParam(op: MockOperation, raw: SchemaObject): string | number | boolean {
  const oneOf = raw.oneOf as SchemaObject[] | undefined;
  const schema = deref<SchemaObject>(op.doc, oneOf ? oneOf.find((s) => s.type !== "null")! : raw);
  if (Array.isArray(schema.enum)) return schema.enum[0] as string;
  const type = [schema.type].flat().find((t) => t !== "null");
  if (type === "integer" || type === "number") return 1;
  if (type === "boolean") return true;
  if (schema.format === "date-time") return "2026-01-01T00:00:00Z";
  if (schema.format === "guid" || schema.format === "uuid") return "3f2504e0-4f89-41d3-9a0c-0305e82c3301";
  return "sample";
}
