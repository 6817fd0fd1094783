import type { Store } from 'express-rate-limit';
import { RedisStore } from 'rate-limit-redis';
import type { Logger } from '../lib/logger.js';
import type { Metrics } from '../lib/metrics.js';
import { failover } from './failover.js';
import { FailoverIdempotencyStore } from './failover-idempotency.js';
import { FailoverRateLimitStore } from './failover-rate-limit.js';
import type { Stores } from './index.js';
import { connectRedis } from './redis-connection.js';
import { RedisIdempotencyStore } from './redis-idempotency.js';

/** Records and counters in Redis at `url`, shared by every instance, with memory standing in during an outage. */
export function redisStores(url: string, deps: { logger: Logger; metrics: Metrics }): Stores {
  const redis = connectRedis(url, deps.logger);
  const { client } = redis;
  const limiters: Store[] = [];
  return {
    idempotency: new FailoverIdempotencyStore(new RedisIdempotencyStore(client), failover('idempotency', redis, deps)),
    rateLimit(prefix) {
      const counters = new RedisStore({
        prefix: `checkout-button:rate-limit:${prefix}:`,
        sendCommand: (...args: string[]) => client.sendCommand(args),
      });
      const store = new FailoverRateLimitStore(counters, failover('rate_limit', redis, deps));
      limiters.push(store);
      return store;
    },
    // Asks Redis itself: a frozen server keeps the connection open and would look ready.
    async ready() {
      if (!client.isReady) return false;
      return redis
        .run(() => client.ping())
        .then(
          () => true,
          () => false,
        );
    },
    async close() {
      for (const store of limiters) await store.shutdown?.();
      redis.close();
    },
  };
}
