import { describe, expect, it } from "vitest";
import {
  camelCase,
  domainName,
  fileDomainName,
  friendlySchemaNames,
  methodPlacement,
  queryArgumentName,
} from "../../../generator/model/naming.js";

describe("naming", () => {
  it.each([
    ["/crm/v2", "CRM", "crm"],
    ["/equipmentsystems/v2", "Equipment Systems", "equipmentSystems"],
    ["/customer-interactions/v2", "Customer Interactions", "customerInteractions"],
    ["/jpm/v2", "Job Planning and Management", "jpm"],
    ["/sales/v2", "Sales & Estimates", "sales"],
    ["/telecom", "Telecom", "telecom"],
  ])("the domain serving %s titled %s is %s", (modulePath, title, want) =>
    expect(domainName(modulePath, title)).toBe(want),
  );

  it.each([
    ["tenant-crm-v2.json", "crm"],
    ["tenant-crm-v2 (1).json", "crm"],
    ["equipment-systems-v2.json", "equipmentSystems"],
    ["scheduling-pro-v2.yml", "schedulingPro"],
  ])("a spec file %s that cannot be read counts as domain %s", (file, want) => expect(fileDomainName(file)).toBe(want));

  it.each([
    ["Customers_GetList", { group: "customers", method: "getList" }],
    ["Export_Jobs", { group: "export", method: "jobs" }],
    ["ExportCustomers_GetCustomers", { group: "exportCustomers", method: "getCustomers" }],
    ["InstalledEquipment_Get2", { group: "installedEquipment", method: "get2" }],
    ["reviews", { group: null, method: "reviews" }],
    ["A_B_C", { group: "a", method: "bC" }],
  ])("operationId %s is placed at %o", (id, want) => expect(methodPlacement(id)).toEqual(want));

  it.each([
    ["GetList", "getList"],
    ["CSVExport", "csvExport"],
    ["ID", "id"],
    ["2fa", "_2fa"],
  ])("camelCase(%s) = %s", (given, want) => expect(camelCase(given)).toBe(want));

  it("renames a query parameter only when its name is taken", () => {
    expect(queryArgumentName("id", new Set(["id", "body"]))).toBe("queryId");
    expect(queryArgumentName("body", new Set(["id", "body"]))).toBe("queryBody");
    expect(queryArgumentName("customField.Fields", new Set(["id"]))).toBe("customField.Fields");
  });

  it("gives schemas friendly names without namespaces, and without collisions", () => {
    const names = friendlySchemaNames(
      [
        "Crm.V2.CustomerResponse",
        "PaginatedResponse_Of_Crm.V2.BookingResponse",
        "Crm.V2.Customers.Note",
        "Crm.V2.Locations.Note",
        "ApiErrorResponse",
        "Crm.V2.CustomersApi",
      ],
      new Set(["CustomersApi"]),
    );
    expect(Object.fromEntries(names)).toEqual({
      "Crm.V2.CustomerResponse": "CustomerResponse",
      "PaginatedResponse_Of_Crm.V2.BookingResponse": "PaginatedResponseOfBookingResponse",
      "Crm.V2.Customers.Note": "CustomersNote",
      "Crm.V2.Locations.Note": "LocationsNote",
      ApiErrorResponse: "ApiErrorResponse",
      "Crm.V2.CustomersApi": "CustomersApiModel",
    });
  });
});
