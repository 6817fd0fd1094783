import { randomUUID } from 'node:crypto';
import type { Request, RequestHandler } from 'express';
import { pinoHttp } from 'pino-http';
import type { Logger } from '../../lib/logger.js';

const requestIdPattern = /^[\w.:-]{1,128}$/;

/** One access-log line per request, with a request id that the response echoes in `x-request-id`. */
export function requestLog(logger: Logger): RequestHandler {
  return pinoHttp({
    logger,
    genReqId: (req, res) => {
      const incoming = req.headers['x-request-id'];
      const id = typeof incoming === 'string' && requestIdPattern.test(incoming) ? incoming : randomUUID();
      res.setHeader('x-request-id', id);
      return id;
    },
    customLogLevel: (_req, res, error) => (error || res.statusCode >= 500 ? 'error' : 'info'),
    customSuccessObject: (_req, res, line) => ({
      ...line,
      provider: res.locals.provider,
      code: res.locals.problemCode,
    }),
    // A provider failure is not a crash: log its code, and a stack trace only for a real bug (res.err).
    customErrorObject: (_req, res, _error, line) => ({
      ...line,
      provider: res.locals.provider,
      code: res.locals.problemCode,
      err: res.err ? line.err : undefined,
    }),
    // One short line per request: no headers, so no credential or cookie can reach the log.
    serializers: {
      req: (req) => ({
        id: req.id,
        method: req.method,
        url: req.url,
        origin: req.headers.origin,
        // The client as TRUST_PROXY resolves it, not the reverse proxy in front.
        ip: (req.raw as Request).ip,
      }),
      res: (res) => ({ status: res.statusCode }),
    },
  });
}
