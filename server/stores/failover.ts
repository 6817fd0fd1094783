import type { Logger } from '../lib/logger.js';
import type { Metrics } from '../lib/metrics.js';
import type { RedisConnection } from './redis-connection.js';

/** Which store fell back, as the log and the `store` label of the fallback counter name it. */
export type StoreName = 'idempotency' | 'rate_limit';

export type Failover = <T>(operation: string, shared: () => Promise<T>, local: () => Promise<T>) => Promise<T>;

/**
 * Runs an operation on Redis while it is reachable and on this instance's memory otherwise, so a
 * Redis outage costs sharing, never a checkout. Every fallback is logged (the operation and the
 * error's message: no key, no URL) and counted.
 */
export function failover(
  store: StoreName,
  redis: RedisConnection,
  { logger, metrics }: { logger: Logger; metrics: Metrics },
): Failover {
  return async (operation, shared, local) => {
    let reason = 'Redis is not connected';
    if (redis.usable()) {
      try {
        return await redis.run(shared);
      } catch (error) {
        reason = (error as Error).message;
      }
    }
    metrics.redisFallbacks.inc({ store });
    logger.warn({ store, operation, reason }, "Redis unreachable: using this instance's memory");
    return local();
  };
}
