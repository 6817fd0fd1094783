import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RequestHandler } from 'express';
import helmet from 'helmet';

type Header = [name: string, value: string];

/**
 * The headers a helmet middleware sets, captured once. With fixed options they never depend on the
 * request, and helmet rebuilds them on every one (the CSP string too): about 50 µs a checkout in an
 * outside profile, for the same dozen strings each time.
 */
function headersOf(middleware: ReturnType<typeof helmet>): Header[] {
  const headers: Header[] = [];
  const capture = {
    setHeader: (name: string, value: string) => headers.push([name, value]),
    removeHeader: () => {},
  };
  middleware({} as IncomingMessage, capture as unknown as ServerResponse, () => {});
  return headers;
}

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
  const overHttps = headersOf(helmet({ referrerPolicy }));
  const overHttp = headersOf(
    helmet({ referrerPolicy, contentSecurityPolicy: { directives: { upgradeInsecureRequests: null } } }),
  );
  return (req, res, next) => {
    for (const [name, value] of req.secure ? overHttps : overHttp) res.setHeader(name, value);
    next();
  };
}
