import { createRequire } from "node:module";
import type ts from "typescript";
import { TENANT_PARAM, type DomainWithSpec } from "../model/domain-model.js";
import { domainHeader } from "./header.js";

type OpenapiTS = typeof import("openapi-typescript");
type GlobalContext = Parameters<OpenapiTS["transformSchema"]>[1];

/**
 * The domain's `types.ts`: `paths` / `components` / `operations`, from openapi-typescript's Node API (one
 * process for all specs). Two changes to its output: the `tenant` path parameter is optional, because the
 * runtime fills it in (that is what lets path-style calls, `st.crm.GET(path)`, omit it); and it is indented
 * by two spaces, as every other generated file is, where TypeScript's printer uses four.
 */
export async function emitTypes(domain: DomainWithSpec): Promise<string> {
  const { astToString, typescript } = await loadOpenapiTypescript();
  const text = astToString(
    (await openapiTypescriptNodes(domain.document)).map((node) => makeTenantOptional(typescript, node)),
  );
  return domainHeader(domain) + "\n" + halveIndentation(text);
}

/** The printer indents by four spaces a level, and writes no multi-line strings, so each line's leading spaces are levels. */
export function halveIndentation(text: string): string {
  return text.replace(/^(?: {4})+/gm, (indent) => indent.slice(indent.length / 2));
}

/** What `openapiTS(document)` returns for a spec that load.ts accepted (see `context` below). */
export async function openapiTypescriptNodes(document: object): Promise<ts.Node[]> {
  const { transformSchema, context } = await loadOpenapiTypescript();
  return transformSchema(document as Parameters<typeof transformSchema>[0], context(document));
}

let loaded: ReturnType<typeof load> | undefined;

/**
 * Loaded on first use, through `require`, from openapi-typescript's CommonJS build: imported as ES modules,
 * Node would first scan all of TypeScript for its export names and module syntax.
 */
function loadOpenapiTypescript() {
  loaded ??= load();
  return loaded;
}

async function load() {
  const require = createRequire(import.meta.url);
  const openapiTypescript = require("openapi-typescript") as OpenapiTS;
  const redocly = createRequire(require.resolve("openapi-typescript"))("@redocly/openapi-core") as {
    createConfig(
      config: { rules: Record<string, never> },
      options: { extends: string[] },
    ): Promise<GlobalContext["redoc"]>;
  };
  // The context carries a Redocly config as openapiTS() builds one (the transform itself does not read it
  // in 7.x); an empty one, from the Redocly that openapi-typescript itself depends on.
  const redoc = await redocly.createConfig({ rules: {} }, { extends: [] });
  const { astToString, transformSchema, scanDiscriminators, resolveRef } = openapiTypescript;
  /**
   * `openapiTS(document)` is: Redocly lints the document, bundles it, then `transformSchema` runs with
   * this context (its defaults, as openapi-typescript 7 sets them). The lint and the bundle cost stgen its
   * CPU-time target (BENCHMARKS.md), and add nothing here: load.ts has rejected external `$ref`s (so bundling changes nothing)
   * and checked what the lint would fail on, with messages that name the file and the pointer. A test
   * checks the output is exactly `openapiTS()`'s for every spec of both releases.
   */
  const context = (document: object): GlobalContext => {
    const schema = document as Parameters<typeof scanDiscriminators>[0];
    return {
      additionalProperties: false,
      alphabetize: false,
      arrayLength: false,
      defaultNonNullable: true,
      discriminators: scanDiscriminators(schema, {}),
      emptyObjectsUnknown: false,
      enum: false,
      enumValues: false,
      conditionalEnums: false,
      dedupeEnums: false,
      excludeDeprecated: false,
      exportType: false,
      immutable: false,
      rootTypes: false,
      rootTypesNoSchemaPrefix: false,
      rootTypesKeepCasing: false,
      injectFooter: [],
      pathParamsAsTypes: false,
      postTransform: undefined,
      propertiesRequiredByDefault: false,
      redoc,
      silent: true,
      inject: undefined,
      transform: undefined,
      transformProperty: undefined,
      makePathsEnum: false,
      generatePathParams: false,
      readWriteMarkers: false,
      resolve: ($ref) => resolveRef(schema, $ref, { silent: true }),
    };
  };
  return { astToString, transformSchema, context, typescript: require("typescript") as typeof import("typescript") };
}

/** Subtrees that never hold a path parameter: walking them (the schemas are most of the tree) is wasted. */
const NO_PARAMETERS_BELOW = new Set(["schemas", "responses", "requestBody", "headers"]);

function makeTenantOptional<T extends ts.Node>(ts: typeof import("typescript"), root: T): T {
  const question = ts.factory.createToken(ts.SyntaxKind.QuestionToken);
  const visit = (node: ts.Node, inside: string[]): ts.Node => {
    if (ts.isPropertySignature(node)) {
      const name = ts.isIdentifier(node.name) || ts.isStringLiteral(node.name) ? node.name.text : "";
      if (name === TENANT_PARAM && inside.at(-1) === "path" && inside.at(-2) === "parameters") {
        return ts.factory.updatePropertySignature(node, node.modifiers, node.name, question, node.type);
      }
      if (NO_PARAMETERS_BELOW.has(name)) return node;
      const nested = [...inside, name];
      return ts.visitEachChild(node, (child) => visit(child, nested), undefined);
    }
    return ts.visitEachChild(node, (child) => visit(child, inside), undefined);
  };
  return visit(root, []) as T;
}
