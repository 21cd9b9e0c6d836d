import { cp, mkdir, readdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { ROOT, runProcess as run, tempDir } from "../helpers.js";

/**
 * What a user does: pack both packages, install them into an empty project (the client as a dependency,
 * stgen as a dev dependency), generate a client of their own there, type-check it strictly, and run it
 * against `stgen mock`, all from plain Node without a TypeScript loader.
 */
const npm = (args: string[], cwd: string) => run("npm", [...args, "--no-audit", "--no-fund", "--prefer-offline"], cwd);
const tarballs: Record<"client" | "stgen", string> = { client: "", stgen: "" };
let packs: string;

beforeAll(async () => {
  packs = await tempDir("pack-");
  for (const [name, args] of [
    ["client", []],
    ["stgen", ["-w", "stgen"]],
  ] as const) {
    const packed = await run("npm", ["pack", ...args, "--pack-destination", packs, "--silent"], ROOT);
    expect(packed.code, packed.stderr).toBe(0);
    tarballs[name] = path.join(packs, packed.stdout.trim().split("\n").at(-1)!);
  }
}, 600_000);

describe("the client alone, installed without dev or peer dependencies", () => {
  it("brings openapi-fetch and nothing of the generator", async () => {
    const app = await tempDir("client-only-");
    await writeFile(path.join(app, "package.json"), JSON.stringify({ name: "app", private: true, type: "module" }));
    const installed = await npm(["install", tarballs.client, "--omit=dev", "--omit=peer"], app);
    expect(installed.code, installed.stderr).toBe(0);
    const packages = (await readdir(path.join(app, "node_modules"))).filter((name) => !name.startsWith("."));
    expect(packages).toContain("servicetitan-client");
    for (const heavy of ["typescript", "prettier", "ts-morph", "openapi-typescript", "yargs", "ajv", "stgen"])
      expect(packages).not.toContain(heavy);
    expect(packages.length - 1).toBeLessThanOrEqual(4);
    expect(await readdir(path.join(app, "node_modules/.bin")).catch(() => [])).toEqual([]);
  }, 300_000);
});

describe("a user's project with both packages", () => {
  let app: string;

  beforeAll(async () => {
    app = await tempDir("app-");
    await writeFile(path.join(app, "package.json"), JSON.stringify({ name: "app", private: true, type: "module" }));
    const client = await npm(["install", tarballs.client], app);
    expect(client.code, client.stderr).toBe(0);
    const stgen = await npm(["install", "--save-dev", tarballs.stgen, "@types/node@20"], app);
    expect(stgen.code, stgen.stderr).toBe(0);
    // Three specs as the portal names its downloads, one as a browser saves a second copy.
    await mkdir(path.join(app, "specs"));
    await cp(path.join(ROOT, "specs/crm-v2.json"), path.join(app, "specs/tenant-crm-v2.json"));
    await cp(path.join(ROOT, "specs/jpm-v2.json"), path.join(app, "specs/tenant-jpm-v2 (1).json"));
    await cp(path.join(ROOT, "specs/telecom.json"), path.join(app, "specs/tenant-telecom.json"));
  }, 600_000);

  it("stgen --version prints stgen's version, and a mistyped command gets a suggestion", async () => {
    const version = await run(path.join(app, "node_modules/.bin/stgen"), ["--version"], app);
    expect(version.stdout.trim()).toBe(
      JSON.parse(await readFile(path.join(ROOT, "generator/package.json"), "utf8")).version,
    );
    const typo = await run(path.join(app, "node_modules/.bin/stgen"), ["generat"], app);
    expect(typo.code).toBe(2);
    expect(typo.stderr).toContain("Did you mean generate?");
  });

  it("generates a client into the project, named by what each spec serves, that strict tsc accepts under node16, bundler and node10 resolution", async () => {
    const generated = await run(
      path.join(app, "node_modules/.bin/stgen"),
      ["generate", "--specs", "specs", "--out", "src/servicetitan"],
      app,
    );
    expect(generated.stderr).toBe("");
    expect(generated.code).toBe(0);
    expect((await readdir(path.join(app, "src/servicetitan"))).sort()).toEqual([
      "crm",
      "index.ts",
      "jpm",
      "manifest.json",
      "telecom",
    ]);
    expect(await readFile(path.join(app, "src/servicetitan/crm/client.ts"), "utf8")).toContain(
      'from "servicetitan-client/runtime"',
    );

    await writeFile(
      path.join(app, "src/main.ts"),
      `import { startMockServer } from "stgen/mock";
import { NotFoundError } from "servicetitan-client";
import { createServiceTitan, ServiceTitanError } from "./servicetitan/index.js";
import type { CustomerResponse } from "./servicetitan/crm/index.js";

/** Every domain the client offers: built on first use, each is an accessor until then (for…in lists them). */
function domainsOf(client: object): string[] {
  const names: string[] = [];
  for (const name in client) names.push(name);
  return names.sort();
}

const mock = await startMockServer({ specs: "specs" });
const st = createServiceTitan({ ...mock.credentials, baseUrl: mock.url, authUrl: mock.url });
const customer: CustomerResponse = await st.crm.customers.get({ id: 42 });
const jobs = await st.jpm.jobs.getList({ page: 1, pageSize: 5 });
const missing = await st.crm.customers.get({ id: 100_000 }).catch((error: unknown) => error);
console.log(JSON.stringify({
  id: customer.id, jobs: jobs.data.length, domains: domainsOf(st),
  missing: missing instanceof ServiceTitanError && missing.status, sameClass: missing instanceof NotFoundError,
}));
await mock.close();
`,
    );
    const strict = {
      strict: true,
      noUncheckedIndexedAccess: true,
      target: "ES2022",
      skipLibCheck: false,
      types: ["node"],
      lib: ["ES2023", "DOM"],
    };
    for (const [name, options] of Object.entries({
      node16: { module: "node16", moduleResolution: "node16", outDir: "out" },
      bundler: { module: "esnext", moduleResolution: "bundler", noEmit: true },
    })) {
      await writeFile(
        path.join(app, `tsconfig.${name}.json`),
        JSON.stringify({ compilerOptions: { ...strict, ...options }, include: ["src"] }),
      );
      const tsc = await run(path.join(app, "node_modules/.bin/tsc"), ["-p", `tsconfig.${name}.json`], app);
      expect(tsc.stdout + tsc.stderr, name).toBe("");
    }
    // A CommonJS project on node10 resolution reaches the subpath types too (typesVersions).
    await writeFile(
      path.join(app, "legacy.ts"),
      'import type { CustomerResponse } from "servicetitan-client/crm";\nexport type Id = CustomerResponse["id"];\n',
    );
    const legacyOptions = { ...strict, module: "commonjs", moduleResolution: "node", noEmit: true };
    await writeFile(
      path.join(app, "tsconfig.legacy.json"),
      JSON.stringify({ compilerOptions: legacyOptions, files: ["legacy.ts"] }),
    );
    const legacy = await run(path.join(app, "node_modules/.bin/tsc"), ["-p", "tsconfig.legacy.json"], app);
    expect(legacy.stdout + legacy.stderr).toBe("");

    const result = await run(process.execPath, ["out/main.js"], app);
    expect(result.stderr).toBe("");
    expect(JSON.parse(result.stdout)).toEqual({
      id: 42,
      jobs: 5,
      domains: ["crm", "jpm", "telecom"],
      missing: 404,
      sameClass: true,
    });
  }, 300_000);

  it("imports the bundled client's root, a domain subpath and redis from plain Node", async () => {
    await writeFile(
      path.join(app, "bundled.mjs"),
      `import { createServiceTitan, ServiceTitanError } from "servicetitan-client";
import { createCrmClient, ServiceTitanError as CrmError } from "servicetitan-client/crm";
import { redisTokenStore, redisRateLimiter } from "servicetitan-client/redis";
import * as root from "servicetitan-client";
import { startMockServer } from "stgen/mock";
const mock = await startMockServer(); // the specs bundled in stgen
const config = { ...mock.credentials, baseUrl: mock.url, authUrl: mock.url };
const st = createServiceTitan(config);
const one = await st.crm.customers.get({ id: 42 });
const two = await createCrmClient(config).customers.get({ id: 43 });
console.log(JSON.stringify({ ids: [one.id, two.id], domains: Object.keys(Object.getPrototypeOf(st)).length, sameErrorClass: ServiceTitanError === CrmError,
  plumbing: ["defineDomain", "lazyObject", "createCore"].filter((name) => name in root), operations: mock.operations,
  redis: [typeof redisTokenStore, typeof redisRateLimiter] }));
await mock.close();
`,
    );
    const result = await run(process.execPath, ["bundled.mjs"], app);
    expect(result.stderr).toBe("");
    expect(JSON.parse(result.stdout)).toEqual({
      ids: [42, 43],
      domains: 24,
      sameErrorClass: true,
      plumbing: [],
      operations: 559,
      redis: ["function", "function"],
    });
  });

  it("the packed client reports the packed mock's drift, throws on it when asked, and stgen drift tables it", async () => {
    await writeFile(
      path.join(app, "drift.mjs"),
      `import { appendFileSync } from "node:fs";
import { createServiceTitan, ResponseValidationError } from "servicetitan-client";
import { startMockServer } from "stgen/mock";
const mock = await startMockServer({ drift: 0.5 });
const st = createServiceTitan({ ...mock.credentials, baseUrl: mock.url, authUrl: mock.url, validateResponses: "report",
  hooks: { onDrift: (event) => appendFileSync("drift.jsonl", JSON.stringify(event) + "\\n") } });
const page = await st.crm.customers.getList({ pageSize: 100 });
const thrown = await st.crm.customers.getList({ pageSize: 100 }, { validateResponses: "throw" }).catch((e) => e);
console.log(JSON.stringify({ rows: page.data.length, thrown: thrown instanceof ResponseValidationError, drift: thrown.drift.length > 0 }));
await mock.close();
`,
    );
    const result = await run(process.execPath, ["drift.mjs"], app);
    expect(result.stderr).toBe("");
    expect(JSON.parse(result.stdout)).toEqual({ rows: 100, thrown: true, drift: true });
    const kinds = new Set(
      (await readFile(path.join(app, "drift.jsonl"), "utf8"))
        .trim()
        .split("\n")
        .map((line) => JSON.parse(line).kind),
    );
    expect([...kinds].sort()).toEqual(["additional", "required", "type"]);
    const table = await run(path.join(app, "node_modules/.bin/stgen"), ["drift", "drift.jsonl"], app);
    expect(table.stderr).toBe("");
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(
      /^\| `Customers_GetList` +\| `crm-v2\.json#\/components\/schemas\/Crm\.V2\.CustomerType` +\| type /m,
    );
  });
});
