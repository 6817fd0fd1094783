import { type IncrementResponse, MemoryStore, type Options, type Store } from 'express-rate-limit';
import type { RedisStore } from 'rate-limit-redis';
import type { Failover } from './failover.js';

/**
 * express-rate-limit's store: counters in Redis (rate-limit-redis), in this instance's memory while
 * Redis is unreachable. rate-limit-redis loads its scripts once, in `init`; started or cut off while
 * Redis is down, it would keep failing, so it is initialised again before the first command after
 * a failure.
 */
export class FailoverRateLimitStore implements Store {
  readonly localKeys = false;
  readonly prefix: string;
  readonly #memory = new MemoryStore();
  #options: Options | undefined;
  #redisInit: Promise<void> | undefined;

  constructor(
    private readonly redis: RedisStore,
    private readonly run: Failover,
  ) {
    this.prefix = redis.prefix;
  }

  init(options: Options): void {
    this.#options = options;
    this.#memory.init(options);
    void this.#redisReady().catch(() => {});
  }

  increment(key: string): Promise<IncrementResponse> {
    return this.run(
      'increment',
      () => this.#redisReady().then(() => this.redis.increment(key)),
      () => this.#memory.increment(key),
    );
  }

  decrement(key: string): Promise<void> {
    return this.run(
      'decrement',
      () => this.#redisReady().then(() => this.redis.decrement(key)),
      () => this.#memory.decrement(key),
    );
  }

  resetKey(key: string): Promise<void> {
    return this.run(
      'resetKey',
      () => this.#redisReady().then(() => this.redis.resetKey(key)),
      () => this.#memory.resetKey(key),
    );
  }

  shutdown(): void {
    this.#memory.shutdown();
  }

  #redisReady(): Promise<void> {
    this.#redisInit ??= this.redis.init(this.#options!).catch((error: unknown) => {
      this.#redisInit = undefined;
      throw error;
    });
    return this.#redisInit;
  }
}
