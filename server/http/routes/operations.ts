import { createHash, timingSafeEqual } from 'node:crypto';
import { Router } from 'express';
import type { Registry } from 'prom-client';
import { ProblemError } from '../../lib/problem-error.js';
import type { Stores } from '../../stores/index.js';

/**
 * What operators and their load balancers ask: `/healthz` (the process serves: liveness),
 * `/readyz` (it serves with its shared state: readiness) and, with a token, `/metrics`.
 */
export function operationsRoutes(stores: Stores, metrics: { registry: Registry; token: string | undefined }): Router {
  const router = Router();

  router.get('/healthz', (_req, res) => {
    res.set('cache-control', 'no-store').json({ status: 'ok' });
  });

  router.get('/readyz', async (_req, res) => {
    if (!(await stores.ready())) {
      throw new ProblemError(
        'not_ready',
        'Redis is unreachable: this instance serves from its own memory, so limits and Idempotency-Key records are not shared until it is back.',
      );
    }
    res.set('cache-control', 'no-store').json({ status: 'ready' });
  });

  const { token } = metrics;
  if (token !== undefined) {
    const expected = digest(`Bearer ${token}`);
    router.get('/metrics', async (req, res) => {
      // Digests have one length, so the comparison takes the same time whatever was sent.
      if (!timingSafeEqual(digest(req.get('authorization') ?? ''), expected)) {
        throw new ProblemError('metrics_unauthorized', 'Send the METRICS_TOKEN as Authorization: Bearer <token>.', {
          headers: { 'www-authenticate': 'Bearer realm="metrics"' },
        });
      }
      res
        .set('cache-control', 'no-store')
        .type(metrics.registry.contentType)
        .send(await metrics.registry.metrics());
    });
  }

  return router;
}

const digest = (value: string) => createHash('sha256').update(value).digest();
