import { readFileSync } from "node:fs";
import path from "node:path";
import ts from "typescript";
import { expect, it } from "vitest";
import { ROOT } from "../../helpers.js";

/**
 * What an editor shows on hover is TypeScript's quick info: asked here of the language service, on a file
 * that uses the generated client as a user would.
 */
function hover(source: string, at: string): string {
  const file = path.join(ROOT, "generated/__hover__.ts");
  const host: ts.LanguageServiceHost = {
    getScriptFileNames: () => [file],
    getScriptVersion: () => "1",
    getScriptSnapshot: (name) => {
      if (name === file) return ts.ScriptSnapshot.fromString(source);
      return ts.sys.fileExists(name) ? ts.ScriptSnapshot.fromString(readFileSync(name, "utf8")) : undefined;
    },
    getCurrentDirectory: () => ROOT,
    getCompilationSettings: () => ({
      strict: true,
      module: ts.ModuleKind.NodeNext,
      moduleResolution: ts.ModuleResolutionKind.NodeNext,
      target: ts.ScriptTarget.ES2022,
    }),
    getDefaultLibFileName: (options) => ts.getDefaultLibFilePath(options),
    fileExists: ts.sys.fileExists,
    readFile: ts.sys.readFile,
  };
  const info = ts.createLanguageService(host).getQuickInfoAtPosition(file, source.indexOf(`${at}; //`) + at.length - 1);
  return ts.displayPartsToString(info?.displayParts);
}

const USE = `import { createServiceTitan } from "./index.js";
const st = createServiceTitan({ clientId: "c", clientSecret: "s", appKey: "k", tenant: 1 });
st.crm.customers.get; // get
st.crm.customers.getList; // getList
st.jpm.jobs.update; // update
`;

it("shows a method with its named argument and result types", () => {
  expect(hover(USE, "customers.get")).toBe(
    "(method) CustomersApi.get(args: CustomersGetArgs, options?: RequestOptions): Promise<CustomerResponse>",
  );
  expect(hover(USE, "jobs.update")).toMatch(
    /^\(method\) JobsApi\.update\(args: JobsUpdateArgs, options\?: RequestOptions\): Promise<\w+>$/,
  );
});

it("shows a paged list with its named arguments type", () => {
  // The page type is shown expanded here (TypeScript prints a generic's type arguments resolved).
  expect(hover(USE, "customers.getList")).toMatch(
    /^\(property\) CustomersApi\.getList: PagedList<\[args\?: CustomersGetListArgs \| undefined\], \{/,
  );
});
