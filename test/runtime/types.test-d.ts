import { describe, expectTypeOf, it } from "vitest";
import {
  createServiceTitan,
  type NotFoundError,
  type PermissionError,
  type RateLimitError,
  type ServiceTitan,
  type ServiceTitanError,
} from "../../generated/index.js";
import type { CustomerResponse, PaginatedResponseOfCustomerResponse } from "../../generated/crm/index.js";
import type { ExportJobsResponse } from "../../generated/jpm/index.js";

declare const st: ServiceTitan;

describe("method types", () => {
  it("resolves to the schema's type", () => {
    expectTypeOf(st.crm.customers.get({ id: 1 })).resolves.toEqualTypeOf<CustomerResponse>();
    expectTypeOf(st.crm.customers.getList({ page: 1 })).resolves.toEqualTypeOf<PaginatedResponseOfCustomerResponse>();
    expectTypeOf(st.jpm.export.jobs({ from: "token" })).resolves.toMatchTypeOf<{
      hasMore: boolean;
      continueFrom: string;
      data: ExportJobsResponse[];
    }>();
    expectTypeOf(st.telecom.calls.getRecording({ id: 1 })).resolves.toEqualTypeOf<Blob>();
    expectTypeOf(
      st.crm.bookings.deleteContact({ booking_provider: 1, id: 2, contactId: 3 }),
    ).resolves.toEqualTypeOf<undefined>();
  });

  it("takes path and query parameters in one object, tenant never among them", () => {
    expectTypeOf(st.crm.customers.get).parameter(0).toEqualTypeOf<{ id: number }>();
    expectTypeOf(st.crm.customers.getList).parameter(0).not.toHaveProperty("tenant");
    expectTypeOf(st.inventory.receipts.cancelReceipts).parameter(0).toHaveProperty("queryId");
    expectTypeOf(st.accounting.apBills.getListPaginated)
      .parameter(0)
      .exclude<undefined>()
      .toHaveProperty("customField.Fields");
  });

  it("rejects wrong, missing and tenant parameters at compile time", () => {
    // @ts-expect-error the id must be a number
    void st.crm.customers.get({ id: "42" });
    // @ts-expect-error id is required
    void st.crm.customers.get({});
    // @ts-expect-error the arguments are required when a path parameter is
    void st.crm.customers.get();
    // @ts-expect-error the tenant is filled in by the client, never passed
    void st.crm.customers.get({ id: 1, tenant: 5 });
    // @ts-expect-error unknown query parameter
    void st.crm.customers.getList({ pageNumber: 2 });
    // @ts-expect-error a create needs its body
    void st.crm.customers.create({});
    // @ts-expect-error uploads take the file as a Blob
    void st.pricebook.images.post({ body: { file: "not a blob" } });
  });

  it("path style keeps openapi-fetch's result and makes tenant optional", () => {
    const call = st.crm.GET("/tenant/{tenant}/customers/{id}", { params: { path: { id: 1 } } });
    expectTypeOf(call).resolves.toHaveProperty("response").toEqualTypeOf<Response>();
    // @ts-expect-error path-style calls still check their own parameters
    void st.crm.GET("/tenant/{tenant}/customers/{id}", { params: { path: { id: "x" } } });
  });

  it("createServiceTitan requires the four credentials", () => {
    // @ts-expect-error appKey missing
    void createServiceTitan({ clientId: "c", clientSecret: "s", tenant: 1 });
    expectTypeOf(createServiceTitan).returns.toEqualTypeOf<ServiceTitan>();
  });
});

describe("resilience options and errors", () => {
  it("takes per-call retry options and rejects wrong ones", () => {
    void st.crm.customers.create({ body: {} as never }, { retry: { nonIdempotent: true } });
    void st.crm.customers.get({ id: 1 }, { retry: false, timeoutMs: 5000 });
    // @ts-expect-error nonIdempotent is a boolean
    void st.crm.customers.get({ id: 1 }, { retry: { nonIdempotent: "yes" } });
    // @ts-expect-error retry: true is not an option (retries are on by default)
    void st.crm.customers.get({ id: 1 }, { retry: true });
  });

  it("error subclasses carry what their meaning adds", () => {
    expectTypeOf<RateLimitError["retryAfterMs"]>().toEqualTypeOf<number | undefined>();
    expectTypeOf<PermissionError["requiredScopes"]>().toEqualTypeOf<readonly string[]>();
    expectTypeOf<NotFoundError>().toMatchTypeOf<ServiceTitanError>();
    expectTypeOf<ServiceTitanError["attempts"]>().toEqualTypeOf<number>();
  });
});

describe("paging helpers", () => {
  it(".all() yields the item type of data, .pages() the page type", async () => {
    for await (const customer of st.crm.customers.getList.all({ active: "Any" }, { maxItems: 10 })) {
      expectTypeOf(customer).toEqualTypeOf<CustomerResponse>();
    }
    for await (const page of st.crm.customers.getList.pages())
      expectTypeOf(page).toEqualTypeOf<PaginatedResponseOfCustomerResponse>();
    for await (const job of st.jpm.export.jobs.all({ from: new Date() }))
      expectTypeOf(job).toEqualTypeOf<ExportJobsResponse>();
    expectTypeOf(st.crm.customers.getList.all().truncated).toEqualTypeOf<boolean>();
    expectTypeOf(st.jpm.export.jobs.pages().continueFrom).toEqualTypeOf<string | undefined>();
  });

  it("keeps the arguments' types and required-ness, and the method itself callable", () => {
    expectTypeOf(st.crm.customers.getList({ page: 2 })).resolves.toEqualTypeOf<PaginatedResponseOfCustomerResponse>();
    // @ts-expect-error a paged list's filters keep their types
    void st.crm.customers.getList.all({ active: "Sometimes" });
    // @ts-expect-error `from` is a token or a Date
    void st.jpm.export.jobs.all({ from: 20260101 });
    // @ts-expect-error the customer's id is required for its contacts, in .all() too
    void st.crm.customers.getContactList.all();
    void st.crm.customers.getContactList.all({ id: 1 }, { pageSize: 100, maxPages: 2 });
  });
});
