import { readdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { ROOT, runProcess as run, tempDir } from "./helpers.js";

/** What a user does: npm pack, npm install the tarball into an empty project, import it from plain Node ESM. */
describe("the packed package, installed in an empty project", () => {
  let app: string;

  beforeAll(async () => {
    const packs = await tempDir("pack-");
    const packed = await run("npm", ["pack", "--pack-destination", packs, "--silent"], ROOT);
    expect(packed.code, packed.stderr).toBe(0);
    const [tarball] = (await readdir(packs)).filter((name) => name.endsWith(".tgz"));
    app = await tempDir("app-");
    await writeFile(path.join(app, "package.json"), JSON.stringify({ name: "app", private: true, type: "module" }));
    const installed = await run("npm", ["install", path.join(packs, tarball!), "--no-audit", "--no-fund", "--prefer-offline"], app);
    expect(installed.code, installed.stderr).toBe(0);
  }, 600_000);

  it("imports the root, a domain subpath and the mock without a TypeScript loader, and calls the mock", async () => {
    await writeFile(
      path.join(app, "main.mjs"),
      `import { createServiceTitan, ServiceTitanError } from "servicetitan-client";
import { createCrmClient, ServiceTitanError as CrmError } from "servicetitan-client/crm";
import { startMockServer } from "servicetitan-client/mock";
import { redisTokenStore, redisRateLimiter } from "servicetitan-client/redis";
const mock = await startMockServer(); // serves the specs bundled in the package
const config = { ...mock.credentials, baseUrl: mock.url, authUrl: mock.url };
const st = createServiceTitan(config);
const one = await st.crm.customers.get({ id: 42 });
const two = await createCrmClient(config).customers.get({ id: 43 });
const error = await st.crm.customers.get({ id: 100000 }).catch((e) => e);
console.log(JSON.stringify({ ids: [one.id, two.id], named: typeof one.name, domains: Object.keys(st).length,
  sameErrorClass: ServiceTitanError === CrmError, isError: error instanceof ServiceTitanError, status: error.status,
  tokenRequests: mock.tokenRequests, operations: mock.operations, redis: [typeof redisTokenStore, typeof redisRateLimiter] }));
await mock.close();
`,
    );
    const result = await run(process.execPath, ["main.mjs"], app);
    expect(result.stderr).toBe("");
    expect(JSON.parse(result.stdout)).toEqual({
      ids: [42, 43],
      named: "string",
      domains: 24,
      sameErrorClass: true,
      isError: true,
      status: 404,
      tokenRequests: 1,
      operations: 559,
      redis: ["function", "function"],
    });
  });

  it("ships type declarations that resolve for TypeScript users", async () => {
    const dts = await readdir(path.join(app, "node_modules/servicetitan-client/dist/generated/crm"));
    expect(dts).toEqual(expect.arrayContaining(["index.d.ts", "index.js", "client.d.ts", "models.d.ts", "types.d.ts"]));
  });

  it("installs the stgen binary", async () => {
    const help = await run(path.join(app, "node_modules/.bin/stgen"), ["--help"], app);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain("stgen generate");
    expect(help.stdout).toContain("stgen mock");
  });
});
