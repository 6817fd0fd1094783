import { isIPv4 } from 'node:net';
import type { Request, Response } from 'express';
import { ipKeyGenerator, rateLimit, type Store } from 'express-rate-limit';
import { ProblemError } from '../../lib/problem-error.js';

/**
 * The key a client is counted under: its IPv4 address, or what express-rate-limit's own generator
 * makes of anything else (an IPv6 /56). Listening on `::`, Node reports every IPv4 client as
 * `::ffff:a.b.c.d`, which the library parses with ip-address on every request; under load that
 * parse and its garbage cost ~9 % of the proxy's CPU per checkout (docs/performance.md). Same keys,
 * without the parse.
 */
export function clientKey(ip: string): string {
  const v4 = ip.startsWith('::ffff:') ? ip.slice(7) : ip;
  return isIPv4(v4) ? v4 : ipKeyGenerator(ip);
}

/** Counts a request; resolves while its client is within the limit, rejects with `429 rate_limited` past it. */
export type RateLimit = (req: Request, res: Response) => Promise<void>;

/**
 * Per client IP (the real one, given a correct TRUST_PROXY hop count), per minute, counted in
 * `store` (this instance's memory, or Redis shared by every instance). A function to await rather
 * than a middleware, so that the checkout can send the count to Redis together with its
 * idempotency claim.
 */
export function checkoutRateLimit(
  limitPerMinute: number,
  { store, onLimited }: { store: Store; onLimited(): void },
): RateLimit {
  let hinted = false;
  // The library checks this once in its own key generator; a custom one must do it itself.
  const hintAtMissingTrustProxy = (req: Request) => {
    if (hinted || req.headers['x-forwarded-for'] === undefined || req.app.get('trust proxy') !== 0) return;
    hinted = true;
    req.log.warn(
      'X-Forwarded-For is set but TRUST_PROXY is 0: every client behind that proxy shares one rate limit; set TRUST_PROXY to the number of proxies in front of this one',
    );
  };
  const limiter = rateLimit({
    windowMs: 60_000,
    limit: limitPerMinute,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    store,
    keyGenerator: (req) => {
      hintAtMissingTrustProxy(req);
      return clientKey(req.ip ?? '');
    },
    // That check looks for `ipKeyGenerator` in the generator's source; clientKey calls it for IPv6.
    validate: { keyGeneratorIpFallback: false },
    handler: (_req, res, next) => {
      onLimited();
      next(
        new ProblemError('rate_limited', 'Too many checkout attempts from this address; wait a minute and try again.', {
          headers: { 'retry-after': res.getHeader('retry-after')?.toString() ?? '60' },
        }),
      );
    },
  });
  return (req, res) =>
    new Promise((resolve, reject) => limiter(req, res, (error?: unknown) => (error ? reject(error) : resolve())));
}
