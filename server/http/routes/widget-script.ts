import { readFileSync } from 'node:fs';
import { Router } from 'express';
import { ProblemError } from '../../lib/problem-error.js';
import { type PreparedBody, prepareBody, sendPrepared } from '../prepared-body.js';

/**
 * `GET /checkout-button.js`: the widget as one ES module that any site may load. Compressed once
 * at first use, revalidated by a strong ETag; the URL is unversioned, so caches check back often.
 */
export function widgetScriptRoutes(bundlePath: string): Router {
  const router = Router();
  let bundle: PreparedBody | undefined;

  router.get('/checkout-button.js', (req, res) => {
    bundle ??= loadBundle(bundlePath);
    res.set({
      'content-type': 'text/javascript; charset=utf-8',
      'cache-control': 'public, max-age=600, stale-while-revalidate=86400',
      'access-control-allow-origin': '*',
      'cross-origin-resource-policy': 'cross-origin',
    });
    sendPrepared(req, res, bundle);
  });

  return router;
}

function loadBundle(path: string): PreparedBody {
  try {
    return prepareBody(readFileSync(path));
  } catch {
    throw new ProblemError(
      'not_found',
      'The widget bundle has not been built; the operator should run `npm run build`.',
    );
  }
}
