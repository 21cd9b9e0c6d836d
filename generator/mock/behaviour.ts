import { type SchemaObject } from "../spec/openapi.js";
import { resolvePointer } from "../spec/pointer.js";
import { problem, VALIDATION_TITLE, type Answer } from "./answers.js";
import { allowsNull, fakeValue, isoWithTicks } from "./fake-data.js";
import { withDrift } from "./drift.js";
import { descend, type MockOperation } from "./operations.js";
import type { FieldErrors, SchemaValidator } from "./schema-validator.js";
import { positionTime, seqAtOrAfter, type Collection, type RecordState, type Store } from "./store.js";

/** Settings the data behaviour reads (see `MockServerOptions`). */
export interface DataSettings {
  seed: number;
  exportPageSize: number;
  maxPageSize: number;
  recentChangesOverlap: number;
  /** With drift on, the share of records carrying each kind of deviation (see drift.ts). */
  drift?: number;
}

/** One request, parsed and authorised, for one operation. */
export interface Call {
  op: MockOperation;
  /** Request path without the query, no trailing slash. */
  path: string;
  params: Record<string, string>;
  query: Record<string, unknown>;
  body: unknown;
  /** Where a 302 download points. */
  fileUrl: string;
}

const DEFAULT_PAGE_SIZE = 50;
const ARRAY_ANSWER_LENGTH = 20;

/**
 * How the mock answers a valid request: CRUD over the in-memory store, paged lists, export feeds, and a
 * stable generated answer for everything else. Every JSON answer is built from the operation's response
 * schema, so it validates against it.
 */
export class DataBehaviour {
  constructor(
    private readonly settings: DataSettings,
    private readonly store: Store,
    private readonly validator: SchemaValidator,
  ) {}

  answer(call: Call): Answer {
    const { op } = call;
    if (op.success.redirect) return { status: 302, headers: { Location: call.fileUrl } };
    switch (op.behaviour) {
      case "list":
        return this.list(call);
      case "export":
        return this.exportFeed(call);
      case "array": {
        const collection = this.store.collection(call.path);
        const items = collection
          .slice(0, ARRAY_ANSWER_LENGTH)
          .map((id) => this.record(op, descend(op.doc, op.success.schema!, "items"), collection, collection.get(id)!));
        return this.success(op, items);
      }
      case "read":
      case "update":
      case "delete":
        return this.item(call);
      case "create": {
        const collection = this.store.collection(call.path);
        const state = collection.create(isObject(call.body) ? call.body : {});
        return this.success(op, this.recordAnswer(op, collection, state));
      }
      case "answer":
        return this.success(op, this.generated(op, `${call.path}|${op.model.method}`));
    }
  }

  private list(call: Call): Answer {
    const { op, query } = call;
    const page = (query.page as number | undefined) ?? 1;
    const pageSize = (query.pageSize as number | undefined) ?? DEFAULT_PAGE_SIZE;
    const errors: FieldErrors = {};
    if (!Number.isInteger(page) || page < 1) errors.page = ["page must be 1 or more."];
    if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > this.settings.maxPageSize) {
      errors.pageSize = [`pageSize must be between 1 and ${this.settings.maxPageSize}.`];
    }
    if (Object.keys(errors).length) return problem(400, VALIDATION_TITLE, errors);
    const collection = this.store.collection(call.path);
    const itemSchema = descend(op.doc, op.success.schema!, "properties", "data", "items");
    const data = collection
      .slice((page - 1) * pageSize, pageSize)
      .map((id) => this.record(op, itemSchema, collection, collection.get(id)!));
    const envelope = this.generated(op, `${call.path}|page`) as Record<string, unknown>;
    // `totalCount` is null unless asked for, where the schema lets it be null (a few say integer only).
    const totalNullable = allowsNull(
      op.doc,
      resolvePointer(op.doc, descend(op.doc, op.success.schema!, "properties", "totalCount")),
    );
    return this.success(op, {
      ...envelope,
      page,
      pageSize,
      hasMore: page * pageSize < collection.count(),
      totalCount: query.includeTotal === true || !totalNullable ? collection.count() : null,
      data,
    });
  }

  /** `from` (a token or a date) → rows after that position, `continueFrom` → where the next call starts. */
  private exportFeed(call: Call): Answer {
    const { op, query } = call;
    const collection = this.store.collection(call.path.replace("/export/", "/"));
    const from = query.from as string | undefined;
    let after = 0;
    if (from) {
      const position =
        decodeToken(from) ?? (Number.isNaN(Date.parse(from)) ? undefined : seqAtOrAfter(Date.parse(from)) - 1);
      if (position === undefined)
        return problem(400, VALIDATION_TITLE, { from: [`'${from}' is neither a continuation token nor a date.`] });
      // ServiceTitan's recent-changes mode may send rows again; the mock repeats the last few before the token.
      const overlap =
        query.includeRecentChanges === true && decodeToken(from) !== undefined ? this.settings.recentChangesOverlap : 0;
      after = Math.max(0, position - overlap);
    }
    const { records, hasMore } = collection.changesAfter(after, this.settings.exportPageSize);
    const itemSchema = descend(op.doc, op.success.schema!, "properties", "data", "items");
    // With nothing more to read, the token is the feed's head: polling it later returns only newer changes.
    const next = hasMore ? records.at(-1)!.seq : Math.max(after, collection.headSeq);
    const envelope = this.generated(op, `${call.path}|export`) as Record<string, unknown>;
    return this.success(op, {
      ...envelope,
      hasMore,
      continueFrom: encodeToken(next),
      data: records.map((state) => this.record(op, itemSchema, collection, state)),
    });
  }

  private item(call: Call): Answer {
    const { op } = call;
    const idParam = op.model.path.match(/\{([^}]+)\}$/)![1]!;
    const raw = call.params[idParam]!;
    const collection = this.store.collection(call.path.slice(0, call.path.lastIndexOf("/")));
    const id = Number(raw);
    // Records keyed by something other than a number (a GUID, a code) are not stored: all of them exist.
    if (!Number.isInteger(id)) {
      const answer = this.generated(op, call.path);
      // A read's answer is a record, so it drifts; an update's or delete's generated answer is not one.
      return this.success(
        op,
        op.behaviour === "read" ? this.drifted(op, op.success.schema!, call.path, answer) : answer,
      );
    }
    const state =
      op.behaviour === "update"
        ? collection.update(id, isObject(call.body) ? call.body : {}, op.model.method === "PUT")
        : collection.get(id);
    if (!state) return problem(404, `${singular(collection.key)} with id ${raw} was not found.`);
    if (op.behaviour === "delete") {
      collection.delete(id);
      return this.success(op, this.generated(op, call.path));
    }
    return this.success(op, this.recordAnswer(op, collection, state));
  }

  /** The success answer's body for a record: the record itself where the schema is an object, else generated. */
  private recordAnswer(op: MockOperation, collection: Collection, state: RecordState): unknown {
    const schema = op.success.schema ? (resolveSchema(op, op.success.schema) as SchemaObject | undefined) : undefined;
    if (!op.success.schema || !schema) return undefined;
    const type = [schema.type].flat();
    if (type.includes("integer")) return state.id;
    return this.record(op, op.success.schema, collection, state);
  }

  /** A record as served: as stored (below), then with drift's deviations, which are never stored. */
  private record(op: MockOperation, pointer: string, collection: Collection, state: RecordState): unknown {
    return this.drifted(op, pointer, `${collection.key}#${state.id}`, this.asStored(op, pointer, collection, state));
  }

  /** A record as the schema at `pointer` shows it: generated fields, then what writes stored, where it fits. */
  private asStored(op: MockOperation, pointer: string, collection: Collection, state: RecordState): unknown {
    const value = fakeValue(op.doc, resolveSchema(op, pointer), this.settings.seed, {
      key: `${collection.key}#${state.id}`,
      id: state.id,
      createdOn: isoWithTicks(positionTime(state.id)),
      modifiedOn: isoWithTicks(positionTime(state.seq)),
      active: !state.deleted,
    });
    if (!isObject(value) || Object.keys(state.fields).length === 0) return value;
    const merged: Record<string, unknown> = { ...value };
    for (const [key, field] of Object.entries(state.fields)) if (key in value && key !== "id") merged[key] = field;
    // A request field may share a name with a response field of another type (`type: 1` vs `type: {…}`):
    // where a written value does not fit the answer's schema, the generated one stays.
    const errors = this.validator.validate(op.domain, pointer, merged);
    for (const field of Object.keys(errors ?? {})) {
      const key = field.split(/[.[]/)[0]!;
      if (key in value) merged[key] = value[key];
    }
    return merged;
  }

  private drifted(op: MockOperation, pointer: string, key: string, value: unknown): unknown {
    const share = this.settings.drift;
    if (share === undefined || !isObject(value)) return value;
    return withDrift(op.doc, resolveSchema(op, pointer), value, { share, seed: this.settings.seed, key });
  }

  private generated(op: MockOperation, key: string): unknown {
    if (!op.success.schema) return undefined;
    return fakeValue(op.doc, resolveSchema(op, op.success.schema), this.settings.seed, { key });
  }

  private success(op: MockOperation, body: unknown): Answer {
    const { status, mediaType, schema } = op.success;
    if (op.model.resultKind === "binary") {
      return {
        status,
        body: Buffer.from(`ID3 mock file for ${op.model.operationId}`),
        contentType: mediaType ?? "application/octet-stream",
      };
    }
    if (!schema || body === undefined) return { status };
    return { status, body, contentType: op.success.contentType };
  }
}

function resolveSchema(op: MockOperation, pointer: string): unknown {
  return resolvePointer(op.doc, pointer);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

/** `/crm/v2/tenant/1/customers` → `Customer`, for 404 titles. */
function singular(collectionKey: string): string {
  const last = collectionKey.split("/").at(-1) ?? "record";
  const words = last.replace(/s$/, "").split("-");
  return words.map((w, i) => (i === 0 ? w[0]!.toUpperCase() + w.slice(1) : w)).join(" ");
}

const TOKEN_PREFIX = "mock-position:";

/** Continuation tokens are opaque to clients, as ServiceTitan's are. */
function encodeToken(seq: number): string {
  return Buffer.from(`${TOKEN_PREFIX}${seq}`).toString("base64url");
}

function decodeToken(token: string): number | undefined {
  const text = Buffer.from(token, "base64url").toString("utf8");
  if (!text.startsWith(TOKEN_PREFIX)) return undefined;
  const seq = Number(text.slice(TOKEN_PREFIX.length));
  return Number.isInteger(seq) && seq >= 0 ? seq : undefined;
}
