import type { RequestHandler } from 'express';
import helmet from 'helmet';

/**
 * helmet's headers, with two changes for the proxy's own pages:
 * - `Referrer-Policy: same-origin`, because under `no-referrer` browsers post forms with
 *   `Origin: null`, and the demo's no-script form would be refused as an unknown origin;
 * - `upgrade-insecure-requests` only on a page that came over https: on plain http from a LAN
 *   address it would send the page's styles and scripts to an https port nobody listens on (and
 *   WebKit upgrades even loopback, so Safari's form posts to a local proxy went the same way).
 */
export function securityHeaders(): RequestHandler {
  const referrerPolicy = { policy: 'same-origin' } as const;
  const overHttps = helmet({ referrerPolicy });
  const overHttp = helmet({ referrerPolicy, contentSecurityPolicy: { directives: { upgradeInsecureRequests: null } } });
  return (req, res, next) => (req.secure ? overHttps : overHttp)(req, res, next);
}
