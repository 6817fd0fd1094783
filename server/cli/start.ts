import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createApp } from '../app.js';
import type { Config } from '../config/load-config.js';
import { gracefulShutdown } from '../http/shutdown.js';
import { createLogger } from '../lib/logger.js';
import { createProviders } from '../providers/registry.js';

/** In-flight requests get this long to finish after SIGTERM/SIGINT. */
const SHUTDOWN_GRACE_MS = 10_000;

/** Listens with `config` until SIGTERM or SIGINT, then shuts down gracefully and exits. */
export function start(config: Config): void {
  const logger = createLogger(config.logLevel);
  const providers = createProviders(config.providers, { upstreamTimeoutMs: config.upstreamTimeoutMs });
  const server = createServer(createApp(config, { logger, providers }));
  server.on('error', (error) => {
    logger.fatal({ err: error }, 'cannot listen');
    process.exit(1);
  });
  server.listen({ port: config.port, host: config.host }, () => {
    const { port } = server.address() as AddressInfo;
    const names = providers.enabled.map(({ name }) => name);
    logger.info({ port, host: config.host, providers: names }, `checkout proxy listening on http://localhost:${port}`);
  });
  const shutdown = gracefulShutdown(server, { logger, graceMs: SHUTDOWN_GRACE_MS });
  const stop = (signal: NodeJS.Signals) => void shutdown.stop(signal).then(() => process.exit(0));
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}
