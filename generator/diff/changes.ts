/** What a spec change means for code that uses the generated client. */
export type Severity = "breaking" | "warning" | "info";

/** One change, as `stgen diff` reports it (see generator/diff/report.schema.json). */
export interface Change {
  /** Stable rule id, oasdiff's name where one fits (`api-removed-without-deprecation`). */
  rule: Rule;
  severity: Severity;
  domain: string;
  /** The operation, when the change is about one: `GET /tenant/{tenant}/customers/{id}` and its operationId. */
  operation?: { method: string; path: string; operationId: string };
  /** The generated method it affects: `st.crm.customers.get`. */
  clientMethod?: string;
  /** Where in the operation: `query parameter active`, `request body address.city`, `response 200 data[].name`. */
  location?: string;
  /** The exported named type the change is in (`CustomerResponse`, from `models.ts`), when it is in one. */
  type?: string;
  message: string;
  /** For grouped changes (description edits): each place. */
  details?: string[];
}

/** The rules, with their severities, in one table: the README and the JSON schema list the same. */
export const RULES = {
  "domain-added": "info",
  "domain-removed": "breaking",
  "endpoint-added": "info",
  "api-removed-without-deprecation": "breaking",
  "api-removed-after-deprecation": "warning",
  "api-deprecated": "warning",
  "api-reactivated": "info",
  "api-operation-id-changed": "breaking",
  "new-required-request-parameter": "breaking",
  "new-optional-request-parameter": "info",
  "request-parameter-removed": "warning",
  "request-parameter-became-required": "breaking",
  "request-parameter-became-optional": "info",
  "request-parameter-type-changed": "breaking",
  "request-parameter-format-changed": "warning",
  "request-parameter-enum-value-removed": "breaking",
  "request-parameter-enum-value-added": "info",
  "request-body-added": "warning",
  "request-body-removed": "breaking",
  "new-required-request-property": "breaking",
  "new-optional-request-property": "info",
  "request-property-removed": "warning",
  "request-property-became-required": "breaking",
  "request-property-became-optional": "info",
  "request-property-type-changed": "breaking",
  "request-property-format-changed": "warning",
  "request-property-became-not-nullable": "breaking",
  "request-property-became-nullable": "info",
  "request-property-enum-value-removed": "breaking",
  "request-property-enum-value-added": "info",
  "request-parameter-constraint-tightened": "warning",
  "request-parameter-constraint-loosened": "info",
  "request-property-constraint-tightened": "warning",
  "request-property-constraint-loosened": "info",
  "response-property-added": "info",
  "response-required-property-removed": "breaking",
  "response-optional-property-removed": "warning",
  "response-property-became-optional": "warning",
  "response-property-became-required": "info",
  "response-property-type-changed": "breaking",
  "response-property-format-changed": "warning",
  "response-property-became-nullable": "breaking",
  "response-property-became-not-nullable": "info",
  "response-property-enum-value-added": "warning",
  "response-property-enum-value-removed": "info",
  "response-property-one-of-changed": "warning",
  "response-property-constraint-loosened": "warning",
  "response-property-constraint-tightened": "info",
  "response-success-status-added": "info",
  "response-success-status-removed": "breaking",
  "response-media-type-added": "info",
  "response-media-type-removed": "breaking",
  "api-security-scope-added": "warning",
  "api-security-scope-removed": "info",
  "api-security-scopes-documented": "info",
  "api-security-removed": "breaking",
  "api-security-added": "warning",
  "servers-changed": "info",
  "type-removed": "breaking",
  "type-added": "info",
  "type-name-reused": "breaking",
  "schema-renamed": "warning",
  "schema-renamed-same-type": "info",
  "description-changed": "info",
} as const satisfies Record<string, Severity>;

export type Rule = keyof typeof RULES;

const ORDER: Record<Severity, number> = { breaking: 0, warning: 1, info: 2 };

/** A stable order: severity, domain, path, method, rule, location. */
export function sortChanges(changes: Change[]): Change[] {
  const key = (c: Change) => [
    c.domain,
    c.operation?.path ?? "",
    c.operation?.method ?? "",
    c.rule,
    c.location ?? "",
    c.message,
  ];
  // (Type-level changes have no operation: they sort before a domain's operation changes of the same severity.)
  return changes.sort((a, b) => {
    if (ORDER[a.severity] !== ORDER[b.severity]) return ORDER[a.severity] - ORDER[b.severity];
    const [ka, kb] = [key(a), key(b)];
    for (let i = 0; i < ka.length; i++) if (ka[i] !== kb[i]) return ka[i]! < kb[i]! ? -1 : 1;
    return 0;
  });
}
