import type { LoadedSpec } from "../spec/load.js";
import { buildDomainModel } from "../model/build-model.js";
import { TENANT_PARAM, type DomainWithSpec, type OperationModel } from "../model/domain-model.js";
import {
  deref,
  type OpenApiDocument,
  type OperationObject,
  type ParameterObject,
  type Reference,
  type RequestBodyObject,
  type ResponseObject,
} from "../spec/openapi.js";
import { escapePointerSegment, resolvePointer, unescapePointerSegment } from "../spec/pointer.js";
import { mergeParameters } from "../model/parameters.js";
import { RULES, sortChanges, type Change, type Rule, type Severity } from "./changes.js";
import { compareSchemas, ownerKey, type SchemaChange } from "./compare-schemas.js";
import { fingerprint } from "./schema-view.js";

export interface Release {
  /** How the report names this side: a folder, a file, `origin/main:specs`. */
  label: string;
  specs: LoadedSpec[];
  /** The overlays applied to the specs before comparing; none (the default): as ServiceTitan shipped them. */
  overlays?: string[];
}

export interface DiffReport {
  /** Version of this report's layout (report.schema.json). */
  schemaVersion: 1;
  old: { label: string; domains: number; operations: number; overlays: string[] };
  new: { label: string; domains: number; operations: number; overlays: string[] };
  summary: Record<Severity, number>;
  domains: { name: string; breaking: number; warning: number; info: number }[];
  changes: Change[];
}

/**
 * Everything that changed between two releases, on the generator's own model. Domains are matched by
 * name, which comes from what the spec serves (its server path and title, `domainName`), not from its
 * file name: the portal's `tenant-crm-v2.json` and `crm-v2.json` are one domain.
 */
export function diffReleases(older: Release, newer: Release): DiffReport {
  const byName = (release: Release) =>
    new Map(release.specs.map(buildDomainModel).map((domain) => [domain.name, domain]));
  const oldDomains = byName(older);
  const newDomains = byName(newer);
  const changes: Change[] = [];
  const add = (rule: Rule, change: Omit<Change, "rule" | "severity">) =>
    changes.push({ rule, severity: RULES[rule], ...change });

  for (const name of [...new Set([...oldDomains.keys(), ...newDomains.keys()])].sort()) {
    const before = oldDomains.get(name);
    const after = newDomains.get(name);
    if (!before)
      add("domain-added", {
        domain: name,
        message: `new domain ${name} (${after!.file}, ${after!.operations.length} operations)`,
      });
    else if (!after)
      add("domain-removed", {
        domain: name,
        message: `domain ${name} (${before.file}) is gone with its ${before.operations.length} operations`,
      });
    else diffDomain(before, after, add);
  }

  const sorted = sortChanges(changes);
  const count = (list: Change[], severity: Severity) => list.filter((c) => c.severity === severity).length;
  const domainNames = [...new Set(sorted.map((c) => c.domain))].sort();
  const side = (release: Release, domains: Map<string, DomainWithSpec>) => ({
    label: release.label,
    domains: domains.size,
    operations: [...domains.values()].reduce((sum, d) => sum + d.operations.length, 0),
    overlays: release.overlays ?? [],
  });
  return {
    schemaVersion: 1,
    old: side(older, oldDomains),
    new: side(newer, newDomains),
    summary: { breaking: count(sorted, "breaking"), warning: count(sorted, "warning"), info: count(sorted, "info") },
    domains: domainNames.map((domain) => {
      const mine = sorted.filter((c) => c.domain === domain);
      return {
        name: domain,
        breaking: count(mine, "breaking"),
        warning: count(mine, "warning"),
        info: count(mine, "info"),
      };
    }),
    changes: sorted,
  };
}

type Add = (rule: Rule, change: Omit<Change, "rule" | "severity">) => void;

/** Operations are matched by method and path, path parameter names aside (`{id}` and `{customerId}` match). */
function operationKey(op: OperationModel): string {
  return `${op.method} ${op.path.replace(/\{[^}]+\}/g, "{}")}`;
}

function clientMethod(domain: string, op: OperationModel): string {
  return `st.${domain}.${op.group ? `${op.group}.` : ""}${op.methodName}`;
}

function diffDomain(before: DomainWithSpec, after: DomainWithSpec, add: Add): void {
  const domain = after.name;
  const oldOps = new Map(before.operations.map((op) => [operationKey(op), op]));
  const newOps = new Map(after.operations.map((op) => [operationKey(op), op]));
  const descriptions: string[] = [];
  const scopesDocumented: string[] = [];
  const covered = new Set<string>();
  const compared = new Set<string>();
  const security = new Map<string, { rule: Rule; message: string; ops: OperationModel[] }>();

  for (const [key, op] of newOps) {
    if (!oldOps.has(key))
      add("endpoint-added", {
        domain,
        ...about(domain, op),
        message: `new operation ${op.method} ${op.path} (${op.operationId})`,
      });
  }
  for (const [key, op] of oldOps) {
    const next = newOps.get(key);
    if (!next) {
      const rule = op.deprecated ? "api-removed-after-deprecation" : "api-removed-without-deprecation";
      add(rule, {
        domain,
        ...about(domain, op),
        message: `${op.method} ${op.path} (${op.operationId}) was removed${op.deprecated ? " (it was deprecated)" : ""}`,
      });
      continue;
    }
    diffOperation({
      domain,
      before,
      after,
      oldOp: op,
      newOp: next,
      add,
      descriptions,
      scopesDocumented,
      covered,
      compared,
      security,
    });
  }

  if (scopesDocumented.length > 0) {
    add("api-security-scopes-documented", {
      domain,
      message: `${scopesDocumented.length} operation(s) now name the OAuth scopes they need (none were declared before)`,
      details: scopesDocumented,
    });
  }
  const kept = [...oldOps.keys()].filter((key) => newOps.has(key)).length;
  for (const { rule, message, ops } of security.values()) {
    if (ops.length === 1)
      add(rule, {
        domain,
        ...about(domain, ops[0]!),
        location: "security",
        message: `${ops[0]!.method} ${ops[0]!.path}: ${message}`,
      });
    else {
      if (ops.length === kept)
        add(rule, { domain, location: "security", message: `all ${ops.length} operations: ${message}` });
      else
        add(rule, {
          domain,
          location: "security",
          message: `${ops.length} operations: ${message}`,
          details: ops.map((o) => `${o.method} ${o.path}`),
        });
    }
  }
  diffServers(before, after, add, domain);
  const renamed = diffSchemaNames(before, after, add, domain);
  diffTypes(before, after, add, { covered, compared }, renamed, descriptions);
  if (descriptions.length > 0) {
    add("description-changed", {
      domain,
      message: `descriptions changed in ${descriptions.length} place(s)`,
      details: descriptions.sort(),
    });
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
  /** `ownerKey`s of the changes reported under an operation: the type comparison does not repeat them. */
  covered: Set<string>;
  /** Component pairs the operations' comparisons went through whole (`compareSchemas`'s `compared`). */
  compared: Set<string>;
  /** Security changes, grouped by what changed: one entry for the many operations a spec-wide change touches. */
  security: Map<string, { rule: Rule; message: string; ops: OperationModel[] }>;
}

function about(domain: string, op: OperationModel): Pick<Change, "operation" | "clientMethod"> {
  return {
    operation: { method: op.method, path: op.path, operationId: op.operationId },
    clientMethod: clientMethod(domain, op),
  };
}

function diffOperation(pair: OperationPair): void {
  const { domain, before, after, oldOp, newOp, add, descriptions } = pair;
  const base = about(domain, newOp);
  const label = `${newOp.method} ${newOp.path}`;
  const emit: Emit = (rule, message, location, change) => {
    const type = change?.owner && after.schemaNames.get(change.owner.new);
    if (change) pair.covered.add(ownerKey(change)!);
    add(rule, { domain, ...base, location, ...(type ? { type } : {}), message: `${label}: ${message}` });
  };

  if (!oldOp.deprecated && newOp.deprecated)
    emit("api-deprecated", `deprecated${newOp.deprecatedMessage ? `: ${newOp.deprecatedMessage}` : ""}`);
  if (oldOp.deprecated && !newOp.deprecated) emit("api-reactivated", "no longer deprecated");
  const oldMethod = clientMethod(domain, oldOp);
  if (oldMethod !== base.clientMethod)
    emit(
      "api-operation-id-changed",
      `operationId ${oldOp.operationId} → ${newOp.operationId}: ${oldMethod} is now ${base.clientMethod}`,
    );
  if ((oldOp.summary ?? "") !== (newOp.summary ?? "") || (oldOp.description ?? "") !== (newOp.description ?? ""))
    descriptions.push(`${label}: summary or description`);

  const oldRaw = rawOperation(before.document, oldOp);
  const newRaw = rawOperation(after.document, newOp);
  diffParameters(pair, oldRaw, newRaw, emit, label);
  diffRequestBody(pair, oldRaw, newRaw, emit, label);
  diffResponses(pair, oldRaw, newRaw, emit, label);

  diffSecurity(pair, oldRaw, newRaw);
  if (oldOp.scopes.length === 0 && newOp.scopes.length > 0)
    pair.scopesDocumented.push(`${label}: ${newOp.scopes.join(", ")}`);
  else {
    for (const scope of newOp.scopes)
      if (!oldOp.scopes.includes(scope)) emit("api-security-scope-added", `now needs the OAuth scope ${scope}`);
    for (const scope of oldOp.scopes)
      if (!newOp.scopes.includes(scope)) emit("api-security-scope-removed", `no longer needs the OAuth scope ${scope}`);
  }
}

/** `change`, when the change was found in a schema: it names the exported type and marks the change reported. */
type Emit = (rule: Rule, message: string, location?: string, change?: SchemaChange) => void;

/** A description edit found by a schema comparison: listed once, and marked so the type comparison skips it. */
function onDescription(pair: OperationPair, place: string) {
  return (path: string, owner?: SchemaChange["owner"]) => {
    if (owner) pair.covered.add(ownerKey({ owner, fact: "description" })!);
    pair.descriptions.push(`${place} ${path}`);
  };
}

function rawOperation(
  doc: OpenApiDocument,
  op: OperationModel,
): { doc: OpenApiDocument; op: OperationObject; params: Map<string, ParameterObject> } {
  const item = resolvePointer(doc, `/paths/${escapePointerSegment(op.path)}`) as Record<string, unknown> & {
    parameters?: (ParameterObject | Reference)[];
  };
  const raw = item[op.method.toLowerCase()] as OperationObject;
  const params = new Map<string, ParameterObject>();
  for (const param of mergeParameters(doc, item.parameters ?? [], raw.parameters ?? [])) {
    if (!(param.in === "path" && param.name === TENANT_PARAM)) params.set(`${param.in}:${param.name}`, param);
  }
  return { doc, op: raw, params };
}

function diffParameters(
  pair: OperationPair,
  older: ReturnType<typeof rawOperation>,
  newer: ReturnType<typeof rawOperation>,
  emit: Emit,
  label: string,
): void {
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
    if ((old.description ?? "").trim() !== (param.description ?? "").trim())
      pair.descriptions.push(`${label}: ${where}`);
    compareSchemas(
      { doc: older.doc, schema: old.schema },
      { doc: newer.doc, schema: param.schema },
      "request",
      (change) =>
        emit(
          parameterRule(change),
          `${where}${change.path ? ` ${change.path}` : ""}: ${change.message}`,
          where,
          change.owner ? change : undefined,
        ),
      onDescription(pair, `${label}: ${where}`),
      { compared: pair.compared },
    );
  }
  for (const [key, param] of older.params) {
    if (!newer.params.has(key))
      emit(
        "request-parameter-removed",
        `${param.in} parameter ${param.name} was removed`,
        `${param.in} parameter ${param.name}`,
      );
  }
}

/** A change to a parameter's own schema has the parameter rules' names; inside an object parameter, the property ones. */
function parameterRule(change: SchemaChange): Rule {
  if (change.path !== "") return change.rule;
  const renamed = change.rule.replace(/^request-property-/, "request-parameter-");
  return (renamed in RULES ? renamed : change.rule) as Rule;
}

function jsonContent(
  doc: OpenApiDocument,
  holder: RequestBodyObject | ResponseObject | undefined,
): Map<string, unknown> {
  const content = holder?.content ?? {};
  return new Map(Object.entries(content).map(([type, media]) => [type, media?.schema]));
}

function diffRequestBody(
  pair: OperationPair,
  older: ReturnType<typeof rawOperation>,
  newer: ReturnType<typeof rawOperation>,
  emit: Emit,
  label: string,
): void {
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
    (change) =>
      emit(
        change.rule,
        `request body ${change.message}`,
        `request body${change.path ? ` ${change.path}` : ""}`,
        change.owner ? change : undefined,
      ),
    onDescription(pair, `${label}: request body`),
    { compared: pair.compared },
  );
}

function diffResponses(
  pair: OperationPair,
  older: ReturnType<typeof rawOperation>,
  newer: ReturnType<typeof rawOperation>,
  emit: Emit,
  label: string,
): void {
  const success = (op: OperationObject) => Object.keys(op.responses ?? {}).filter((status) => /^2/.test(status));
  const oldStatuses = success(older.op);
  const newStatuses = success(newer.op);
  for (const status of newStatuses)
    if (!oldStatuses.includes(status))
      emit("response-success-status-added", `new success status ${status}`, `response ${status}`);
  for (const status of oldStatuses) {
    if (!newStatuses.includes(status)) {
      emit("response-success-status-removed", `success status ${status} is gone`, `response ${status}`);
      continue;
    }
    const oldContent = jsonContent(older.doc, deref<ResponseObject>(older.doc, older.op.responses![status]!));
    const newContent = jsonContent(newer.doc, deref<ResponseObject>(newer.doc, newer.op.responses![status]!));
    for (const type of newContent.keys())
      if (!oldContent.has(type))
        emit("response-media-type-added", `response ${status} can now be ${type}`, `response ${status}`);
    for (const type of oldContent.keys())
      if (!newContent.has(type))
        emit("response-media-type-removed", `response ${status} is no longer ${type}`, `response ${status}`);
    const oldSchema = firstJson(oldContent);
    const newSchema = firstJson(newContent);
    if (oldSchema === undefined || newSchema === undefined) continue;
    compareSchemas(
      { doc: older.doc, schema: oldSchema },
      { doc: newer.doc, schema: newSchema },
      "response",
      (change) =>
        emit(
          change.rule,
          `response ${status} ${change.message}`,
          `response ${status}${change.path ? ` ${change.path}` : ""}`,
          change.owner ? change : undefined,
        ),
      onDescription(pair, `${label}: response ${status}`),
      { compared: pair.compared },
    );
  }
}

/** The schema of the first JSON media type (ServiceTitan lists the same schema under each). */
function firstJson(content: Map<string, unknown>): unknown {
  for (const [type, schema] of content) if (/json/i.test(type) && schema !== undefined) return schema;
  return undefined;
}

/** A component schema that disappeared while one of the same shape appeared: a rename (its exported type name changes). */
function diffSchemaNames(before: DomainWithSpec, after: DomainWithSpec, add: Add, domain: string): Renamed {
  const oldSchemas = before.document.components?.schemas ?? {};
  const newSchemas = after.document.components?.schemas ?? {};
  const gone = Object.keys(oldSchemas).filter((name) => !(name in newSchemas));
  const appeared = Object.keys(newSchemas).filter((name) => !(name in oldSchemas));
  const renamed: Renamed = { old: new Set(), new: new Set() };
  if (gone.length === 0 || appeared.length === 0) return renamed;
  const byShape = new Map<string, string[]>();
  for (const name of appeared) {
    const shape = fingerprint(after.document, { $ref: `#/components/schemas/${name}` });
    byShape.set(shape, [...(byShape.get(shape) ?? []), name]);
  }
  for (const name of gone.sort()) {
    const matches = byShape.get(fingerprint(before.document, { $ref: `#/components/schemas/${name}` }));
    if (matches?.length === 1) {
      renamed.old.add(name);
      renamed.new.add(matches[0]!);
      const oldType = before.schemaNames.get(name) ?? name;
      const newType = after.schemaNames.get(matches[0]!) ?? matches[0]!;
      if (oldType !== newType) {
        add("schema-renamed", {
          domain,
          location: `schema ${name}`,
          message: `schema ${name} is now ${matches[0]} (same shape): the exported type ${oldType} is now ${newType}`,
        });
      } else {
        add("schema-renamed-same-type", {
          domain,
          location: `schema ${name}`,
          message: `schema ${name} is now ${matches[0]} (same shape); the exported type keeps its name ${newType}`,
        });
      }
    }
  }
  return renamed;
}

/** Components a schema-renamed change already accounts for, on each side. */
interface Renamed {
  old: Set<string>;
  new: Set<string>;
}

const schemaRef = (name: string) => ({ $ref: `#/components/schemas/${escapePointerSegment(name)}` });

/** A security scheme by what it asks of a caller (so a scheme renamed in the spec is the same scheme). */
function schemeKey(doc: OpenApiDocument, name: string): { key: string; label: string } {
  const scheme = ((doc.components as { securitySchemes?: Record<string, unknown> } | undefined)?.securitySchemes?.[
    name
  ] ?? {}) as Record<string, unknown>;
  const resolved =
    typeof scheme.$ref === "string"
      ? ((resolvePointer(doc, scheme.$ref.slice(1)) ?? {}) as Record<string, unknown>)
      : scheme;
  switch (resolved.type) {
    case "apiKey":
      return { key: `apiKey ${resolved.in} ${resolved.name}`, label: `${name} (${resolved.in} ${resolved.name})` };
    case "http":
      return { key: `http ${String(resolved.scheme ?? "").toLowerCase()}`, label: `${name} (HTTP ${resolved.scheme})` };
    case "oauth2":
      return { key: "oauth2", label: `${name} (OAuth 2.0)` };
    default:
      return { key: `${resolved.type ?? "?"} ${name}`, label: name };
  }
}

/** The alternatives an operation accepts (its own `security`, or the document's), each a set of schemes; scopes aside. */
const alternativesCache = new WeakMap<object, Map<string, { schemes: Map<string, string>; label: string }>>();

function securityAlternatives(
  doc: OpenApiDocument,
  op: OperationObject,
): Map<string, { schemes: Map<string, string>; label: string }> {
  const requirements = op.security ?? (doc as { security?: Record<string, string[]>[] }).security ?? [];
  const hit = alternativesCache.get(requirements); // the document's own list is shared by all its operations
  if (hit) return hit;
  const alternatives = new Map<string, { schemes: Map<string, string>; label: string }>();
  for (const requirement of requirements) {
    const schemes = new Map(
      Object.keys(requirement)
        .map((name) => schemeKey(doc, name))
        .map(({ key, label }) => [key, label]),
    );
    const key = [...schemes.keys()].sort().join(" + ");
    alternatives.set(key, {
      schemes,
      label: schemes.size === 0 ? "no authentication" : [...schemes.values()].sort().join(" + "),
    });
  }
  alternativesCache.set(requirements, alternatives);
  return alternatives;
}

/**
 * An alternative the old spec accepted and the new one does not: breaking for a caller that relies on it,
 * unless a new alternative keeps it and asks for more (then the added scheme is a warning, as is a new
 * alternative). Grouped by what changed: a spec-wide change is one entry per domain. An operation that
 * declared no security before has its requirements documented, not changed.
 */
function diffSecurity(
  pair: OperationPair,
  older: ReturnType<typeof rawOperation>,
  newer: ReturnType<typeof rawOperation>,
): void {
  const before = securityAlternatives(older.doc, older.op);
  const after = securityAlternatives(newer.doc, newer.op);
  if (before.size === 0) return; // nothing was declared: now documented (see api-security-scopes-documented), not changed
  const found: { rule: Rule; message: string }[] = [];
  const extended = new Set<string>();
  for (const [key, alternative] of before) {
    if (after.has(key)) continue;
    const wider = [...after].find(
      ([newKey, next]) =>
        !before.has(newKey) &&
        alternative.schemes.size > 0 &&
        [...alternative.schemes.keys()].every((scheme) => next.schemes.has(scheme)),
    );
    if (wider) {
      extended.add(wider[0]);
      const more = [...wider[1].schemes]
        .filter(([scheme]) => !alternative.schemes.has(scheme))
        .map(([, label]) => label);
      found.push({ rule: "api-security-added", message: `${alternative.label} now also needs ${more.join(" + ")}` });
    } else {
      found.push({ rule: "api-security-removed", message: `no longer accepts ${alternative.label}` });
    }
  }
  for (const [key, alternative] of after) {
    if (!before.has(key) && !extended.has(key))
      found.push({ rule: "api-security-added", message: `new security requirement ${alternative.label}` });
  }
  for (const { rule, message } of found) {
    const group = `${rule}\n${message}`;
    const entry = pair.security.get(group) ?? { rule, message, ops: [] };
    entry.ops.push(pair.newOp);
    pair.security.set(group, entry);
  }
}

/** Server URLs added or removed (the path part is the domain itself; hosts and extra servers are info). */
function diffServers(before: DomainWithSpec, after: DomainWithSpec, add: Add, domain: string): void {
  const urls = (doc: OpenApiDocument) =>
    new Set(
      ((doc as { servers?: { url?: string }[] }).servers ?? []).map((server) =>
        String(server.url ?? "").replace(/\/+$/, ""),
      ),
    );
  const [oldUrls, newUrls] = [urls(before.document), urls(after.document)];
  const added = [...newUrls].filter((url) => !oldUrls.has(url)).sort();
  const removed = [...oldUrls].filter((url) => !newUrls.has(url)).sort();
  if (added.length === 0 && removed.length === 0) return;
  const parts = [
    ...(added.length ? [`added ${added.join(", ")}`] : []),
    ...(removed.length ? [`removed ${removed.join(", ")}`] : []),
  ];
  add("servers-changed", { domain, location: "servers", message: `servers: ${parts.join("; ")}` });
}

interface Uses {
  request: Set<string>;
  response: Set<string>;
}

/** For each component, the generated methods whose request or response reaches it (through any `$ref`s). */
function componentUses(domain: DomainWithSpec): Map<string, Uses> {
  const doc = domain.document;
  const schemas = doc.components?.schemas ?? {};
  const direct = new Map<string, string[]>();
  const refsIn = (value: unknown, into: Set<string>) => {
    const stack = [value];
    while (stack.length) {
      const node = stack.pop();
      if (node === null || typeof node !== "object") continue;
      if (Array.isArray(node)) stack.push(...node);
      else
        for (const [key, child] of Object.entries(node)) {
          if (key === "$ref" && typeof child === "string" && child.startsWith("#/components/schemas/"))
            into.add(unescapePointerSegment(decodeURIComponent(child.slice(21))));
          else if (typeof child === "object") stack.push(child);
        }
    }
  };
  const closure = (start: Set<string>) => {
    const reached = new Set<string>();
    const queue = [...start];
    while (queue.length) {
      const name = queue.pop()!;
      if (reached.has(name) || !(name in schemas)) continue;
      reached.add(name);
      let next = direct.get(name);
      if (!next) {
        const found = new Set<string>();
        refsIn(schemas[name], found);
        direct.set(name, (next = [...found]));
      }
      queue.push(...next);
    }
    return reached;
  };
  const uses = new Map<string, Uses>();
  for (const op of domain.operations) {
    const raw = rawOperation(doc, op);
    const request = new Set<string>();
    const response = new Set<string>();
    for (const param of raw.params.values()) refsIn(param.schema, request);
    if (raw.op.requestBody) refsIn(deref<RequestBodyObject>(doc, raw.op.requestBody), request);
    for (const answer of Object.values(raw.op.responses ?? {})) refsIn(deref<ResponseObject>(doc, answer!), response);
    const method = clientMethod(domain.name, op);
    for (const [side, start] of [
      ["request", request],
      ["response", response],
    ] as const) {
      for (const name of closure(start)) {
        const entry = uses.get(name) ?? { request: new Set(), response: new Set() };
        entry[side].add(method);
        uses.set(name, entry);
      }
    }
  }
  return uses;
}

/**
 * Every exported named type (`models.ts`), by its exported name: removed, added, and changed, on the same
 * rules as operation bodies. A type only requests use is compared as a request; any other (a response
 * model, or one no operation reaches, such as a webhook payload, which is data the caller receives) as a
 * response. A change already reported under an operation is not repeated here: that entry names the type
 * (and a type an operation's comparison went through whole is not compared again).
 */
function diffTypes(
  before: DomainWithSpec,
  after: DomainWithSpec,
  add: Add,
  { covered, compared }: { covered: Set<string>; compared: Set<string> },
  renamed: Renamed,
  descriptions: string[],
): void {
  const domain = after.name;
  const oldSchemas = before.document.components?.schemas ?? {};
  const newSchemas = after.document.components?.schemas ?? {};
  const invert = (names: Map<string, string>) => new Map([...names].map(([schema, friendly]) => [friendly, schema]));
  const [oldByName, newByName] = [invert(before.schemaNames), invert(after.schemaNames)];
  let uses: [Map<string, Uses>, Map<string, Uses>] | undefined;
  const usesOf = () => (uses ??= [componentUses(before), componentUses(after)]);
  let appearedByShape: Map<string, string[]> | undefined;
  const appearedWithShape = (shape: string) => {
    if (!appearedByShape) {
      appearedByShape = new Map();
      for (const name of Object.keys(newSchemas)) {
        if (name in oldSchemas) continue;
        const key = fingerprint(after.document, schemaRef(name));
        appearedByShape.set(key, [...(appearedByShape.get(key) ?? []), name]);
      }
    }
    return appearedByShape.get(shape) ?? [];
  };

  for (const name of [...new Set([...oldByName.keys(), ...newByName.keys()])].sort()) {
    const oldSchema = oldByName.get(name);
    const newSchema = newByName.get(name);
    const location = `type ${name}`;
    if (newSchema === undefined) {
      if (renamed.old.has(oldSchema!)) continue; // schema-renamed says where it went
      const now = after.schemaNames.get(oldSchema!);
      add("type-removed", {
        domain,
        location,
        type: name,
        message: now
          ? `exported type ${name} is gone: its schema ${oldSchema} is now exported as ${now}`
          : `exported type ${name} (schema ${oldSchema}) was removed`,
      });
      continue;
    }
    if (oldSchema === undefined) {
      if (renamed.new.has(newSchema) || newSchema in oldSchemas) continue; // a rename, reported above or as the removal
      add("type-added", { domain, location, type: name, message: `new exported type ${name} (schema ${newSchema})` });
      continue;
    }
    if (compared.has(`${oldSchema}\n${newSchema}`)) continue; // an operation's comparison went through it: all reported there
    const compare = (direction: "request" | "response") => {
      const found: SchemaChange[] = [];
      const edited: string[] = [];
      compareSchemas(
        { doc: before.document, schema: schemaRef(oldSchema) },
        { doc: after.document, schema: schemaRef(newSchema) },
        direction,
        (change) => found.push(change),
        (path, owner) => {
          if (!owner || !covered.has(ownerKey({ owner, fact: "description" })!)) edited.push(`${location} ${path}`);
        },
        { typeLevel: true },
      );
      return { found, edited, fresh: found.filter((change) => !covered.has(ownerKey(change) ?? "")) };
    };
    // Compared as a response first; who uses the type (which decides the rules) is only worked out when
    // something is left to report, which is rare.
    let { found, edited, fresh } = compare("response");
    if (fresh.length === 0) {
      descriptions.push(...edited);
      continue;
    }
    const [oldUses, newUses] = usesOf();
    const use = newUses.get(newSchema) ?? oldUses.get(oldSchema);
    if (use && use.request.size > 0 && use.response.size === 0) ({ found, edited, fresh } = compare("request"));
    if (fresh.length === 0) {
      descriptions.push(...edited);
      continue;
    }
    // The name now stands for another schema: the old schema is still there under another name, or the old
    // shape reappears under a new name (ServiceTitan's `…Request` → `…RequestOld`).
    const movedTo =
      oldSchema !== newSchema && oldSchema in newSchemas
        ? oldSchema
        : oldSchema === newSchema
          ? appearedWithShape(fingerprint(before.document, schemaRef(oldSchema)))[0]
          : undefined;
    if (movedTo !== undefined) {
      const users = [...(newUses.get(movedTo)?.request ?? []), ...(newUses.get(movedTo)?.response ?? [])];
      add("type-name-reused", {
        domain,
        location,
        type: name,
        message:
          `exported type ${name} now stands for another schema${oldSchema === newSchema ? "" : ` (${newSchema}, was ${oldSchema})`}: ` +
          `its old shape is now ${movedTo} (exported as ${after.schemaNames.get(movedTo) ?? movedTo})${users.length ? `, which ${[...new Set(users)].sort().join(", ")} use(s)` : ""}`,
        details: found.map((change) => change.message),
      });
      continue;
    }
    descriptions.push(...edited);
    for (const change of fresh) {
      add(change.rule, {
        domain,
        location: `${location}${change.path ? ` ${change.path}` : ""}`,
        type: name,
        message: `type ${name}: ${change.message}`,
      });
    }
  }
}
