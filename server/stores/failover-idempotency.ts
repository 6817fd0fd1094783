import type { Failover } from './failover.js';
import type { DoneRecord, IdempotencyRecord, IdempotencyStore, PendingRecord } from './idempotency-store.js';
import { MemoryIdempotencyStore } from './memory-idempotency.js';

/** Idempotency records in Redis, in this instance's memory while Redis is unreachable. */
export class FailoverIdempotencyStore implements IdempotencyStore {
  readonly #memory = new MemoryIdempotencyStore();

  constructor(
    private readonly redis: IdempotencyStore,
    private readonly run: Failover,
  ) {}

  claim(
    key: string,
    pending: PendingRecord,
    ttlMs: number,
    admitted?: Promise<void>,
  ): Promise<IdempotencyRecord | undefined> {
    return this.run(
      'claim',
      () => this.redis.claim(key, pending, ttlMs, admitted),
      () => this.#memory.claim(key, pending, ttlMs, admitted),
    );
  }

  put(key: string, record: DoneRecord, ttlMs: number): Promise<void> {
    return this.run(
      'put',
      () => this.redis.put(key, record, ttlMs),
      () => this.#memory.put(key, record, ttlMs),
    );
  }

  release(key: string, pending: PendingRecord): Promise<void> {
    return this.run(
      'release',
      () => this.redis.release(key, pending),
      () => this.#memory.release(key, pending),
    );
  }
}
