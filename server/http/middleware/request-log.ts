import { randomUUID } from 'node:crypto';
import type { Request, RequestHandler } from 'express';
import type { Logger } from '../../lib/logger.js';

declare module 'http' {
  interface IncomingMessage {
    /** The request id: the client's `X-Request-Id` when it is a sane one, else a fresh UUID. */
    id: string;
    /** A logger whose lines carry this request's id, method, URL, origin and client address. */
    log: Logger;
  }
  interface ServerResponse {
    /** Set by the error middleware for a real bug, so the access-log line carries its stack. */
    err?: Error | undefined;
  }
}

const requestIdPattern = /^[\w.:-]{1,128}$/;

/** The request as a log line shows it: a few named fields, never a header value besides the Origin. */
const describe = (req: Request) => ({
  id: req.id,
  method: req.method,
  // As the client sent it: inside a router mounted on a path, `url` has lost that prefix.
  url: req.originalUrl,
  origin: req.headers.origin,
  // The client as TRUST_PROXY resolves it, not the reverse proxy in front.
  ip: req.ip,
});

/**
 * One access-log line per request, written when its answer is sent (or the client gives up), with
 * a request id that the response echoes in `x-request-id`. No headers, so no credential or cookie
 * can reach the log.
 *
 * This replaced pino-http, which was the largest middleware cost per checkout (~145 µs in an outside
 * profile): it made a child logger for every request, serialising its bindings up front, and ran a
 * chain of option hooks. Here the access line is one call to pino, with the same fields: `req`,
 * `res.status`, `responseTime` (ms), and the checkout's `provider` and problem `code`.
 *
 * `req.log` is a plain property, made at once (about a microsecond), not a getter that makes it on
 * first use: a getter defined on each request gives every request a hidden class of its own (see
 * http-server.ts), and a checkout, the request that counts, hands it to its provider anyway.
 */
export function requestLog(logger: Logger): RequestHandler {
  return (req, res, next) => {
    const startedAt = Date.now();
    const incoming = req.headers['x-request-id'];
    req.id = typeof incoming === 'string' && requestIdPattern.test(incoming) ? incoming : randomUUID();
    res.setHeader('x-request-id', req.id);
    req.log = logger.child({ req: describe(req) });
    res.once('close', () => {
      const aborted = !res.writableFinished;
      // A provider failure is not a crash: its code is logged, and a stack trace only for a real bug (res.err).
      const level = res.err || res.statusCode >= 500 ? 'error' : 'info';
      if (!logger.isLevelEnabled(level)) return;
      logger[level](
        {
          req: describe(req),
          res: { status: aborted ? null : res.statusCode },
          err: res.err,
          responseTime: Date.now() - startedAt,
          provider: res.locals.provider,
          code: res.locals.problemCode,
        },
        aborted ? 'request aborted' : level === 'error' ? 'request errored' : 'request completed',
      );
    });
    next();
  };
}
