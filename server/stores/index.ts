import type { Store } from 'express-rate-limit';
import { MemoryStore } from 'express-rate-limit';
import { RedisStore } from 'rate-limit-redis';
import type { Logger } from '../lib/logger.js';
import type { Metrics } from '../lib/metrics.js';
import { failover } from './failover.js';
import { FailoverIdempotencyStore } from './failover-idempotency.js';
import { FailoverRateLimitStore } from './failover-rate-limit.js';
import type { IdempotencyStore } from './idempotency-store.js';
import { MemoryIdempotencyStore } from './memory-idempotency.js';
import { connectRedis } from './redis-connection.js';
import { RedisIdempotencyStore } from './redis-idempotency.js';

export type { IdempotencyStore } from './idempotency-store.js';

/** The state a proxy instance keeps between requests: its own, or shared with every instance through Redis. */
export interface Stores {
  readonly idempotency: IdempotencyStore;
  /** A store for one express-rate-limit limiter; `prefix` keeps the counters of different limiters apart. */
  rateLimit(prefix: string): Store;
  /** False while shared state is unreachable (the instance then serves from its own memory). */
  ready(): boolean;
  close(): Promise<void>;
}

/** Everything in this process: right for one instance, and the default. */
export function memoryStores(): Stores {
  return {
    idempotency: new MemoryIdempotencyStore(),
    rateLimit: () => new MemoryStore(),
    ready: () => true,
    close: async () => {},
  };
}

/** Records and counters in Redis at `url`, shared by every instance, with memory standing in during an outage. */
export function redisStores(url: string, deps: { logger: Logger; metrics: Metrics }): Stores {
  const client = connectRedis(url, deps.logger);
  const ready = () => client.isReady;
  const limiters: Store[] = [];
  return {
    idempotency: new FailoverIdempotencyStore(new RedisIdempotencyStore(client), failover('idempotency', ready, deps)),
    rateLimit(prefix) {
      const redis = new RedisStore({
        prefix: `checkout-button:rate-limit:${prefix}:`,
        sendCommand: (...args: string[]) => client.sendCommand(args),
      });
      const store = new FailoverRateLimitStore(redis, failover('rate_limit', ready, deps));
      limiters.push(store);
      return store;
    },
    ready,
    async close() {
      for (const store of limiters) await store.shutdown?.();
      client.destroy();
    },
  };
}
