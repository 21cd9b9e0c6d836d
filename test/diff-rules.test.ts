import { describe, expect, it } from "vitest";
import { RULES, type Change } from "../generator/diff/changes.js";
import { diffReleases } from "../generator/diff/diff-releases.js";
import { renderMarkdown } from "../generator/diff/render.js";
import type { LoadedSpec } from "../generator/load.js";
import type { OpenApiDocument } from "../generator/validate.js";

/** One small spec, changed one way per case: given old and new, the changes `stgen diff` must report. */
type Doc = Record<string, any>;

function baseDoc(): Doc {
  const json = (ref: string) => ({ description: "OK", content: { "application/json": { schema: { $ref: `#/components/schemas/${ref}` } } } });
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
          parameters: [tenant, { name: "id", in: "path", required: true, schema: { type: "integer", format: "int64" } }],
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
          properties: { page: { type: "integer" }, hasMore: { type: "boolean" }, data: { type: "array", items: { $ref: "#/components/schemas/Widget" } } },
        },
        CreateWidget: { type: "object", required: ["name"], properties: { name: { type: "string" }, size: { type: "number" }, color: { type: ["string", "null"] } } },
      },
    },
  };
}

function spec(doc: Doc): LoadedSpec {
  return { file: "mini-v2.json", displayPath: "mini-v2.json", sha256: "0", document: doc as OpenApiDocument };
}
function diff(change: (doc: Doc) => void, prepare: (doc: Doc) => void = () => {}): Change[] {
  const older = baseDoc();
  prepare(older);
  const newer = structuredClone(older);
  change(newer);
  return diffReleases({ label: "old", specs: [spec(older)] }, { label: "new", specs: [spec(newer)] }).changes;
}
const brief = (changes: Change[]) => changes.map((c) => `${c.severity} ${c.rule}${c.location ? ` @ ${c.location}` : ""}${c.clientMethod ? ` → ${c.clientMethod}` : ""}`);
const op = (doc: Doc, path: string, method: string) => doc.paths[path][method];
const widget = (doc: Doc) => doc.components.schemas.Widget;
const create = (doc: Doc) => doc.components.schemas.CreateWidget;
const LIST = "/tenant/{tenant}/widgets";
const ONE = "/tenant/{tenant}/widgets/{id}";

describe("stgen diff rules (given old and new → want changes)", () => {
  it.each<[string, (doc: Doc) => void, string[], ((doc: Doc) => void)?]>([
    ["operation removed", (d) => delete d.paths[ONE], ["breaking api-removed-without-deprecation → st.mini.widgets.get"]],
    ["deprecated operation removed", (d) => delete d.paths[ONE], ["warning api-removed-after-deprecation → st.mini.widgets.get"], (d) => (op(d, ONE, "get").deprecated = true)],
    ["operation added", (d) => (d.paths[ONE].delete = { ...op(d, ONE, "get"), operationId: "Widgets_Delete", responses: { "200": { description: "OK" } } }), ["info endpoint-added → st.mini.widgets.delete"]],
    ["deprecated", (d) => (op(d, ONE, "get").deprecated = true), ["warning api-deprecated → st.mini.widgets.get"]],
    ["un-deprecated", (d) => delete op(d, ONE, "get").deprecated, ["info api-reactivated → st.mini.widgets.get"], (d) => (op(d, ONE, "get").deprecated = true)],
    ["operationId renamed", (d) => (op(d, ONE, "get").operationId = "Widgets_GetById"), ["breaking api-operation-id-changed → st.mini.widgets.getById"]],
    ["new required query parameter", (d) => op(d, LIST, "get").parameters.push({ name: "shape", in: "query", required: true, schema: { type: "string" } }), ["breaking new-required-request-parameter @ query parameter shape → st.mini.widgets.getList"]],
    ["new optional query parameter", (d) => op(d, LIST, "get").parameters.push({ name: "shape", in: "query", schema: { type: "string" } }), ["info new-optional-request-parameter @ query parameter shape → st.mini.widgets.getList"]],
    ["query parameter removed", (d) => op(d, LIST, "get").parameters.splice(2, 1), ["warning request-parameter-removed @ query parameter color → st.mini.widgets.getList"]],
    ["query parameter became required", (d) => (op(d, LIST, "get").parameters[1].required = true), ["breaking request-parameter-became-required @ query parameter page → st.mini.widgets.getList"]],
    ["query parameter became optional", (d) => delete op(d, LIST, "get").parameters[1].required, ["info request-parameter-became-optional @ query parameter page → st.mini.widgets.getList"], (d) => (op(d, LIST, "get").parameters[1].required = true)],
    ["query parameter type changed", (d) => (op(d, LIST, "get").parameters[1].schema = { type: "string" }), ["breaking request-parameter-type-changed @ query parameter page → st.mini.widgets.getList"]],
    ["query parameter format changed", (d) => (op(d, LIST, "get").parameters[1].schema.format = "int64"), ["warning request-parameter-format-changed @ query parameter page → st.mini.widgets.getList"]],
    ["query enum value removed and added", (d) => (op(d, LIST, "get").parameters[2].schema.enum = ["Red", "Green"]), [
      "breaking request-parameter-enum-value-removed @ query parameter color → st.mini.widgets.getList",
      "info request-parameter-enum-value-added @ query parameter color → st.mini.widgets.getList",
    ]],
    ["new required request property", (d) => ((create(d).properties.shape = { type: "string" }), create(d).required.push("shape")), ["breaking new-required-request-property @ request body shape → st.mini.widgets.create"]],
    ["new optional request property", (d) => (create(d).properties.shape = { type: "string" }), ["info new-optional-request-property @ request body shape → st.mini.widgets.create"]],
    ["request property removed", (d) => delete create(d).properties.size, ["warning request-property-removed @ request body size → st.mini.widgets.create"]],
    ["request property became required", (d) => create(d).required.push("size"), ["breaking request-property-became-required @ request body size → st.mini.widgets.create"]],
    ["request property type changed", (d) => (create(d).properties.size = { type: "string" }), ["breaking request-property-type-changed @ request body size → st.mini.widgets.create"]],
    ["request property became non-nullable", (d) => (create(d).properties.color = { type: "string" }), ["breaking request-property-became-not-nullable @ request body color → st.mini.widgets.create"]],
    ["request body removed", (d) => delete op(d, LIST, "post").requestBody, ["breaking request-body-removed @ request body → st.mini.widgets.create"]],
    ["response property added", (d) => (widget(d).properties.weight = { type: "number" }), [
      "info response-property-added @ response 200 data[].weight → st.mini.widgets.getList",
      "info response-property-added @ response 200 weight → st.mini.widgets.create",
      "info response-property-added @ response 200 weight → st.mini.widgets.get",
    ]],
    ["required response property removed", (d) => ((widget(d).required = ["id"]), delete widget(d).properties.name), [
      "breaking response-required-property-removed @ response 200 data[].name → st.mini.widgets.getList",
      "breaking response-required-property-removed @ response 200 name → st.mini.widgets.create",
      "breaking response-required-property-removed @ response 200 name → st.mini.widgets.get",
    ]],
    ["optional response property removed", (d) => delete d.components.schemas.WidgetPage.properties.page, ["warning response-optional-property-removed @ response 200 page → st.mini.widgets.getList"]],
    ["response property became optional", (d) => (widget(d).required = ["id"]), [
      "warning response-property-became-optional @ response 200 data[].name → st.mini.widgets.getList",
      "warning response-property-became-optional @ response 200 name → st.mini.widgets.create",
      "warning response-property-became-optional @ response 200 name → st.mini.widgets.get",
    ]],
    ["response property became nullable", (d) => (d.components.schemas.WidgetPage.properties.page = { type: ["integer", "null"] }), ["breaking response-property-became-nullable @ response 200 page → st.mini.widgets.getList"]],
    ["response property type changed", (d) => (d.components.schemas.WidgetPage.properties.hasMore = { type: "string" }), ["breaking response-property-type-changed @ response 200 hasMore → st.mini.widgets.getList"]],
    ["response enum value added", (d) => (d.components.schemas.WidgetPage.properties.page = { type: "integer", enum: [1, 2] }), ["warning response-property-enum-value-added @ response 200 page → st.mini.widgets.getList"], (d) => (d.components.schemas.WidgetPage.properties.page = { type: "integer", enum: [1] })],
    ["success status removed", (d) => (op(d, ONE, "get").responses = { "201": op(d, ONE, "get").responses["200"] }), [
      "info response-success-status-added @ response 201 → st.mini.widgets.get",
      "breaking response-success-status-removed @ response 200 → st.mini.widgets.get",
    ]],
    ["media type removed", (d) => (op(d, ONE, "get").responses["200"].content = { "text/plain": { schema: { type: "string" } } }), ["breaking response-media-type-removed @ response 200 → st.mini.widgets.get", "info response-media-type-added @ response 200 → st.mini.widgets.get"]],
    ["scope added", (d) => op(d, ONE, "get").security[0].oauth.push("tn.mini.widgets:w"), ["warning api-security-scope-added → st.mini.widgets.get"]],
    ["scope removed", (d) => (op(d, ONE, "get").security = [{ oauth: [] }]), ["info api-security-scope-removed → st.mini.widgets.get"]],
    ["scopes declared where there were none", (d) => (op(d, LIST, "get").security = [{ oauth: ["tn.mini.widgets:r"] }]), ["info api-security-scopes-documented"]],
    ["schema renamed, same shape", (d) => {
      d.components.schemas.Proprietor = d.components.schemas.Owner;
      delete d.components.schemas.Owner;
      widget(d).properties.owner.oneOf[0].$ref = "#/components/schemas/Proprietor";
    }, ["warning schema-renamed @ schema Owner"]],
    ["description-only edits, reported once", (d) => {
      widget(d).properties.name.description = "The widget's name";
      op(d, LIST, "get").summary = "Lists all widgets";
    }, ["info description-changed"]],
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
    ["3.0 nullable: true for 3.1 type: [T, null]", (d) => (widget(d).properties.size = { type: "number", nullable: true })],
    ["oneOf [$ref, null] for 3.0's oneOf [$ref] + nullable", (d) => (widget(d).properties.owner = { oneOf: [{ $ref: "#/components/schemas/Owner" }], nullable: true })],
    ["a $ref for the same schema inlined", (d) => (d.components.schemas.WidgetPage.properties.data.items = structuredClone(widget(d)))],
    ["a single-branch oneOf for its $ref", (d) => (op(d, ONE, "get").responses["200"].content["application/json"].schema = { oneOf: [{ $ref: "#/components/schemas/Widget" }] })],
    ["keys in another order", (d) => (d.components.schemas.Widget = Object.fromEntries(Object.entries(widget(d)).reverse()))],
    ["enum values in another order", (d) => (op(d, LIST, "get").parameters[2].schema.enum = ["Blue", "Red"])],
  ])("reports nothing for notation: %s", (_, change) => {
    expect(brief(diff(change))).toEqual([]);
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
