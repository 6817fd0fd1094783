import type { Request } from 'express';

/**
 * The proxy's own origin as the browser sees it: `PUBLIC_URL`'s when it is set. Otherwise it comes
 * from the request (honouring `trust proxy` for the scheme and host), that is from a `Host` header
 * any client chooses: a DNS-rebinding page then passes for the proxy's own.
 */
export const requestOrigin = (req: Request, publicOrigin: string | undefined): string =>
  publicOrigin ?? `${req.protocol}://${req.host}`;
