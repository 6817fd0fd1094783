import type { Server, ServerResponse } from 'node:http';
import type { Logger } from '../lib/logger.js';

export interface GracefulShutdown {
  /** Stops taking connections and resolves once in-flight requests end, or the grace period cuts them. */
  stop(reason: string): Promise<void>;
}

/**
 * Graceful shutdown for a listening server. Once stopping, every response says `Connection: close`:
 * otherwise a keep-alive client (a reverse proxy's pool) keeps sending checkouts on its open
 * connections until the grace period cuts them.
 */
export function gracefulShutdown(
  server: Server,
  { logger, graceMs }: { logger: Logger; graceMs: number },
): GracefulShutdown {
  let stopped: Promise<void> | undefined;
  const unsent = new Set<ServerResponse>();
  server.prependListener('request', (_req, res) => {
    if (stopped) return void res.setHeader('connection', 'close');
    unsent.add(res);
    res.once('close', () => unsent.delete(res));
  });

  return {
    stop(reason) {
      stopped ??= new Promise((resolve) => {
        for (const res of unsent) if (!res.headersSent) res.setHeader('connection', 'close');
        const timer = setTimeout(() => {
          logger.warn('in-flight requests outlived the grace period; closing them');
          server.closeAllConnections();
        }, graceMs);
        timer.unref();
        server.close(() => {
          clearTimeout(timer);
          logger.info('stopped');
          resolve();
        });
        server.closeIdleConnections();
        // Logged once it is true: a reader of the log may rely on new connections being refused.
        logger.info({ signal: reason, graceMs }, 'shutting down: no new connections, finishing in-flight requests');
      });
      return stopped;
    },
  };
}
