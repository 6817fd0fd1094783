import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { Router } from 'express';
import { ProblemError } from '../../lib/problem-error.js';

interface Bundle {
  plain: Buffer;
  gzipped: Buffer;
  etag: string;
}

/**
 * `GET /checkout-button.js`: the widget as one ES module that any site may load. Compressed once
 * at first use, revalidated by a strong ETag; the URL is unversioned, so caches check back often.
 */
export function widgetScriptRoutes(bundlePath: string): Router {
  const router = Router();
  let bundle: Bundle | undefined;

  router.get('/checkout-button.js', (req, res) => {
    bundle ??= loadBundle(bundlePath);
    res.set({
      'content-type': 'text/javascript; charset=utf-8',
      'cache-control': 'public, max-age=600, stale-while-revalidate=86400',
      'access-control-allow-origin': '*',
      'cross-origin-resource-policy': 'cross-origin',
      etag: bundle.etag,
      vary: 'accept-encoding',
    });
    if (req.fresh) return res.status(304).end();
    if (req.acceptsEncodings('gzip', 'identity') === 'gzip') {
      return res.set('content-encoding', 'gzip').send(bundle.gzipped);
    }
    res.send(bundle.plain);
  });

  return router;
}

function loadBundle(path: string): Bundle {
  let plain: Buffer;
  try {
    plain = readFileSync(path);
  } catch {
    throw new ProblemError(
      'not_found',
      'The widget bundle has not been built; the operator should run `npm run build`.',
    );
  }
  return {
    plain,
    gzipped: gzipSync(plain, { level: 9 }),
    etag: `"${createHash('sha256').update(plain).digest('base64url').slice(0, 27)}"`,
  };
}
