import { afterAll, beforeAll, expect, it, vi } from "vitest";
import { createServiceTitan, memoryTokenStore } from "../../generated/index.js";
import { MOCK_CREDENTIALS, startMockServer, type MockServer } from "../../generator/mock/index.js";

/** A client per tenant is its core and a few getters: domains, groups and methods are made on first use, then kept. */
let mock: MockServer;
beforeAll(async () => {
  mock = await startMockServer({ extraTenants: ["111", "222"] });
});
afterAll(() => mock.close());

const client = () =>
  createServiceTitan({ ...MOCK_CREDENTIALS, baseUrl: mock.url, authUrl: mock.url, tokenStore: memoryTokenStore() });

it("makes a domain, a group and a method on first access and returns the same one after", () => {
  const st = client();
  expect(Object.keys(st)).toEqual([]); // nothing made yet
  expect("crm" in st && "jpm" in st).toBe(true);
  const crm = st.crm;
  expect(st.crm).toBe(crm);
  expect(Object.keys(st)).toEqual(["crm"]);
  expect(crm.customers).toBe(crm.customers);
  expect(crm.customers.get).toBe(crm.customers.get);
  expect(Object.keys(crm.customers)).toEqual(["get"]);
  expect(client().crm).not.toBe(crm); // per client, not shared
});

it("lets a test stub a method, before or after first use, and methods work detached from their group", async () => {
  const stubbed = client();
  const fake = async () => ({ id: 99 });
  (stubbed.crm.customers as { get: unknown }).get = fake; // before the method was ever made
  expect(await stubbed.crm.customers.get({ id: 1 })).toEqual({ id: 99 });
  const spied = client();
  await spied.crm.customers.get({ id: 1 }); // made, then replaced
  const spy = vi.spyOn(spied.crm.customers, "get").mockResolvedValue({ id: 7 } as never);
  expect(await spied.crm.customers.get({ id: 1 })).toEqual({ id: 7 });
  expect(spy).toHaveBeenCalledOnce();
  expect(Object.getPrototypeOf(spied.crm).customers).toBeUndefined(); // the prototype itself makes nothing
  expect(client().crm.customers.get).not.toBe(fake); // other clients are untouched

  const st = client();
  const { get } = st.crm.customers;
  expect((await get({ id: 1 })).id).toBe(1);
  const { getList } = st.crm.customers;
  let rows = 0;
  for await (const _ of getList.all({ pageSize: 50 }, { maxItems: 60 })) rows++;
  expect(rows).toBe(60);
  const { GET } = st.crm;
  expect((await GET("/tenant/{tenant}/customers/{id}", { params: { path: { id: 2 } } })).data?.id).toBe(2);
});

it("two tenants' clients share no state: each call goes to its own tenant", async () => {
  const one = createServiceTitan({
    ...MOCK_CREDENTIALS,
    tenant: "111",
    baseUrl: mock.url,
    authUrl: mock.url,
    tokenStore: memoryTokenStore(),
  });
  const two = createServiceTitan({
    ...MOCK_CREDENTIALS,
    tenant: "222",
    baseUrl: mock.url,
    authUrl: mock.url,
    tokenStore: memoryTokenStore(),
  });
  await one.crm.customers.get({ id: 1 });
  await two.crm.customers.get({ id: 1 });
  const paths = mock
    .apiRequests()
    .map((request) => request.path)
    .filter((p) => p.endsWith("/customers/1"));
  expect(paths.slice(-2)).toEqual(["/crm/v2/tenant/111/customers/1", "/crm/v2/tenant/222/customers/1"]);
});
