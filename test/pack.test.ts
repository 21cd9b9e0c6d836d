import { readdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CREDENTIALS, json, startFakeServiceTitan, type FakeServiceTitan } from "./fake-servicetitan.js";
import { ROOT, runProcess as run, tempDir } from "./helpers.js";

/** What a user does: npm pack, npm install the tarball into an empty project, import it from plain Node ESM. */
describe("the packed package, installed in an empty project", () => {
  let fake: FakeServiceTitan;
  let app: string;

  beforeAll(async () => {
    fake = await startFakeServiceTitan();
    fake.route("GET", "/crm/v2/tenant/:tenant/customers/:id", (_req, params, res) => json(res, 200, { id: Number(params.id), name: "Packed" }));
    const packs = await tempDir("pack-");
    const packed = await run("npm", ["pack", "--pack-destination", packs, "--silent"], ROOT);
    expect(packed.code, packed.stderr).toBe(0);
    const [tarball] = (await readdir(packs)).filter((name) => name.endsWith(".tgz"));
    app = await tempDir("app-");
    await writeFile(path.join(app, "package.json"), JSON.stringify({ name: "app", private: true, type: "module" }));
    const installed = await run("npm", ["install", path.join(packs, tarball!), "--no-audit", "--no-fund", "--prefer-offline"], app);
    expect(installed.code, installed.stderr).toBe(0);
  }, 600_000);
  afterAll(() => fake?.close());

  it("imports the root and a domain subpath without a TypeScript loader and calls the API", async () => {
    await writeFile(
      path.join(app, "main.mjs"),
      `import { createServiceTitan, ServiceTitanError } from "servicetitan-client";
import { createCrmClient, ServiceTitanError as CrmError } from "servicetitan-client/crm";
const config = { clientId: "${CREDENTIALS.clientId}", clientSecret: process.env.ST_SECRET, appKey: "${CREDENTIALS.appKey}",
  tenant: ${CREDENTIALS.tenant}, baseUrl: process.env.ST_URL, authUrl: process.env.ST_URL };
const st = createServiceTitan(config);
const one = await st.crm.customers.get({ id: 42 });
const two = await createCrmClient(config).customers.get({ id: 43 });
const error = await st.crm.customers.getList().catch((e) => e);
console.log(JSON.stringify({ one, two, domains: Object.keys(st).length, sameErrorClass: ServiceTitanError === CrmError,
  isError: error instanceof ServiceTitanError, status: error.status }));
`,
    );
    const result = await run(process.execPath, ["main.mjs"], app, { ST_URL: fake.url, ST_SECRET: CREDENTIALS.clientSecret });
    expect(result.stderr).toBe("");
    expect(JSON.parse(result.stdout)).toEqual({
      one: { id: 42, name: "Packed" },
      two: { id: 43, name: "Packed" },
      domains: 24,
      sameErrorClass: true,
      isError: true,
      status: 404,
    });
    expect(fake.tokenRequests).toBe(1);
  });

  it("ships type declarations that resolve for TypeScript users", async () => {
    const dts = await readdir(path.join(app, "node_modules/servicetitan-client/dist/generated/crm"));
    expect(dts).toEqual(expect.arrayContaining(["index.d.ts", "index.js", "client.d.ts", "models.d.ts", "types.d.ts"]));
  });

  it("installs the stgen binary", async () => {
    const help = await run(path.join(app, "node_modules/.bin/stgen"), ["--help"], app);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain("stgen generate");
  });
});
