import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { createApp } from '../app.js';
import { loadConfig } from '../config/load-config.js';
import { createHttpServer } from '../http/http-server.js';
import { createLogger } from '../lib/logger.js';
import { demoCatalogPath } from '../lib/paths.js';
import { createProviders } from '../providers/registry.js';

/**
 * A short run of the proxy for the build to record V8's code cache from (see `code-cache.ts`): it
 * loads a configuration and serves, on a loopback port in sandbox mode with the demo catalog and
 * its log discarded, the requests a proxy serves first — checkouts good and bad, the products, the
 * widget script, the health checks. V8 compiles a function when it first runs, so these are the
 * functions the cache then holds compiled.
 */
export async function warmUp(): Promise<void> {
  const config = loadConfig({ HOST: '127.0.0.1', PORT: '0', CATALOG_FILE: demoCatalogPath });
  // The app's own default stores (this process's memory, as without REDIS_URL) and metrics.
  const app = createApp(config, {
    logger: createLogger('info', { write: () => undefined }),
    providers: createProviders(config.providers, config),
  });
  const server = createHttpServer(app, { maxConnections: config.maxConnections });
  server.listen({ host: config.host, port: config.port });
  await once(server, 'listening');
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const product = config.catalog.publicProducts[0]!.id;
  const checkout = (body: unknown, idempotencyKey?: string) =>
    fetch(`${origin}/api/checkout`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(idempotencyKey && { 'idempotency-key': idempotencyKey }) },
      body: JSON.stringify(body),
    });
  try {
    for (const attempt of [1, 2]) {
      const answers = await Promise.all([
        checkout({ items: [{ product, quantity: 1 }] }, `warm-up-${attempt}`),
        checkout({ items: [{ product, quantity: 1 }] }),
        checkout({ items: [{ product: 'no-such-product', quantity: 1 }] }),
        checkout({ items: 'not a cart' }),
        fetch(`${origin}/api/products`),
        fetch(`${origin}/checkout-button.js`),
        fetch(`${origin}/healthz`),
        fetch(`${origin}/readyz`),
      ]);
      await Promise.all(answers.map((answer) => answer.arrayBuffer()));
      // A warm-up that only met errors would record the wrong code, and means the build is broken.
      const failed = answers.find(({ status }) => status >= 500);
      if (failed) throw new Error(`the warm-up's ${failed.url} answered ${failed.status}`);
    }
  } finally {
    server.closeAllConnections();
    server.close();
  }
}
