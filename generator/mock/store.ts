/**
 * The mock's in-memory data. A collection (all records under one concrete path, e.g.
 * `/crm/v2/tenant/1/customers`) starts with `size` records, ids 1…size, that exist only virtually:
 * their fields are generated on demand from the seed, so a million-row export feed costs no memory.
 * Only what writes change is stored. Every record sits at a position in the collection's change feed
 * (its sequence number): initial record i at i; each create, update or delete moves the record to the
 * end, which is what export feeds walk.
 */
/** The mock's clock for change positions: position n happened n minutes after this. */
const FEED_START = Date.UTC(2025, 0, 1);
const POSITION_MS = 60_000;

/** When the change at position `seq` happened (also the record's `modifiedOn`). */
export function positionTime(seq: number): number {
  return FEED_START + seq * POSITION_MS;
}

/** The first position at or after a moment: where a feed asked for `from=<date>` starts. */
export function seqAtOrAfter(ms: number): number {
  return Math.max(0, Math.ceil((ms - FEED_START) / POSITION_MS));
}

export interface RecordState {
  id: number;
  seq: number;
  deleted: boolean;
  /** Fields written by creates and updates, laid over the generated ones. */
  fields: Record<string, unknown>;
}

export class Collection {
  private readonly overrides = new Map<number, Record<string, unknown>>();
  private readonly deleted = new Set<number>();
  /** Changes in order: the record id at sequence `size + 1 + index`. */
  private readonly changes: number[] = [];
  private readonly lastSeq = new Map<number, number>();
  private nextId: number;
  private liveIdsCache: number[] | null = null;

  constructor(
    readonly key: string,
    readonly size: number,
  ) {
    this.nextId = size + 1;
  }

  /** A live (not deleted) record, or undefined. */
  get(id: number): RecordState | undefined {
    if (!this.exists(id) || this.deleted.has(id)) return undefined;
    return this.state(id);
  }

  count(): number {
    return this.nextId - 1 - this.deleted.size;
  }

  /** Live record ids in id order, `limit` of them from `offset`. */
  slice(offset: number, limit: number): number[] {
    if (this.deleted.size === 0) {
      const end = Math.min(this.nextId - 1, offset + limit);
      return Array.from({ length: Math.max(0, end - offset) }, (_, i) => offset + i + 1);
    }
    this.liveIdsCache ??= Array.from({ length: this.nextId - 1 }, (_, i) => i + 1).filter(
      (id) => !this.deleted.has(id),
    );
    return this.liveIdsCache.slice(offset, offset + limit);
  }

  create(fields: Record<string, unknown>): RecordState {
    const id = this.nextId++;
    this.overrides.set(id, fields);
    this.touch(id);
    return this.state(id);
  }

  /** PATCH merges; PUT replaces what earlier writes set. */
  update(id: number, fields: Record<string, unknown>, replace: boolean): RecordState | undefined {
    if (!this.get(id)) return undefined;
    this.overrides.set(id, replace ? fields : { ...this.overrides.get(id), ...fields });
    this.touch(id);
    return this.state(id);
  }

  delete(id: number): boolean {
    if (!this.get(id)) return false;
    this.deleted.add(id);
    this.touch(id);
    return true;
  }

  /** The highest sequence number: where a caller that has seen everything stands. */
  get headSeq(): number {
    return this.size + this.changes.length;
  }

  /**
   * Up to `limit` records after sequence `afterSeq`, each at its latest position only, deleted ones
   * included (export feeds carry them, marked inactive).
   */
  changesAfter(afterSeq: number, limit: number): { records: RecordState[]; hasMore: boolean } {
    const records: RecordState[] = [];
    for (let seq = Math.max(0, afterSeq) + 1; seq <= this.headSeq; seq++) {
      const id = seq <= this.size ? seq : this.changes[seq - this.size - 1]!;
      if ((this.lastSeq.get(id) ?? id) !== seq) continue; // the record moved on to a later position
      if (records.length === limit) return { records, hasMore: true };
      records.push(this.state(id));
    }
    return { records, hasMore: false };
  }

  private exists(id: number): boolean {
    return Number.isInteger(id) && id >= 1 && id < this.nextId;
  }

  private touch(id: number): void {
    this.changes.push(id);
    this.lastSeq.set(id, this.headSeq);
    this.liveIdsCache = null;
  }

  private state(id: number): RecordState {
    return { id, seq: this.lastSeq.get(id) ?? id, deleted: this.deleted.has(id), fields: this.overrides.get(id) ?? {} };
  }
}

export class Store {
  private readonly collections = new Map<string, Collection>();

  constructor(private readonly size: number) {}

  collection(key: string): Collection {
    let collection = this.collections.get(key);
    if (!collection) {
      collection = new Collection(key, this.size);
      this.collections.set(key, collection);
    }
    return collection;
  }

  clear(): void {
    this.collections.clear();
  }
}
