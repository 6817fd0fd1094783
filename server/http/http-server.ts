import { createServer, type RequestListener, type Server } from 'node:http';

/** Time for a client to send its request headers; a browser sends them at once. */
const HEADERS_TIMEOUT_MS = 5_000;
/**
 * Time for a client to send its whole request: a 16 KB body at 16 kbit/s, a poor mobile link,
 * takes 8 s. Node's default, 300 s, lets a client that stalls hold a connection for 5 minutes.
 */
export const REQUEST_TIMEOUT_MS = 10_000;

export interface HttpServerOptions {
  /** Open client connections at most; Node closes any beyond it as soon as it is accepted. */
  maxConnections: number;
  requestTimeoutMs?: number;
}

/**
 * The proxy's HTTP server: a slow client is cut once its request outlives the timeouts (Node then
 * answers 408), and open connections are capped, so a flood of slow requests cannot take every
 * file descriptor, and with them the provider calls and `/healthz`, down.
 */
export function createHttpServer(
  app: RequestListener,
  { maxConnections, requestTimeoutMs = REQUEST_TIMEOUT_MS }: HttpServerOptions,
): Server {
  const server = createServer(
    {
      headersTimeout: Math.min(HEADERS_TIMEOUT_MS, requestTimeoutMs),
      requestTimeout: requestTimeoutMs,
      // Node checks the two timeouts this often (every 30 s by default, which would triple them).
      connectionsCheckingInterval: 1_000,
    },
    app,
  );
  server.maxConnections = maxConnections;
  return server;
}
