import express, { type Express } from 'express';
import helmet from 'helmet';
import { pinoHttp } from 'pino-http';
import { randomUUID } from 'node:crypto';
import type { Config } from './config.js';
import type { Logger } from './logger.js';
import { originPolicy } from './middleware/origin-policy.js';
import { notFound, problemHandler } from './middleware/problem-handler.js';
import { widgetBundlePath } from './paths.js';
import { createProviders, type Providers } from './providers/index.js';
import { checkoutRoutes } from './routes/checkout.js';
import { demoRoutes } from './routes/demo.js';
import { productRoutes } from './routes/products.js';
import { widgetScriptRoutes } from './routes/widget-script.js';

export interface AppDeps {
  logger: Logger;
  widgetBundlePath?: string;
}

export interface App extends Express {
  /** The providers this app runs, for the start-up log and for tests. */
  readonly providers: Providers;
}

const requestIdPattern = /^[\w.:-]{1,128}$/;

/** Builds a fresh proxy. Nothing here reads the environment or listens; `server/index.ts` does that. */
export function createApp(config: Config, deps: AppDeps): App {
  const providers = createProviders(config);
  const app = express() as Express & { providers: Providers };
  app.providers = providers;
  app.set('trust proxy', config.trustProxy);
  app.set('x-powered-by', false);
  // Express would hash every body for a weak ETag; API answers are never revalidated (checkouts are
  // POSTs, /api/products has max-age), and the widget script sets its own strong one.
  app.set('etag', false);

  app.use(pinoHttp({
    logger: deps.logger,
    genReqId: (req, res) => {
      const incoming = req.headers['x-request-id'];
      const id = typeof incoming === 'string' && requestIdPattern.test(incoming) ? incoming : randomUUID();
      res.setHeader('x-request-id', id);
      return id;
    },
    customLogLevel: (_req, res, error) => (error || res.statusCode >= 500 ? 'error' : 'info'),
    customSuccessObject: (_req, res, line) => ({ ...line, provider: res.locals.provider, code: res.locals.problemCode }),
    // A provider failure is not a crash: log its code, and a stack trace only for a real bug (res.err).
    customErrorObject: (_req, res, _error, line) =>
      ({ ...line, provider: res.locals.provider, code: res.locals.problemCode, err: res.err ? line.err : undefined }),
    // One short line per request: no headers, so no credential or cookie can reach the log.
    serializers: {
      req: (req) => ({ id: req.id, method: req.method, url: req.url, origin: req.headers.origin, ip: req.remoteAddress }),
      res: (res) => ({ status: res.statusCode }),
    },
  }));
  app.use(helmet());

  app.get('/healthz', (_req, res) => {
    res.set('cache-control', 'no-store').json({ status: 'ok' });
  });
  app.use(widgetScriptRoutes(deps.widgetBundlePath ?? widgetBundlePath));
  app.use('/api', originPolicy(config.allowedOrigins));
  app.use(productRoutes(config.catalog));
  app.use(checkoutRoutes(config, providers));
  for (const provider of providers.enabled) {
    if (provider.pages) app.use(`/${provider.name}`, provider.pages);
  }
  if (config.demo) app.use(demoRoutes(config));

  app.use(notFound);
  app.use(problemHandler);
  return app;
}
