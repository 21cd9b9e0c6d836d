import { createRequire } from "node:module";
import type ts from "typescript";
import { TENANT_PARAM, type DomainWithSpec } from "./model.js";

type OpenapiTS = typeof import("openapi-typescript");
type RedoclyConfig = NonNullable<Parameters<OpenapiTS["default"]>[1]>["redocly"];

/**
 * The domain's `paths` / `components` / `operations` types, from openapi-typescript's Node API (one
 * process for all specs). One change to its output: the `tenant` path parameter is optional, because
 * the runtime fills it in; that is what lets path-style calls (`st.crm.GET(path)`) omit it.
 */
export async function emitTypes(domain: DomainWithSpec): Promise<string> {
  const { openapiTS, astToString, typescript, redocly } = await loadOpenapiTypescript();
  const nodes = await openapiTS(domain.document as Parameters<typeof openapiTS>[0], { silent: true, redocly });
  return astToString(nodes.map((node) => makeTenantOptional(typescript, node)));
}

let loaded: ReturnType<typeof load> | undefined;

/**
 * Loaded on first use, not at start-up (the client thread should be busy by then, see client-thread.ts),
 * and through `require`, from openapi-typescript's CommonJS build: imported as ES modules, Node scans
 * TypeScript's 9 MB for its export names and module syntax first, which took 0.45 s of a 1.2 s load.
 */
function loadOpenapiTypescript() {
  loaded ??= load();
  return loaded;
}

async function load() {
  const require = createRequire(import.meta.url);
  const { default: openapiTS, astToString } = require("openapi-typescript") as OpenapiTS;
  return { openapiTS, astToString, typescript: require("typescript") as typeof import("typescript"), redocly: await noLintConfig(require) };
}

/**
 * openapi-typescript lints every spec with Redocly's "minimal" rules before it makes the types: a walk
 * over the whole document that took a quarter of its time here. By then load.ts has checked what those
 * rules would fail on (dangling `$ref`s, duplicate operationIds) with messages that name the file, so the
 * lint runs with no rules. The config comes from the Redocly that openapi-typescript itself depends on.
 */
async function noLintConfig(require: NodeJS.Require): Promise<RedoclyConfig> {
  const redocly = createRequire(require.resolve("openapi-typescript"))("@redocly/openapi-core") as {
    createConfig(config: { rules: Record<string, never> }, options: { extends: string[] }): Promise<RedoclyConfig>;
  };
  return redocly.createConfig({ rules: {} }, { extends: [] });
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
