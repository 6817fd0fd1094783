import type { Request } from 'express';

/** The proxy's own origin as the browser sees it (honouring `trust proxy` for the scheme and host). */
export const requestOrigin = (req: Request): string => `${req.protocol}://${req.host}`;
