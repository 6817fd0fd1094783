import type { DoneRecord, IdempotencyRecord, IdempotencyStore, PendingRecord } from './idempotency-store.js';

/** A few MB at most (a record is a key, a fingerprint and a short answer); past it the oldest records go first. */
const MEMORY_RECORDS_MAX = 10_000;

/**
 * Records in this process's memory, each until its TTL, at most `maxRecords` of them (a Map keeps
 * insertion order, so the oldest is the first key). Expired records are dropped when they are read
 * or pushed out; none outlives its TTL as far as callers can see.
 */
export class MemoryIdempotencyStore implements IdempotencyStore {
  readonly #records = new Map<string, { record: IdempotencyRecord; expiresAt: number }>();

  constructor(
    private readonly maxRecords = MEMORY_RECORDS_MAX,
    private readonly now = Date.now,
  ) {}

  async claim(
    key: string,
    pending: PendingRecord,
    ttlMs: number,
    admitted?: Promise<void>,
  ): Promise<IdempotencyRecord | undefined> {
    await admitted;
    const live = this.#live(key);
    if (live) return live;
    this.#set(key, pending, ttlMs);
    return undefined;
  }

  async put(key: string, record: DoneRecord, ttlMs: number): Promise<void> {
    this.#set(key, record, ttlMs);
  }

  async release(key: string, pending: PendingRecord): Promise<void> {
    const live = this.#live(key);
    if (live?.state === 'pending' && live.owner === pending.owner) this.#records.delete(key);
  }

  #live(key: string): IdempotencyRecord | undefined {
    const entry = this.#records.get(key);
    if (entry === undefined) return undefined;
    if (entry.expiresAt > this.now()) return entry.record;
    this.#records.delete(key);
    return undefined;
  }

  #set(key: string, record: IdempotencyRecord, ttlMs: number): void {
    this.#records.delete(key);
    this.#records.set(key, { record, expiresAt: this.now() + ttlMs });
    for (const oldest of this.#records.keys()) {
      if (this.#records.size <= this.maxRecords) break;
      this.#records.delete(oldest);
    }
  }
}
