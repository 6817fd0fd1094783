import { Counter, collectDefaultMetrics, Histogram, Registry } from 'prom-client';

/**
 * The proxy's Prometheus metrics, in a registry of their own: every app gets a fresh one, so tests
 * (and the bench) can build many apps in one process without "metric already registered".
 */
export function createMetrics() {
  const registry = new Registry();
  const registers = [registry];
  return {
    registry,
    checkouts: new Counter({
      name: 'checkout_button_checkouts_total',
      help: 'Answers to POST /api/checkout, by provider and outcome (created, or the problem code).',
      labelNames: ['provider', 'outcome'] as const,
      registers,
    }),
    providerLatency: new Histogram({
      name: 'checkout_button_provider_duration_seconds',
      help: 'Time a provider took to make a link, by provider and outcome.',
      labelNames: ['provider', 'outcome'] as const,
      buckets: [0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers,
    }),
    idempotentReplays: new Counter({
      name: 'checkout_button_idempotent_replays_total',
      help: 'Checkouts answered from an Idempotency-Key record, without calling a provider.',
      registers,
    }),
    rateLimited: new Counter({
      name: 'checkout_button_rate_limited_total',
      help: 'Checkouts refused with 429 rate_limited.',
      registers,
    }),
    redisFallbacks: new Counter({
      name: 'checkout_button_redis_fallbacks_total',
      help: "Operations that used the instance's own memory because Redis was unreachable, by store.",
      labelNames: ['store'] as const,
      registers,
    }),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;

/**
 * Adds the process's own metrics (CPU, resident memory, heap, event-loop lag, open handles) under
 * prom-client's standard names. Once per process, by the command that runs the server: each call
 * starts an event-loop monitor.
 */
export function collectProcessMetrics({ registry }: Metrics): void {
  collectDefaultMetrics({ register: registry });
}
