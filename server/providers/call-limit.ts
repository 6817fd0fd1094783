import { ProblemError } from '../lib/problem-error.js';

/** Seconds a refused checkout is told to wait: a provider call takes well under that. */
const RETRY_AFTER_SECONDS = 1;

/**
 * Runs at most `limit` provider calls at once. One more is refused at once with 503 proxy_busy
 * rather than queued: each call holds a socket and up to two copies of a capped answer, so the
 * limit bounds what a slow or hostile provider can make the proxy hold, and a queue would only
 * move the wait into the shopper's browser with no answer.
 */
export function providerCallLimit(limit: number): <T>(call: () => Promise<T>) => Promise<T> {
  let running = 0;
  return async (call) => {
    if (running >= limit) {
      throw new ProblemError(
        'proxy_busy',
        `The proxy is already waiting on ${limit} provider calls (UPSTREAM_CONCURRENCY); try again in a moment.`,
        { headers: { 'retry-after': String(RETRY_AFTER_SECONDS) } },
      );
    }
    running += 1;
    try {
      return await call();
    } finally {
      running -= 1;
    }
  };
}
