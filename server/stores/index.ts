import type { Store } from 'express-rate-limit';
import { MemoryStore } from 'express-rate-limit';
import type { IdempotencyStore } from './idempotency-store.js';
import { MemoryIdempotencyStore } from './memory-idempotency.js';

export type { IdempotencyStore } from './idempotency-store.js';

/**
 * The state a proxy instance keeps between requests: its own, or shared with every instance through
 * Redis (`redisStores` in redis-stores.ts, a module of its own so that a proxy without REDIS_URL
 * never loads the Redis client, the largest module the proxy would otherwise load at start).
 */
export interface Stores {
  readonly idempotency: IdempotencyStore;
  /** A store for one express-rate-limit limiter; `prefix` keeps the counters of different limiters apart. */
  rateLimit(prefix: string): Store;
  /** False while shared state is unreachable (the instance then serves from its own memory). */
  ready(): Promise<boolean>;
  close(): Promise<void>;
}

/** Everything in this process: right for one instance, and the default. */
export function memoryStores(): Stores {
  return {
    idempotency: new MemoryIdempotencyStore(),
    rateLimit: () => new MemoryStore(),
    ready: async () => true,
    close: async () => {},
  };
}
