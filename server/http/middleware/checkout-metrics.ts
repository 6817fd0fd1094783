import type { RequestHandler } from 'express';
import type { Metrics } from '../../lib/metrics.js';

/** Counts each checkout answer once it is sent: by provider and outcome (created, replayed, or the problem code). */
export function checkoutMetrics(metrics: Metrics): RequestHandler {
  return (_req, res, next) => {
    res.once('finish', () => {
      const outcome =
        res.locals.problemCode ?? (res.getHeader('idempotent-replayed') === 'true' ? 'replayed' : 'created');
      metrics.checkouts.inc({ provider: res.locals.provider ?? 'none', outcome });
    });
    next();
  };
}
