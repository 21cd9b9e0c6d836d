import { describe, expect, it } from "vitest";
import { RULES, type Change } from "../../../generator/diff/changes.js";
import { diffReleases } from "../../../generator/diff/diff-releases.js";
import { renderMarkdown } from "../../../generator/diff/render.js";
import type { LoadedSpec } from "../../../generator/spec/load.js";
import type { OpenApiDocument } from "../../../generator/spec/openapi.js";

/** One small spec, changed one way per case: given old and new, the changes `stgen diff` must report. */
type Doc = Record<string, any>;

function baseDoc(): Doc {
  const json = (ref: string) => ({
    description: "OK",
    content: { "application/json": { schema: { $ref: `#/components/schemas/${ref}` } } },
  });
  const tenant = { name: "tenant", in: "path", required: true, schema: { type: "integer", format: "int64" } };
  return {
    openapi: "3.1.0",
    info: { title: "Mini", version: "1.0" },
    servers: [{ url: "https://api.servicetitan.io/mini/v2" }],
    paths: {
      "/tenant/{tenant}/widgets": {
        get: {
          tags: ["Widgets"],
          operationId: "Widgets_GetList",
          summary: "Lists widgets",
          parameters: [
            tenant,
            { name: "page", in: "query", schema: { type: "integer", format: "int32" } },
            { name: "color", in: "query", schema: { type: "string", enum: ["Red", "Blue"] } },
          ],
          responses: { "200": json("WidgetPage") },
        },
        post: {
          tags: ["Widgets"],
          operationId: "Widgets_Create",
          parameters: [tenant],
          requestBody: { content: { "application/json": { schema: { $ref: "#/components/schemas/CreateWidget" } } } },
          responses: { "200": json("Widget") },
        },
      },
      "/tenant/{tenant}/widgets/{id}": {
        get: {
          tags: ["Widgets"],
          operationId: "Widgets_Get",
          parameters: [
            tenant,
            { name: "id", in: "path", required: true, schema: { type: "integer", format: "int64" } },
          ],
          responses: { "200": json("Widget") },
          security: [{ oauth: ["tn.mini.widgets:r"] }],
        },
      },
    },
    components: {
      schemas: {
        Widget: {
          type: "object",
          required: ["id", "name"],
          properties: {
            id: { type: "integer", format: "int64" },
            name: { type: "string", description: "Its name" },
            size: { type: ["number", "null"] },
            kind: { type: "string", enum: ["A", "B"] },
            note: { type: "string" },
            owner: { oneOf: [{ $ref: "#/components/schemas/Owner" }, { type: "null" }] },
          },
        },
        Owner: { type: "object", properties: { id: { type: "integer" } } },
        WidgetPage: {
          type: "object",
          properties: {
            page: { type: "integer" },
            hasMore: { type: "boolean" },
            data: { type: "array", items: { $ref: "#/components/schemas/Widget" } },
          },
        },
        CreateWidget: {
          type: "object",
          required: ["name"],
          properties: { name: { type: "string" }, size: { type: "number" }, color: { type: ["string", "null"] } },
        },
        // No operation reaches it (a webhook payload): an exported type all the same.
        WidgetEvent: {
          type: "object",
          required: ["id", "kind"],
          properties: {
            id: { type: "integer" },
            kind: { type: "string", enum: ["Created", "Deleted"] },
            at: { type: "string", format: "date-time" },
            widget: { $ref: "#/components/schemas/Widget" },
          },
        },
      },
    },
  };
}

function spec(doc: Doc, file = "mini-v2.json"): LoadedSpec {
  return { file, displayPath: file, sha256: "0", document: doc as OpenApiDocument };
}
function diff(change: (doc: Doc) => void, prepare: (doc: Doc) => void = () => {}): Change[] {
  const older = baseDoc();
  prepare(older);
  const newer = structuredClone(older);
  change(newer);
  return diffReleases({ label: "old", specs: [spec(older)] }, { label: "new", specs: [spec(newer)] }).changes;
}
const brief = (changes: Change[]) =>
  changes.map(
    (c) =>
      `${c.severity} ${c.rule}${c.location ? ` @ ${c.location}` : ""}${c.clientMethod ? ` → ${c.clientMethod}` : ""}`,
  );
const op = (doc: Doc, path: string, method: string) => doc.paths[path][method];
const widget = (doc: Doc) => doc.components.schemas.Widget;
const create = (doc: Doc) => doc.components.schemas.CreateWidget;
const event = (doc: Doc) => doc.components.schemas.WidgetEvent;
/** The 3.0.1 releases' security: the app key as a header or as a query parameter, for every operation. */
const appKeyEitherWay = (d: Doc) => {
  d.components.securitySchemes = {
    apiKeyHeader: { type: "apiKey", name: "ST-App-Key", in: "header" },
    apiKeyQuery: { type: "apiKey", name: "servicetitanapplicationkey", in: "query" },
    oauth: { type: "oauth2", flows: { clientCredentials: { tokenUrl: "https://auth.example/token", scopes: {} } } },
  };
  d.security = [{ apiKeyHeader: [] }, { apiKeyQuery: [] }];
  delete op(d, ONE, "get").security;
};
const LIST = "/tenant/{tenant}/widgets";
const ONE = "/tenant/{tenant}/widgets/{id}";

describe("stgen diff rules (given old and new → want changes)", () => {
  it.each<[string, (doc: Doc) => void, string[], ((doc: Doc) => void)?]>([
    [
      "operation removed",
      (d) => delete d.paths[ONE],
      ["breaking api-removed-without-deprecation → st.mini.widgets.get"],
    ],
    [
      "deprecated operation removed",
      (d) => delete d.paths[ONE],
      ["warning api-removed-after-deprecation → st.mini.widgets.get"],
      (d) => (op(d, ONE, "get").deprecated = true),
    ],
    [
      "operation added",
      (d) =>
        (d.paths[ONE].delete = {
          ...op(d, ONE, "get"),
          operationId: "Widgets_Delete",
          responses: { "200": { description: "OK" } },
        }),
      ["info endpoint-added → st.mini.widgets.delete"],
    ],
    ["deprecated", (d) => (op(d, ONE, "get").deprecated = true), ["warning api-deprecated → st.mini.widgets.get"]],
    [
      "un-deprecated",
      (d) => delete op(d, ONE, "get").deprecated,
      ["info api-reactivated → st.mini.widgets.get"],
      (d) => (op(d, ONE, "get").deprecated = true),
    ],
    [
      "operationId renamed",
      (d) => (op(d, ONE, "get").operationId = "Widgets_GetById"),
      ["breaking api-operation-id-changed → st.mini.widgets.getById"],
    ],
    [
      "new required query parameter",
      (d) =>
        op(d, LIST, "get").parameters.push({ name: "shape", in: "query", required: true, schema: { type: "string" } }),
      ["breaking new-required-request-parameter @ query parameter shape → st.mini.widgets.getList"],
    ],
    [
      "new optional query parameter",
      (d) => op(d, LIST, "get").parameters.push({ name: "shape", in: "query", schema: { type: "string" } }),
      ["info new-optional-request-parameter @ query parameter shape → st.mini.widgets.getList"],
    ],
    [
      "query parameter removed",
      (d) => op(d, LIST, "get").parameters.splice(2, 1),
      ["warning request-parameter-removed @ query parameter color → st.mini.widgets.getList"],
    ],
    [
      "query parameter became required",
      (d) => (op(d, LIST, "get").parameters[1].required = true),
      ["breaking request-parameter-became-required @ query parameter page → st.mini.widgets.getList"],
    ],
    [
      "query parameter became optional",
      (d) => delete op(d, LIST, "get").parameters[1].required,
      ["info request-parameter-became-optional @ query parameter page → st.mini.widgets.getList"],
      (d) => (op(d, LIST, "get").parameters[1].required = true),
    ],
    [
      "query parameter type changed",
      (d) => (op(d, LIST, "get").parameters[1].schema = { type: "string" }),
      ["breaking request-parameter-type-changed @ query parameter page → st.mini.widgets.getList"],
    ],
    [
      "query parameter format changed",
      (d) => (op(d, LIST, "get").parameters[1].schema.format = "int64"),
      ["warning request-parameter-format-changed @ query parameter page → st.mini.widgets.getList"],
    ],
    [
      "query enum value removed and added",
      (d) => (op(d, LIST, "get").parameters[2].schema.enum = ["Red", "Green"]),
      [
        "breaking request-parameter-enum-value-removed @ query parameter color → st.mini.widgets.getList",
        "info request-parameter-enum-value-added @ query parameter color → st.mini.widgets.getList",
      ],
    ],
    [
      "new required request property",
      (d) => ((create(d).properties.shape = { type: "string" }), create(d).required.push("shape")),
      ["breaking new-required-request-property @ request body shape → st.mini.widgets.create"],
    ],
    [
      "new optional request property",
      (d) => (create(d).properties.shape = { type: "string" }),
      ["info new-optional-request-property @ request body shape → st.mini.widgets.create"],
    ],
    [
      "request property removed",
      (d) => delete create(d).properties.size,
      ["warning request-property-removed @ request body size → st.mini.widgets.create"],
    ],
    [
      "request property became required",
      (d) => create(d).required.push("size"),
      ["breaking request-property-became-required @ request body size → st.mini.widgets.create"],
    ],
    [
      "request property type changed",
      (d) => (create(d).properties.size = { type: "string" }),
      ["breaking request-property-type-changed @ request body size → st.mini.widgets.create"],
    ],
    [
      "request property became non-nullable",
      (d) => (create(d).properties.color = { type: "string" }),
      ["breaking request-property-became-not-nullable @ request body color → st.mini.widgets.create"],
    ],
    [
      "request body removed",
      (d) => delete op(d, LIST, "post").requestBody,
      ["breaking request-body-removed @ request body → st.mini.widgets.create"],
    ],
    [
      "response property added",
      (d) => (widget(d).properties.weight = { type: "number" }),
      [
        "info response-property-added @ response 200 data[].weight → st.mini.widgets.getList",
        "info response-property-added @ response 200 weight → st.mini.widgets.create",
        "info response-property-added @ response 200 weight → st.mini.widgets.get",
      ],
    ],
    [
      "required response property removed",
      (d) => ((widget(d).required = ["id"]), delete widget(d).properties.name),
      [
        "breaking response-required-property-removed @ response 200 data[].name → st.mini.widgets.getList",
        "breaking response-required-property-removed @ response 200 name → st.mini.widgets.create",
        "breaking response-required-property-removed @ response 200 name → st.mini.widgets.get",
      ],
    ],
    [
      "optional response property removed",
      (d) => delete d.components.schemas.WidgetPage.properties.page,
      ["warning response-optional-property-removed @ response 200 page → st.mini.widgets.getList"],
    ],
    [
      "response property became optional",
      (d) => (widget(d).required = ["id"]),
      [
        "warning response-property-became-optional @ response 200 data[].name → st.mini.widgets.getList",
        "warning response-property-became-optional @ response 200 name → st.mini.widgets.create",
        "warning response-property-became-optional @ response 200 name → st.mini.widgets.get",
      ],
    ],
    [
      "response property became nullable",
      (d) => (d.components.schemas.WidgetPage.properties.page = { type: ["integer", "null"] }),
      ["breaking response-property-became-nullable @ response 200 page → st.mini.widgets.getList"],
    ],
    [
      "response property type changed",
      (d) => (d.components.schemas.WidgetPage.properties.hasMore = { type: "string" }),
      ["breaking response-property-type-changed @ response 200 hasMore → st.mini.widgets.getList"],
    ],
    [
      "response enum value added",
      (d) => (d.components.schemas.WidgetPage.properties.page = { type: "integer", enum: [1, 2] }),
      ["warning response-property-enum-value-added @ response 200 page → st.mini.widgets.getList"],
      (d) => (d.components.schemas.WidgetPage.properties.page = { type: "integer", enum: [1] }),
    ],
    [
      "success status removed",
      (d) => (op(d, ONE, "get").responses = { "201": op(d, ONE, "get").responses["200"] }),
      [
        "info response-success-status-added @ response 201 → st.mini.widgets.get",
        "breaking response-success-status-removed @ response 200 → st.mini.widgets.get",
      ],
    ],
    [
      "media type removed",
      (d) => (op(d, ONE, "get").responses["200"].content = { "text/plain": { schema: { type: "string" } } }),
      [
        "breaking response-media-type-removed @ response 200 → st.mini.widgets.get",
        "info response-media-type-added @ response 200 → st.mini.widgets.get",
      ],
    ],
    [
      "scope added",
      (d) => op(d, ONE, "get").security[0].oauth.push("tn.mini.widgets:w"),
      ["warning api-security-scope-added → st.mini.widgets.get"],
    ],
    [
      "scope removed",
      (d) => (op(d, ONE, "get").security = [{ oauth: [] }]),
      ["info api-security-scope-removed → st.mini.widgets.get"],
    ],
    [
      "scopes declared where there were none",
      (d) => (op(d, LIST, "get").security = [{ oauth: ["tn.mini.widgets:r"] }]),
      ["info api-security-scopes-documented"],
    ],
    [
      "schema renamed, same shape",
      (d) => {
        d.components.schemas.Proprietor = d.components.schemas.Owner;
        delete d.components.schemas.Owner;
        widget(d).properties.owner.oneOf[0].$ref = "#/components/schemas/Proprietor";
      },
      ["warning schema-renamed @ schema Owner"],
    ],
    // Exported named types, by exported name.
    ["type removed", (d) => delete d.components.schemas.WidgetEvent, ["breaking type-removed @ type WidgetEvent"]],
    [
      "type added",
      (d) => (d.components.schemas.Gadget = { type: "object", properties: { id: { type: "integer" } } }),
      ["info type-added @ type Gadget"],
    ],
    [
      "property added to a type no operation reaches",
      (d) => (event(d).properties.source = { type: "string" }),
      ["info response-property-added @ type WidgetEvent source"],
    ],
    [
      "required property removed from a type no operation reaches",
      (d) => ((event(d).required = ["kind"]), delete event(d).properties.id),
      ["breaking response-required-property-removed @ type WidgetEvent id"],
    ],
    [
      "property of a type no operation reaches became optional",
      (d) => (event(d).required = ["id"]),
      ["warning response-property-became-optional @ type WidgetEvent kind"],
    ],
    [
      "property of a type no operation reaches retyped",
      (d) => (event(d).properties.id = { type: "string" }),
      ["breaking response-property-type-changed @ type WidgetEvent id"],
    ],
    [
      "property of a type no operation reaches became nullable",
      (d) => (event(d).properties.at = { type: ["string", "null"], format: "date-time" }),
      ["breaking response-property-became-nullable @ type WidgetEvent at"],
    ],
    [
      "enum value added in a type no operation reaches",
      (d) => event(d).properties.kind.enum.push("Moved"),
      ["warning response-property-enum-value-added @ type WidgetEvent kind"],
    ],
    [
      "a type's name now stands for another schema (the old shape moved to …Old)",
      (d) => {
        d.components.schemas.CreateWidgetOld = create(d);
        d.components.schemas.CreateWidget = {
          type: "object",
          required: ["widgetId", "rating"],
          properties: { widgetId: { type: "integer" }, rating: { type: "integer" } },
        };
        op(d, LIST, "post").requestBody.content["application/json"].schema.$ref =
          "#/components/schemas/CreateWidgetOld";
      },
      ["breaking type-name-reused @ type CreateWidget", "info type-added @ type CreateWidgetOld"],
    ],
    // The two misses.
    [
      "request value narrowed from any-or-null to null only",
      (d) => (create(d).properties.extra = { type: "null" }),
      ["breaking request-property-type-changed @ request body extra → st.mini.widgets.create"],
      (d) => (create(d).properties.extra = { nullable: true }),
    ],
    [
      "nullability of a second property of an already-compared schema",
      (d) => (widget(d).properties.reviewer = { oneOf: [{ $ref: "#/components/schemas/Owner" }, { type: "null" }] }),
      [
        "breaking response-property-became-nullable @ response 200 data[].reviewer → st.mini.widgets.getList",
        "breaking response-property-became-nullable @ response 200 reviewer → st.mini.widgets.create",
        "breaking response-property-became-nullable @ response 200 reviewer → st.mini.widgets.get",
      ],
      (d) => (widget(d).properties.reviewer = { $ref: "#/components/schemas/Owner" }),
    ],
    // Security requirements (scopes aside): alternatives and the schemes in each.
    [
      "security alternative removed (every operation: one entry)",
      (d) => (d.security = [{ apiKeyHeader: [] }]),
      ["breaking api-security-removed @ security"],
      appKeyEitherWay,
    ],
    [
      "security alternative removed (one operation)",
      (d) => (op(d, ONE, "get").security = [{ apiKeyHeader: [] }]),
      ["breaking api-security-removed @ security → st.mini.widgets.get"],
      appKeyEitherWay,
    ],
    [
      "security scheme added to a requirement",
      (d) => (d.security = [{ apiKeyHeader: [], oauth: [] }, { apiKeyQuery: [] }]),
      ["warning api-security-added @ security"],
      appKeyEitherWay,
    ],
    [
      "security alternative added",
      (d) => (op(d, ONE, "get").security = [{ apiKeyHeader: [] }, { apiKeyQuery: [] }, { oauth: [] }]),
      ["warning api-security-added @ security → st.mini.widgets.get"],
      appKeyEitherWay,
    ],
    // Constraints: tightened on a request is a warning, loosened info; the other way round on a response.
    [
      "request property maxLength added",
      (d) => (create(d).properties.name.maxLength = 100),
      ["warning request-property-constraint-tightened @ request body name → st.mini.widgets.create"],
    ],
    [
      "request property maxLength raised",
      (d) => (create(d).properties.name.maxLength = 200),
      ["info request-property-constraint-loosened @ request body name → st.mini.widgets.create"],
      (d) => (create(d).properties.name.maxLength = 100),
    ],
    [
      "request property pattern added",
      (d) => (create(d).properties.name.pattern = "^[A-Z]"),
      ["warning request-property-constraint-tightened @ request body name → st.mini.widgets.create"],
    ],
    [
      "query parameter minimum added",
      (d) => (op(d, LIST, "get").parameters[1].schema.minimum = 1),
      ["warning request-parameter-constraint-tightened @ query parameter page → st.mini.widgets.getList"],
    ],
    [
      "response property maxItems dropped",
      (d) => delete d.components.schemas.WidgetPage.properties.data.maxItems,
      ["warning response-property-constraint-loosened @ response 200 data → st.mini.widgets.getList"],
      (d) => (d.components.schemas.WidgetPage.properties.data.maxItems = 50),
    ],
    [
      "response property maxItems lowered",
      (d) => (d.components.schemas.WidgetPage.properties.data.maxItems = 10),
      ["info response-property-constraint-tightened @ response 200 data → st.mini.widgets.getList"],
      (d) => (d.components.schemas.WidgetPage.properties.data.maxItems = 50),
    ],
    [
      "server added",
      (d) => d.servers.push({ url: "https://api-integration.servicetitan.io/mini/v2" }),
      ["info servers-changed @ servers"],
    ],
    [
      "description-only edits, reported once",
      (d) => {
        widget(d).properties.name.description = "The widget's name";
        op(d, LIST, "get").summary = "Lists all widgets";
      },
      ["info description-changed"],
    ],
  ])("%s", (_, change, want, prepare) => {
    const changes = diff(change, prepare);
    expect(brief(changes).sort()).toEqual([...want].sort());
    for (const c of changes) expect(c.severity).toBe(RULES[c.rule]);
  });

  it("groups description edits into one change listing each place", () => {
    const [change] = diff((d) => {
      widget(d).properties.name.description = "The widget's name";
      op(d, LIST, "get").summary = "Lists all widgets";
    });
    expect(change!.details).toEqual([
      "GET /tenant/{tenant}/widgets/{id}: response 200 name",
      "GET /tenant/{tenant}/widgets: response 200 data[].name",
      "GET /tenant/{tenant}/widgets: summary or description",
      "POST /tenant/{tenant}/widgets: response 200 name",
    ]);
  });

  it.each<[string, (doc: Doc) => void]>([
    [
      "3.0 nullable: true for 3.1 type: [T, null]",
      (d) => (widget(d).properties.size = { type: "number", nullable: true }),
    ],
    [
      "oneOf [$ref, null] for 3.0's oneOf [$ref] + nullable",
      (d) => (widget(d).properties.owner = { oneOf: [{ $ref: "#/components/schemas/Owner" }], nullable: true }),
    ],
    [
      "a $ref for the same schema inlined",
      (d) => (d.components.schemas.WidgetPage.properties.data.items = structuredClone(widget(d))),
    ],
    [
      "a single-branch oneOf for its $ref",
      (d) =>
        (op(d, ONE, "get").responses["200"].content["application/json"].schema = {
          oneOf: [{ $ref: "#/components/schemas/Widget" }],
        }),
    ],
    [
      "keys in another order",
      (d) => (d.components.schemas.Widget = Object.fromEntries(Object.entries(widget(d)).reverse())),
    ],
    ["enum values in another order", (d) => (op(d, LIST, "get").parameters[2].schema.enum = ["Blue", "Red"])],
    [
      "3.0's exclusiveMinimum: true beside minimum for 3.1's exclusiveMinimum: n",
      (d) =>
        (op(d, LIST, "get").parameters[1].schema = {
          type: "integer",
          format: "int32",
          minimum: 0,
          exclusiveMinimum: true,
        }),
    ],
    ["a server URL with a trailing slash", (d) => (d.servers[0].url += "/")],
  ])("reports nothing for notation: %s", (_, change) => {
    const prepare = (d: Doc) => (op(d, LIST, "get").parameters[1].schema.exclusiveMinimum = 0);
    expect(brief(diff(change, prepare))).toEqual([]);
  });

  it("a change under an operation names the exported type it is in, and is not repeated as the type's", () => {
    const changes = diff((d) => (widget(d).properties.weight = { type: "number" }));
    expect(changes.map((c) => [c.clientMethod, c.type])).toEqual([
      ["st.mini.widgets.getList", "Widget"],
      ["st.mini.widgets.create", "Widget"],
      ["st.mini.widgets.get", "Widget"],
    ]);
    expect(
      renderMarkdown(
        diffReleases(
          { label: "old", specs: [spec(baseDoc())] },
          { label: "new", specs: [spec(((d: Doc) => ((widget(d).properties.weight = {}), d))(baseDoc()))] },
        ),
      ),
    ).toContain("— `st.mini.widgets.get`, in type `Widget`");
  });

  it("the type rule says which schema took the old shape and which methods use it", () => {
    const [reused] = diff((d) => {
      d.components.schemas.CreateWidgetOld = create(d);
      d.components.schemas.CreateWidget = { type: "object", properties: { widgetId: { type: "integer" } } };
      op(d, LIST, "post").requestBody.content["application/json"].schema.$ref = "#/components/schemas/CreateWidgetOld";
    });
    expect(reused!.message).toBe(
      "exported type CreateWidget now stands for another schema: its old shape is now CreateWidgetOld (exported as CreateWidgetOld), which st.mini.widgets.create use(s)",
    );
    // CreateWidget is a request type (only a request uses it): compared on the request rules.
    expect(reused!.details).toEqual([
      "color was removed",
      "name was removed",
      "size was removed",
      "new optional widgetId",
    ]);
  });

  it("matches domains by what they serve (server path and title), not by file name", () => {
    const same = diffReleases(
      { label: "old", specs: [spec(baseDoc(), "tenant-mini-v2.json")] },
      { label: "new", specs: [spec(baseDoc(), "mini-v2.json")] },
    );
    expect(same.changes).toEqual([]);
    const moved = baseDoc();
    moved.servers = [{ url: "https://api.servicetitan.io/gizmos/v2" }];
    moved.info.title = "Gizmos";
    const other = diffReleases(
      { label: "old", specs: [spec(baseDoc(), "mini-v2.json")] },
      { label: "new", specs: [spec(moved, "mini-v2.json")] },
    );
    expect(brief(other.changes).sort()).toEqual(["breaking domain-removed", "info domain-added"]);
  });

  it("renders a PR comment: verdict, table per domain, breaking first, the rest folded", async () => {
    const changes = diffReleases(
      { label: "old", specs: [spec(baseDoc())] },
      {
        label: "new",
        specs: [
          spec(
            ((d: Doc) => {
              delete d.paths[ONE];
              op(d, LIST, "get").parameters.push({ name: "shape", in: "query", schema: { type: "string" } });
              widget(d).required = ["id"];
              widget(d).properties.name.description = "Renamed";
              return d;
            })(baseDoc()),
          ),
        ],
      },
    );
    await expect(renderMarkdown(changes)).toMatchFileSnapshot("./__snapshots__/diff-mini.md");
  });
});
