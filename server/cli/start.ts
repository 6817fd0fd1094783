import type { AddressInfo } from 'node:net';
import { createApp } from '../app.js';
import { describeCatalog } from '../config/load-catalog.js';
import type { Config } from '../config/load-config.js';
import { createHttpServer } from '../http/http-server.js';
import { gracefulShutdown } from '../http/shutdown.js';
import { createLogger } from '../lib/logger.js';
import { collectProcessMetrics, createMetrics } from '../lib/metrics.js';
import { createProviders } from '../providers/registry.js';
import { memoryStores, type Stores } from '../stores/index.js';
import { fail } from './output.js';

/** Listens with `config` until SIGTERM or SIGINT, then shuts down gracefully and exits. */
export async function start(config: Config): Promise<void> {
  const logger = createLogger(config.logLevel);
  const providers = createProviders(config.providers, config);
  const metrics = createMetrics();
  if (config.metricsToken) collectProcessMetrics(metrics);
  let stores: Stores = memoryStores();
  if (config.redisUrl) {
    const { redisStores } = await import('../stores/redis-stores.js');
    stores = redisStores(config.redisUrl, { logger, metrics });
  }
  const server = createHttpServer(createApp(config, { logger, providers, stores, metrics }), {
    maxConnections: config.maxConnections,
  });
  server.on('error', (error: NodeJS.ErrnoException) => {
    process.exit(fail(`Cannot start the checkout proxy: ${listenFailure(error, config)}`));
  });
  server.listen({ port: config.port, host: config.host }, () => {
    const { port } = server.address() as AddressInfo;
    const names = providers.enabled.map(({ name }) => name);
    const shared = config.redisUrl ? 'redis' : 'memory';
    logger.info(
      { port, host: config.host, providers: names, shared },
      `checkout proxy listening on http://localhost:${port}`,
    );
    logger.info(`catalog: ${describeCatalog(config.catalogSource, config.catalog)}`);
    for (const warning of config.warnings) logger.warn(warning);
  });
  const shutdown = gracefulShutdown(server, { logger, graceMs: config.shutdownGraceMs });
  const stop = (signal: NodeJS.Signals) =>
    void shutdown
      .stop(signal)
      .then(() => stores.close())
      .then(() => process.exit(0));
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

/** Why listening failed, in one line an operator can act on. */
function listenFailure(error: NodeJS.ErrnoException, { host, port }: Config): string {
  const on = host === undefined ? `port ${port}` : `port ${port} on ${host}`;
  switch (error.code) {
    case 'EADDRINUSE':
      return `${on} is already in use by another program; stop it, or set PORT to a free port.`;
    case 'EACCES':
      return `${on} needs administrator rights (ports below 1024 do); set PORT to 1024 or above, such as 3000.`;
    case 'EADDRNOTAVAIL':
      return `HOST=${host} is not an address of this machine; set HOST to one of its addresses, or leave it unset to listen on every interface.`;
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `HOST=${host} is not a name this machine can resolve; set HOST to an IP address such as 127.0.0.1, or leave it unset.`;
    default:
      return `listening on ${on} failed (${error.code ?? error.message}).`;
  }
}
