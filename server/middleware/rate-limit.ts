import { rateLimit } from 'express-rate-limit';
import type { RequestHandler } from 'express';
import { ProblemError } from '../problems.js';

/** Per client IP (the real one, given a correct TRUST_PROXY hop count), per minute. */
export function checkoutRateLimit(limitPerMinute: number): RequestHandler {
  return rateLimit({
    windowMs: 60_000,
    limit: limitPerMinute,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    handler: (_req, res, next) => {
      next(new ProblemError('rate_limited', 'Too many checkout attempts from this address; wait a minute and try again.', {
        headers: { 'retry-after': res.getHeader('retry-after')?.toString() ?? '60' },
      }));
    },
  });
}
