import { readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { type Response, Router } from 'express';
import { ProblemError } from '../../lib/problem-error.js';
import { type PreparedBody, prepareBody, sendPrepared } from '../prepared-body.js';

/** A chunk the widget imports on demand (its failure messages), built beside it with its content's hash in its name. */
const CHUNK_PATH = /^\/checkout-button-[\w-]+\.js$/;

/** Any page on any origin may load the widget, also as a module (CORS) and under a cross-origin resource policy. */
const setModuleHeaders = (res: Response, cacheControl: string): void => {
  res.set({
    'content-type': 'text/javascript; charset=utf-8',
    'cache-control': cacheControl,
    'access-control-allow-origin': '*',
    'cross-origin-resource-policy': 'cross-origin',
  });
};

/**
 * `GET /checkout-button.js`: the widget as an ES module that any site may load, and beside it the chunks it imports
 * after a failure, which it finds by its own URL. Read and compressed once at first use, revalidated by a strong ETag.
 * The script's URL is unversioned, so caches check back often; a chunk's name changes with its content, so caches
 * keep it for good.
 */
export function widgetScriptRoutes(bundlePath: string): Router {
  const router = Router();
  let widget: Map<string, PreparedBody> | undefined;
  const entry = basename(bundlePath);

  router.get('/checkout-button.js', (req, res) => {
    widget ??= loadWidget(bundlePath);
    setModuleHeaders(res, 'public, max-age=600, stale-while-revalidate=86400');
    sendPrepared(req, res, widget.get(entry)!);
  });

  router.get(CHUNK_PATH, (req, res, next) => {
    widget ??= loadWidget(bundlePath);
    const chunk = widget.get(req.path.slice(1));
    if (!chunk) return next();
    setModuleHeaders(res, 'public, max-age=31536000, immutable');
    sendPrepared(req, res, chunk);
  });

  return router;
}

/** The script and every chunk beside it, by file name. */
function loadWidget(path: string): Map<string, PreparedBody> {
  let script: Buffer;
  try {
    script = readFileSync(path);
  } catch {
    throw new ProblemError(
      'not_found',
      'The widget bundle has not been built; the operator should run `npm run build`.',
    );
  }
  const directory = dirname(path);
  const chunks = readdirSync(directory).filter((name) => CHUNK_PATH.test(`/${name}`));
  return new Map([
    [basename(path), prepareBody(script)],
    ...chunks.map((name) => [name, prepareBody(readFileSync(join(directory, name)))] as const),
  ]);
}
