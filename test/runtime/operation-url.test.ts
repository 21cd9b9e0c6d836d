import { createFinalURL, createQuerySerializer, defaultPathSerializer } from "openapi-fetch";
import { describe, expect, it } from "vitest";
import { loadSpecs } from "../../generator/spec/load.js";
import { buildDomainModel } from "../../generator/model/build-model.js";
import { compileOperation, operationUrl, splitArguments } from "../../runtime/operation.js";
import { LATEST } from "../helpers.js";

/** What openapi-fetch itself builds for the same call: generated methods must hit the same URL as path-style calls. */
function openapiFetchUrl(
  template: string,
  baseUrl: string,
  pathParams: Record<string, unknown>,
  query: Record<string, unknown>,
): string {
  return createFinalURL(template, {
    baseUrl,
    params: { path: pathParams, query },
    querySerializer: createQuerySerializer(),
    pathSerializer: defaultPathSerializer,
  });
}

const base = "https://api.servicetitan.io/crm/v2";
const spec = (pathTemplate: string) =>
  compileOperation({ id: "Op", method: "GET", path: pathTemplate, result: "json" });

describe("operationUrl builds the URL openapi-fetch builds", () => {
  const cases: [string, Record<string, unknown>, Record<string, unknown>][] = [
    ["/tenant/{tenant}/customers/{id}", { tenant: 1234567, id: 42 }, {}],
    ["/tenant/{tenant}/customers/{id}", { tenant: 1234567, id: "a b/c?d#e&f=%" }, {}],
    ["/tenant/{tenant}/customers", { tenant: 1 }, { page: 2, pageSize: 50, active: true, name: "Ünïcode & co" }],
    [
      "/tenant/{tenant}/customers",
      { tenant: 1 },
      { ids: [1, 2, 3], "customField.Fields": { Color: "Red", Size: "L" } },
    ],
    ["/tenant/{tenant}/customers", { tenant: 1 }, { ids: [], modifiedOnOrAfter: "2025-01-01T00:00:00Z" }],
    ["/tenant/{tenant}/export/jobs", { tenant: 1 }, { from: "opaque+token/==", includeRecentChanges: false }],
    ["/v3/tenant/{tenant}/calls/{id}/recording", { tenant: 1, id: 0 }, {}],
    [
      "/tenant/{tenant}/booking-provider/{booking_provider}/bookings/{id}",
      { tenant: 1, booking_provider: 7, id: "x" },
      { empty: "" },
    ],
    // Style markers go to openapi-fetch's own serializer.
    ["/tenant/{tenant}/items/{.id}/{;key}", { tenant: 1, id: 5, key: "k" }, {}],
  ];
  it.each(cases)("%s %j %j", (template, pathParams, query) => {
    expect(operationUrl(spec(template), base, pathParams, query)).toBe(
      openapiFetchUrl(template, base, pathParams, query),
    );
  });

  it("for every operation of the latest release, with its arguments sorted as a generated method sorts them", async () => {
    const domains = (await loadSpecs(LATEST)).map(buildDomainModel);
    let checked = 0;
    for (const domain of domains) {
      const baseUrl = `https://api.servicetitan.io${domain.modulePath}`;
      for (const model of domain.operations) {
        const op = compileOperation({ id: model.operationId, method: model.method, path: model.path, result: "json" });
        const args: Record<string, unknown> = { page: 3, ids: "1,2" };
        for (const param of model.pathParams) args[param.arg] = `${param.name} value/${checked}`;
        const { path: pathParams, query } = splitArguments(op, args);
        pathParams.tenant = 1234567;
        expect(operationUrl(op, baseUrl, pathParams, query), `${domain.file} ${model.operationId}`).toBe(
          openapiFetchUrl(model.path, baseUrl, pathParams, query),
        );
        checked++;
      }
    }
    expect(checked).toBe(559);
  });
});

it("fills in path and query as ServiceTitan expects them", () => {
  const op = spec("/tenant/{tenant}/customers/{id}");
  expect(
    operationUrl(op, base, { tenant: 1, id: "a/b" }, { ids: [1, 2], "customField.Fields": { Color: "Red" } }),
  ).toBe(`${base}/tenant/1/customers/a%2Fb?ids=1&ids=2&customField.Fields[Color]=Red`);
});
