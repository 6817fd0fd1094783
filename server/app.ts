import express, { type Express } from 'express';
import type { Config } from './config/load-config.js';
import { errorPageStylesheet, errorPageStylesheetPath } from './http/error-page.js';
import { originPolicy } from './http/middleware/origin-policy.js';
import { notFound, problemHandler } from './http/middleware/problem-handler.js';
import { requestLog } from './http/middleware/request-log.js';
import { securityHeaders } from './http/middleware/security-headers.js';
import { builderRoutes } from './http/routes/builder.js';
import { checkoutRoutes } from './http/routes/checkout.js';
import { demoRoutes } from './http/routes/demo.js';
import { productRoutes } from './http/routes/products.js';
import { widgetScriptRoutes } from './http/routes/widget-script.js';
import type { Logger } from './lib/logger.js';
import { widgetBundlePath } from './lib/paths.js';
import type { Providers } from './providers/registry.js';

export interface AppDeps {
  logger: Logger;
  /** The providers requests may use: `createProviders(config.providers, …)`, or fakes in tests. */
  providers: Providers;
  widgetBundlePath?: string;
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

  app.get('/healthz', (_req, res) => {
    res.set('cache-control', 'no-store').json({ status: 'ok' });
  });
  app.get(errorPageStylesheetPath, errorPageStylesheet);
  app.use(widgetScriptRoutes(deps.widgetBundlePath ?? widgetBundlePath));
  app.use('/api', originPolicy(config.allowedOrigins));
  app.use(productRoutes(config.catalog));
  app.use(checkoutRoutes(config, deps.providers));
  for (const provider of deps.providers.enabled) {
    if (provider.pages) app.use(`/${provider.name}`, provider.pages);
  }
  if (config.builder) app.use(builderRoutes(config, deps.providers));
  if (config.demo) app.use(demoRoutes(config));

  app.use(notFound);
  app.use(problemHandler);
  return app;
}
