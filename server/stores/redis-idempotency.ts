import type { RedisClientType } from 'redis';
import type { DoneRecord, IdempotencyRecord, IdempotencyStore, PendingRecord } from './idempotency-store.js';

const PREFIX = 'checkout-button:idempotency:';

/** Deletes the key only while it still holds this claim, in one step. */
const RELEASE = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`;

/** Records shared by every instance: one JSON string per key, expiring with Redis' own TTL. */
export class RedisIdempotencyStore implements IdempotencyStore {
  constructor(private readonly client: RedisClientType) {}

  async claim(key: string, pending: PendingRecord, ttlMs: number): Promise<IdempotencyRecord | undefined> {
    // SET NX is the one atomic claim across instances. When it loses, the record it lost to may
    // expire before the GET: then try again rather than report a record that is gone.
    for (;;) {
      const set = await this.client.set(PREFIX + key, JSON.stringify(pending), {
        condition: 'NX',
        expiration: { type: 'PX', value: ttlMs },
      });
      if (set !== null) return undefined;
      const existing = await this.client.get(PREFIX + key);
      if (existing !== null) return JSON.parse(existing) as IdempotencyRecord;
    }
  }

  async put(key: string, record: DoneRecord, ttlMs: number): Promise<void> {
    await this.client.set(PREFIX + key, JSON.stringify(record), { expiration: { type: 'PX', value: ttlMs } });
  }

  async release(key: string, pending: PendingRecord): Promise<void> {
    await this.client.eval(RELEASE, { keys: [PREFIX + key], arguments: [JSON.stringify(pending)] });
  }
}
