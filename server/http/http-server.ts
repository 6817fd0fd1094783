import { createServer, IncomingMessage, type Server, ServerResponse } from 'node:http';
import type { Express } from 'express';

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
  app: Express,
  { maxConnections, requestTimeoutMs = REQUEST_TIMEOUT_MS }: HttpServerOptions,
): Server {
  const server = createServer(
    {
      headersTimeout: Math.min(HEADERS_TIMEOUT_MS, requestTimeoutMs),
      requestTimeout: requestTimeoutMs,
      // Node checks the two timeouts this often (every 30 s by default, which would triple them).
      connectionsCheckingInterval: 1_000,
      ...bornWithAppPrototypes(app),
    },
    app,
  );
  server.maxConnections = maxConnections;
  return server;
}

/**
 * Requests and responses made as instances of the app's own prototypes (`app.request` and
 * `app.response`), where Express would otherwise switch each one's prototype as it arrives. After
 * that switch, V8 gives the object a new hidden class for every property added to it, on every
 * request: a checkout's request gains a dozen (`next`, `params`, `body`, `id`, …), so no two
 * requests shared a shape, and every property access on one in Express, its router and the proxy
 * missed its inline cache. Made as the app's, the switch does nothing and requests share shapes.
 * Subclasses, as Node's `IncomingMessage` and `ServerResponse` options expect, keep Node's own
 * object layout; they become the app's prototypes, in front of the ones Express made. (The approach
 * of expressjs/express#5998. A sub-app would still switch prototypes; the proxy mounts none.)
 */
function bornWithAppPrototypes(app: Express) {
  class AppRequest extends IncomingMessage {}
  class AppResponse extends ServerResponse {}
  Object.setPrototypeOf(AppRequest.prototype, app.request);
  Object.setPrototypeOf(AppResponse.prototype, app.response);
  app.request = AppRequest.prototype as Express['request'];
  app.response = AppResponse.prototype as Express['response'];
  return { IncomingMessage: AppRequest, ServerResponse: AppResponse };
}
