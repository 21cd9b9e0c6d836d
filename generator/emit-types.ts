import type ts from "typescript";
import { TENANT_PARAM, type DomainWithSpec } from "./model.js";

/**
 * The domain's `paths` / `components` / `operations` types, from openapi-typescript's Node API (one
 * process for all specs). One change to its output: the `tenant` path parameter is optional, because
 * the runtime fills it in; that is what lets path-style calls (`st.crm.GET(path)`) omit it.
 */
export async function emitTypes(domain: DomainWithSpec): Promise<string> {
  // Loaded on first use, not at start-up: openapi-typescript and TypeScript take over a second to load,
  // and the client thread should be busy by then (see client-thread.ts).
  const [{ default: openapiTS, astToString }, { default: typescript }] = await Promise.all([import("openapi-typescript"), import("typescript")]);
  const nodes = await openapiTS(domain.document as Parameters<typeof openapiTS>[0], { silent: true });
  return astToString(nodes.map((node) => makeTenantOptional(typescript, node)));
}

function makeTenantOptional<T extends ts.Node>(ts: typeof import("typescript"), root: T): T {
  const question = ts.factory.createToken(ts.SyntaxKind.QuestionToken);
  const visit = (node: ts.Node, inside: string[]): ts.Node => {
    if (ts.isPropertySignature(node)) {
      const name = ts.isIdentifier(node.name) || ts.isStringLiteral(node.name) ? node.name.text : "";
      if (name === TENANT_PARAM && inside.at(-1) === "path" && inside.at(-2) === "parameters") {
        return ts.factory.updatePropertySignature(node, node.modifiers, node.name, question, node.type);
      }
      const nested = [...inside, name];
      return ts.visitEachChild(node, (child) => visit(child, nested), undefined);
    }
    return ts.visitEachChild(node, (child) => visit(child, inside), undefined);
  };
  return visit(root, []) as T;
}
