import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createApp } from './app.js';
import { ConfigError, loadConfig } from './config.js';
import { loadDotEnv } from './dotenv.js';
import { createLogger, type Logger } from './logger.js';

/** In-flight requests get this long to finish after SIGTERM/SIGINT. */
const SHUTDOWN_GRACE_MS = 10_000;

function shutDownGracefully(server: Server, logger: Logger): void {
  let stopping = false;
  // Once stopping, every response says `Connection: close`: otherwise a keep-alive client (a reverse
  // proxy's pool) keeps sending checkouts on its open connections until the grace period cuts them.
  const unsent = new Set<ServerResponse>();
  server.prependListener('request', (_req, res) => {
    if (stopping) return void res.setHeader('connection', 'close');
    unsent.add(res);
    res.once('close', () => unsent.delete(res));
  });
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    for (const res of unsent) if (!res.headersSent) res.setHeader('connection', 'close');
    logger.info({ signal }, 'shutting down: no new connections, finishing in-flight requests');
    server.close(() => {
      logger.info('stopped');
      process.exit(0);
    });
    server.closeIdleConnections();
    setTimeout(() => {
      logger.warn('in-flight requests outlived the grace period; closing them');
      server.closeAllConnections();
      process.exit(0);
    }, SHUTDOWN_GRACE_MS).unref();
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

loadDotEnv();
let config;
try {
  config = loadConfig(process.env);
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  console.error(error.message);
  process.exit(1);
}

const logger = createLogger(config.logLevel);
const app = createApp(config, { logger });
const server = createServer(app);
server.on('error', (error) => {
  logger.fatal({ err: error }, 'cannot listen');
  process.exit(1);
});
server.listen({ port: config.port, host: config.host }, () => {
  const { port } = server.address() as AddressInfo;
  const providers = app.providers.enabled.map(({ name }) => name);
  logger.info({ port, host: config.host, providers }, `checkout proxy listening on http://localhost:${port}`);
});
shutDownGracefully(server, logger);
