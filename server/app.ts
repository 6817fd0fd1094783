import express, { type Express } from 'express';
import type { Config } from './config/load-config.js';
import { errorPageStylesheet, errorPageStylesheetPath } from './http/error-page.js';
import { idempotency } from './http/idempotency.js';
import { checkoutMetrics } from './http/middleware/checkout-metrics.js';
import { originPolicy } from './http/middleware/origin-policy.js';
import { notFound, problemHandler } from './http/middleware/problem-handler.js';
import { checkoutRateLimit } from './http/middleware/rate-limit.js';
import { requestLog } from './http/middleware/request-log.js';
import { securityHeaders } from './http/middleware/security-headers.js';
import { builderRoutes } from './http/routes/builder.js';
import { checkoutRoutes } from './http/routes/checkout.js';
import { demoRoutes } from './http/routes/demo.js';
import { operationsRoutes } from './http/routes/operations.js';
import { productRoutes } from './http/routes/products.js';
import { widgetScriptRoutes } from './http/routes/widget-script.js';
import type { Logger } from './lib/logger.js';
import { createMetrics, type Metrics } from './lib/metrics.js';
import { widgetBundlePath } from './lib/paths.js';
import type { Providers } from './providers/registry.js';
import { timedProviders } from './providers/timed.js';
import { memoryStores, type Stores } from './stores/index.js';

export interface AppDeps {
  logger: Logger;
  /** The providers requests may use: `createProviders(config.providers, …)`, or fakes in tests. */
  providers: Providers;
  widgetBundlePath?: string;
  /** Idempotency records and rate-limit counters: `redisStores(…)` to share them, this process's memory by default. */
  stores?: Stores;
  /** A fresh set per app by default; pass the one `redisStores` counts its fallbacks in. */
  metrics?: Metrics;
}

/** Builds a fresh proxy. Nothing here reads the environment or listens; the command line does that. */
export function createApp(config: Config, deps: AppDeps): Express {
  const app = express();
  app.set('trust proxy', config.trustProxy);
  app.set('x-powered-by', false);
  // Express would hash every body for a weak ETag; checkouts are POSTs, never revalidated, and the
  // two fixed bodies (the widget script, /api/products) carry a strong one computed once.
  app.set('etag', false);

  app.use(requestLog(deps.logger));
  app.use(securityHeaders());

  const metrics = deps.metrics ?? createMetrics();
  const stores = deps.stores ?? memoryStores();
  const providers = timedProviders(deps.providers, metrics.providerLatency);

  // The checkout comes first: each router a request passes through costs it about 1 KB of
  // allocations and a few microseconds, and checkouts are the traffic that matters.
  app.use('/api', originPolicy(config.allowedOrigins, config.publicOrigin));
  app.post('/api/checkout', checkoutMetrics(metrics));
  app.use(
    checkoutRoutes(config, providers, {
      rateLimit: checkoutRateLimit(config.rateLimitPerMinute, {
        store: stores.rateLimit('checkout'),
        onLimited: () => metrics.rateLimited.inc(),
      }),
      idempotency: idempotency(stores.idempotency, {
        ttlMs: config.idempotencyTtlMs,
        upstreamTimeoutMs: config.upstreamTimeoutMs,
        onReplay: () => metrics.idempotentReplays.inc(),
      }),
    }),
  );
  app.use(productRoutes(config.catalog));
  app.use(operationsRoutes(stores, { registry: metrics.registry, token: config.metricsToken }));
  app.get(errorPageStylesheetPath, errorPageStylesheet);
  app.use(widgetScriptRoutes(deps.widgetBundlePath ?? widgetBundlePath));
  for (const provider of deps.providers.enabled) {
    if (provider.pages) app.use(`/${provider.name}`, provider.pages);
  }
  if (config.builder) app.use(builderRoutes(config, deps.providers));
  if (config.demo) app.use(demoRoutes(config));

  app.use(notFound);
  app.use(problemHandler);
  return app;
}
