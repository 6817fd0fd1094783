import cors from 'cors';
import type { Request, RequestHandler } from 'express';
import { originMatcher } from '../../lib/origins.js';
import { ProblemError } from '../../lib/problem-error.js';
import { requestOrigin } from './request-origin.js';

/**
 * Browsers may call the API only from the proxy's own origin or an allowed one (exact or wildcard).
 * Any other origin is refused with 403 before the rate limiter, the body parser or a provider runs.
 * Requests with no Origin header are not from a cross-origin page and pass.
 *
 * The refusal itself carries CORS headers, and so does the preflight before it: otherwise the
 * browser hides the 403 and a forgotten ALLOWED_ORIGINS reads as a network failure. That lets a
 * page on any origin read why it was refused, and nothing more: the answer holds no data, and the
 * same request could already reach this check as a simple (form-encoded) POST without a preflight.
 */
export function originPolicy(allowedOrigins: readonly string[], publicOrigin: string | undefined): RequestHandler[] {
  const isListed = originMatcher(allowedOrigins);
  const isAllowed = (req: Request, origin: string) =>
    isListed(origin) ||
    origin === requestOrigin(req, publicOrigin) ||
    // The proxy's own page under a referrer policy that hides its origin (`no-referrer`, say one
    // a reverse proxy adds): the browser still vouches that the request came from this origin.
    (origin === 'null' && req.get('sec-fetch-site') === 'same-origin');

  const headers = cors({
    origin: true,
    methods: ['GET', 'POST'],
    allowedHeaders: ['content-type', 'idempotency-key'],
    exposedHeaders: ['idempotent-replayed'],
    maxAge: 600,
  });

  const guard: RequestHandler = (req, _res, next) => {
    const origin = req.get('origin');
    if (origin === undefined || isAllowed(req, origin)) return next();
    next(
      new ProblemError(
        'origin_not_allowed',
        origin === 'null'
          ? 'The page hides its origin (its referrer policy is no-referrer, or it is a sandboxed frame), so the proxy cannot tell it is an allowed shop; give the page a referrer policy that keeps its origin, such as strict-origin-when-cross-origin.'
          : `The origin ${origin} may not call this API; the operator can add it to ALLOWED_ORIGINS.`,
      ),
    );
  };

  return [headers, guard];
}
