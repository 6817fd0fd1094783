import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import type { Request, Response } from 'express';

/** A body that never changes while the process runs: compressed and hashed once, not per request. */
export interface PreparedBody {
  plain: Buffer;
  gzipped: Buffer;
  /** Strong: SHA-256 of the plain body, shortened (162 bits still never collide in practice). */
  etag: string;
}

export function prepareBody(body: Buffer | string): PreparedBody {
  const plain = Buffer.from(body);
  return {
    plain,
    gzipped: gzipSync(plain, { level: 9 }),
    etag: `"${createHash('sha256').update(plain).digest('base64url').slice(0, 27)}"`,
  };
}

/**
 * Sends `body` with its ETag: a bodiless 304 when the browser already has it, gzip when it accepts
 * that. Headers such as the content type and caching are the caller's, set before.
 */
export function sendPrepared(req: Request, res: Response, body: PreparedBody): void {
  // Appended, not set: on the API, CORS has already made the answer vary by Origin.
  res.set('etag', body.etag).vary('accept-encoding');
  if (req.fresh) {
    res.status(304).end();
    return;
  }
  if (req.acceptsEncodings('gzip', 'identity') === 'gzip') {
    res.set('content-encoding', 'gzip').send(body.gzipped);
    return;
  }
  res.send(body.plain);
}
