import { join } from 'node:path';
import express, { Router } from 'express';
import type { Config } from '../../config/load-config.js';
import { builderDirectory } from '../../lib/paths.js';
import type { Providers } from '../../providers/registry.js';

/** What the builder page needs to know about this proxy; nothing a page on an allowed origin could not learn. */
export interface BuilderSettings {
  /** No provider key is set: links go to the proxy's own sandbox checkout, so the preview may follow them. */
  sandbox: boolean;
  /** The providers that make checkout links, for the provider picker. */
  providers: string[];
  /** `ALLOWED_ORIGINS`: where, besides this proxy, the snippet works. */
  allowed_origins: string[];
}

/**
 * `GET /builder`: a page where a merchant who does not code picks products and a look and copies the
 * snippet. Static files under the same CSP as the demo; the page reads the catalog from the public
 * `GET /api/products` and this proxy's mode from `GET /builder/settings.json`.
 */
export function builderRoutes(config: Config, providers: Providers): Router {
  const router = Router();
  const settings: BuilderSettings = {
    sandbox: config.sandbox,
    providers: providers.enabled.filter((provider) => provider.createCheckoutLink).map(({ name }) => name),
    allowed_origins: config.allowedOrigins,
  };
  router.get('/builder', (_req, res) => {
    res.sendFile(join(builderDirectory, 'index.html'), { headers: { 'cache-control': 'no-cache' } });
  });
  router.get('/builder/settings.json', (_req, res) => {
    res.set('cache-control', 'no-cache').json(settings);
  });
  router.use('/builder', express.static(builderDirectory, { index: false, maxAge: '5m' }));
  return router;
}
