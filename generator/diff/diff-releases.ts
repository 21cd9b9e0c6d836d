import type { LoadedSpec } from "../load.js";
import { buildDomainModel, TENANT_PARAM, type DomainWithSpec, type OperationModel } from "../model.js";
import { deref, resolvePointer, type OpenApiDocument, type OperationObject, type ParameterObject, type Reference, type RequestBodyObject, type ResponseObject } from "../validate.js";
import { RULES, sortChanges, type Change, type Rule, type Severity } from "./changes.js";
import { compareSchemas, type SchemaChange } from "./compare-schemas.js";
import { fingerprint } from "./schema-view.js";

export interface Release {
  /** How the report names this side: a folder, a file, `origin/main:specs`. */
  label: string;
  specs: LoadedSpec[];
}

export interface DiffReport {
  /** Version of this report's layout (report.schema.json). */
  schemaVersion: 1;
  old: { label: string; domains: number; operations: number };
  new: { label: string; domains: number; operations: number };
  summary: Record<Severity, number>;
  domains: { name: string; breaking: number; warning: number; info: number }[];
  changes: Change[];
}

/** Everything that changed between two releases, on the generator's own model. Domains are matched by name. */
export function diffReleases(older: Release, newer: Release): DiffReport {
  const byName = (release: Release) => new Map(release.specs.map(buildDomainModel).map((domain) => [domain.name, domain]));
  const oldDomains = byName(older);
  const newDomains = byName(newer);
  const changes: Change[] = [];
  const add = (rule: Rule, change: Omit<Change, "rule" | "severity">) => changes.push({ rule, severity: RULES[rule], ...change });

  for (const name of [...new Set([...oldDomains.keys(), ...newDomains.keys()])].sort()) {
    const before = oldDomains.get(name);
    const after = newDomains.get(name);
    if (!before) add("domain-added", { domain: name, message: `new domain ${name} (${after!.file}, ${after!.operations.length} operations)` });
    else if (!after) add("domain-removed", { domain: name, message: `domain ${name} (${before.file}) is gone with its ${before.operations.length} operations` });
    else diffDomain(before, after, add);
  }

  const sorted = sortChanges(changes);
  const count = (list: Change[], severity: Severity) => list.filter((c) => c.severity === severity).length;
  const domainNames = [...new Set(sorted.map((c) => c.domain))].sort();
  const side = (release: Release, domains: Map<string, DomainWithSpec>) => ({
    label: release.label,
    domains: domains.size,
    operations: [...domains.values()].reduce((sum, d) => sum + d.operations.length, 0),
  });
  return {
    schemaVersion: 1,
    old: side(older, oldDomains),
    new: side(newer, newDomains),
    summary: { breaking: count(sorted, "breaking"), warning: count(sorted, "warning"), info: count(sorted, "info") },
    domains: domainNames.map((domain) => {
      const mine = sorted.filter((c) => c.domain === domain);
      return { name: domain, breaking: count(mine, "breaking"), warning: count(mine, "warning"), info: count(mine, "info") };
    }),
    changes: sorted,
  };
}

type Add = (rule: Rule, change: Omit<Change, "rule" | "severity">) => void;

/** Operations are matched by method and path, path parameter names aside (`{id}` and `{customerId}` match). */
function operationKey(op: OperationModel): string {
  return `${op.httpMethod} ${op.path.replace(/\{[^}]+\}/g, "{}")}`;
}

function clientMethod(domain: string, op: OperationModel): string {
  return `st.${domain}.${op.group ? `${op.group}.` : ""}${op.method}`;
}

function diffDomain(before: DomainWithSpec, after: DomainWithSpec, add: Add): void {
  const domain = after.name;
  const oldOps = new Map(before.operations.map((op) => [operationKey(op), op]));
  const newOps = new Map(after.operations.map((op) => [operationKey(op), op]));
  const descriptions: string[] = [];
  const scopesDocumented: string[] = [];

  for (const [key, op] of newOps) {
    if (!oldOps.has(key)) add("endpoint-added", { domain, ...about(domain, op), message: `new operation ${op.httpMethod} ${op.path} (${op.operationId})` });
  }
  for (const [key, op] of oldOps) {
    const next = newOps.get(key);
    if (!next) {
      const rule = op.deprecated ? "api-removed-after-deprecation" : "api-removed-without-deprecation";
      add(rule, { domain, ...about(domain, op), message: `${op.httpMethod} ${op.path} (${op.operationId}) was removed${op.deprecated ? " (it was deprecated)" : ""}` });
      continue;
    }
    diffOperation({ domain, before, after, oldOp: op, newOp: next, add, descriptions, scopesDocumented });
  }

  if (scopesDocumented.length > 0) {
    add("api-security-scopes-documented", {
      domain,
      message: `${scopesDocumented.length} operation(s) now name the OAuth scopes they need (none were declared before)`,
      details: scopesDocumented,
    });
  }
  diffSchemaNames(before, after, add, domain);
  if (descriptions.length > 0) {
    add("description-changed", { domain, message: `descriptions changed in ${descriptions.length} place(s)`, details: descriptions.sort() });
  }
}

interface OperationPair {
  domain: string;
  before: DomainWithSpec;
  after: DomainWithSpec;
  oldOp: OperationModel;
  newOp: OperationModel;
  add: Add;
  descriptions: string[];
  scopesDocumented: string[];
}

function about(domain: string, op: OperationModel): Pick<Change, "operation" | "clientMethod"> {
  return { operation: { method: op.httpMethod, path: op.path, operationId: op.operationId }, clientMethod: clientMethod(domain, op) };
}

function diffOperation(pair: OperationPair): void {
  const { domain, before, after, oldOp, newOp, add, descriptions } = pair;
  const base = about(domain, newOp);
  const label = `${newOp.httpMethod} ${newOp.path}`;
  const emit = (rule: Rule, message: string, location?: string) => add(rule, { domain, ...base, location, message: `${label}: ${message}` });

  if (!oldOp.deprecated && newOp.deprecated) emit("api-deprecated", `deprecated${newOp.deprecatedMessage ? `: ${newOp.deprecatedMessage}` : ""}`);
  if (oldOp.deprecated && !newOp.deprecated) emit("api-reactivated", "no longer deprecated");
  const oldMethod = clientMethod(domain, oldOp);
  if (oldMethod !== base.clientMethod) emit("api-operation-id-changed", `operationId ${oldOp.operationId} → ${newOp.operationId}: ${oldMethod} is now ${base.clientMethod}`);
  if ((oldOp.summary ?? "") !== (newOp.summary ?? "") || (oldOp.description ?? "") !== (newOp.description ?? "")) descriptions.push(`${label}: summary or description`);

  const oldRaw = rawOperation(before.document, oldOp);
  const newRaw = rawOperation(after.document, newOp);
  diffParameters(pair, oldRaw, newRaw, emit, label);
  diffRequestBody(pair, oldRaw, newRaw, emit, label);
  diffResponses(pair, oldRaw, newRaw, emit, label);

  if (oldOp.scopes.length === 0 && newOp.scopes.length > 0) pair.scopesDocumented.push(`${label}: ${newOp.scopes.join(", ")}`);
  else {
    for (const scope of newOp.scopes) if (!oldOp.scopes.includes(scope)) emit("api-security-scope-added", `now needs the OAuth scope ${scope}`);
    for (const scope of oldOp.scopes) if (!newOp.scopes.includes(scope)) emit("api-security-scope-removed", `no longer needs the OAuth scope ${scope}`);
  }
}

type Emit = (rule: Rule, message: string, location?: string) => void;

function rawOperation(doc: OpenApiDocument, op: OperationModel): { doc: OpenApiDocument; op: OperationObject; params: Map<string, ParameterObject> } {
  const item = resolvePointer(doc, `/paths/${op.path.replace(/~/g, "~0").replace(/\//g, "~1")}`) as Record<string, unknown> & { parameters?: (ParameterObject | Reference)[] };
  const raw = item[op.httpMethod.toLowerCase()] as OperationObject;
  const params = new Map<string, ParameterObject>();
  for (const p of [...(item.parameters ?? []), ...(raw.parameters ?? [])]) {
    const param = deref<ParameterObject>(doc, p);
    if (!(param.in === "path" && param.name === TENANT_PARAM)) params.set(`${param.in}:${param.name}`, param);
  }
  return { doc, op: raw, params };
}

function diffParameters(pair: OperationPair, older: ReturnType<typeof rawOperation>, newer: ReturnType<typeof rawOperation>, emit: Emit, label: string): void {
  for (const [key, param] of newer.params) {
    const where = `${param.in} parameter ${param.name}`;
    const old = older.params.get(key);
    if (!old) {
      if (param.required) emit("new-required-request-parameter", `new required ${where}`, where);
      else emit("new-optional-request-parameter", `new optional ${where}`, where);
      continue;
    }
    if (!old.required && param.required) emit("request-parameter-became-required", `${where} became required`, where);
    if (old.required && !param.required) emit("request-parameter-became-optional", `${where} became optional`, where);
    if ((old.description ?? "").trim() !== (param.description ?? "").trim()) pair.descriptions.push(`${label}: ${where}`);
    compareSchemas(
      { doc: older.doc, schema: old.schema },
      { doc: newer.doc, schema: param.schema },
      "request",
      (change) => emit(parameterRule(change), `${where}${change.path ? ` ${change.path}` : ""}: ${change.message}`, where),
      (path) => pair.descriptions.push(`${label}: ${where} ${path}`),
    );
  }
  for (const [key, param] of older.params) {
    if (!newer.params.has(key)) emit("request-parameter-removed", `${param.in} parameter ${param.name} was removed`, `${param.in} parameter ${param.name}`);
  }
}

/** A change to a parameter's own schema has the parameter rules' names; inside an object parameter, the property ones. */
function parameterRule(change: SchemaChange): Rule {
  if (change.path !== "") return change.rule;
  const renamed = change.rule.replace(/^request-property-/, "request-parameter-");
  return (renamed in RULES ? renamed : change.rule) as Rule;
}

function jsonContent(doc: OpenApiDocument, holder: RequestBodyObject | ResponseObject | undefined): Map<string, unknown> {
  const content = holder?.content ?? {};
  return new Map(Object.entries(content).map(([type, media]) => [type, media?.schema]));
}

function diffRequestBody(pair: OperationPair, older: ReturnType<typeof rawOperation>, newer: ReturnType<typeof rawOperation>, emit: Emit, label: string): void {
  const oldBody = older.op.requestBody ? deref<RequestBodyObject>(older.doc, older.op.requestBody) : undefined;
  const newBody = newer.op.requestBody ? deref<RequestBodyObject>(newer.doc, newer.op.requestBody) : undefined;
  if (!oldBody && newBody) return emit("request-body-added", "now takes a request body", "request body");
  if (oldBody && !newBody) return emit("request-body-removed", "no longer takes a request body", "request body");
  if (!oldBody || !newBody) return;
  const oldSchema = firstJson(jsonContent(older.doc, oldBody));
  const newSchema = firstJson(jsonContent(newer.doc, newBody));
  if (oldSchema === undefined || newSchema === undefined) return;
  compareSchemas(
    { doc: older.doc, schema: oldSchema },
    { doc: newer.doc, schema: newSchema },
    "request",
    (change) => emit(change.rule, `request body ${change.message}`, `request body${change.path ? ` ${change.path}` : ""}`),
    (path) => pair.descriptions.push(`${label}: request body ${path}`),
  );
}

function diffResponses(pair: OperationPair, older: ReturnType<typeof rawOperation>, newer: ReturnType<typeof rawOperation>, emit: Emit, label: string): void {
  const success = (op: OperationObject) => Object.keys(op.responses ?? {}).filter((status) => /^2/.test(status));
  const oldStatuses = success(older.op);
  const newStatuses = success(newer.op);
  for (const status of newStatuses) if (!oldStatuses.includes(status)) emit("response-success-status-added", `new success status ${status}`, `response ${status}`);
  for (const status of oldStatuses) {
    if (!newStatuses.includes(status)) {
      emit("response-success-status-removed", `success status ${status} is gone`, `response ${status}`);
      continue;
    }
    const oldContent = jsonContent(older.doc, deref<ResponseObject>(older.doc, older.op.responses![status]!));
    const newContent = jsonContent(newer.doc, deref<ResponseObject>(newer.doc, newer.op.responses![status]!));
    for (const type of newContent.keys()) if (!oldContent.has(type)) emit("response-media-type-added", `response ${status} can now be ${type}`, `response ${status}`);
    for (const type of oldContent.keys()) if (!newContent.has(type)) emit("response-media-type-removed", `response ${status} is no longer ${type}`, `response ${status}`);
    const oldSchema = firstJson(oldContent);
    const newSchema = firstJson(newContent);
    if (oldSchema === undefined || newSchema === undefined) continue;
    compareSchemas(
      { doc: older.doc, schema: oldSchema },
      { doc: newer.doc, schema: newSchema },
      "response",
      (change) => emit(change.rule, `response ${status} ${change.message}`, `response ${status}${change.path ? ` ${change.path}` : ""}`),
      (path) => pair.descriptions.push(`${label}: response ${status} ${path}`),
    );
  }
}

/** The schema of the first JSON media type (ServiceTitan lists the same schema under each). */
function firstJson(content: Map<string, unknown>): unknown {
  for (const [type, schema] of content) if (/json/i.test(type) && schema !== undefined) return schema;
  return undefined;
}

/** A component schema that disappeared while one of the same shape appeared: a rename (its exported type name changes). */
function diffSchemaNames(before: DomainWithSpec, after: DomainWithSpec, add: Add, domain: string): void {
  const oldSchemas = before.document.components?.schemas ?? {};
  const newSchemas = after.document.components?.schemas ?? {};
  const gone = Object.keys(oldSchemas).filter((name) => !(name in newSchemas));
  const appeared = Object.keys(newSchemas).filter((name) => !(name in oldSchemas));
  if (gone.length === 0 || appeared.length === 0) return;
  const byShape = new Map<string, string[]>();
  for (const name of appeared) {
    const shape = fingerprint(after.document, { $ref: `#/components/schemas/${name}` });
    byShape.set(shape, [...(byShape.get(shape) ?? []), name]);
  }
  for (const name of gone.sort()) {
    const matches = byShape.get(fingerprint(before.document, { $ref: `#/components/schemas/${name}` }));
    if (matches?.length === 1) {
      const oldType = before.schemaNames.get(name) ?? name;
      const newType = after.schemaNames.get(matches[0]!) ?? matches[0]!;
      if (oldType !== newType) {
        add("schema-renamed", { domain, location: `schema ${name}`, message: `schema ${name} is now ${matches[0]} (same shape): the exported type ${oldType} is now ${newType}` });
      } else {
        add("schema-renamed-same-type", { domain, location: `schema ${name}`, message: `schema ${name} is now ${matches[0]} (same shape); the exported type keeps its name ${newType}` });
      }
    }
  }
}
