import cors from 'cors';
import type { Request, RequestHandler } from 'express';
import { ProblemError } from '../../lib/problem-error.js';
import { requestOrigin } from './request-origin.js';

/**
 * Browsers may call the API only from the proxy's own origin or an allowed one. A disallowed
 * origin is refused outright (403), preflight included, before any provider is called.
 * Requests with no Origin header are not from a cross-origin page and pass.
 */
export function originPolicy(allowedOrigins: readonly string[]): RequestHandler[] {
  const allowed = new Set(allowedOrigins);
  const isAllowed = (req: Request, origin: string) => allowed.has(origin) || origin === requestOrigin(req);

  const guard: RequestHandler = (req, _res, next) => {
    const origin = req.get('origin');
    if (origin === undefined || isAllowed(req, origin)) return next();
    next(
      new ProblemError(
        'origin_not_allowed',
        `The origin ${origin} may not call this API; the operator can add it to ALLOWED_ORIGINS.`,
      ),
    );
  };

  const headers = cors({
    origin: true,
    methods: ['GET', 'POST'],
    allowedHeaders: ['content-type'],
    maxAge: 600,
  });

  return [guard, headers];
}
