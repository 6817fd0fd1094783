import type { Request } from 'express';
import type { FieldError } from '../../contract/problems.js';
import type { CheckoutDetails } from '../checkout/pricing.js';
import type { Config } from '../config/load-config.js';
import { originMatcher } from '../lib/origins.js';
import { ProblemError } from '../lib/problem-error.js';
import { requestOrigin } from './middleware/request-origin.js';
import type { ValidCheckoutRequest } from './schemas.js';

/**
 * The title, reference and return pages of a checkout. A page the button names must be on an
 * origin that may call the proxy (ALLOWED_ORIGINS, wildcards included, or the proxy's own): anything else would make the
 * proxy an open redirect through the provider's hosted page. The configured pages fill the gaps.
 */
export function checkoutDetails(
  req: Request,
  request: ValidCheckoutRequest,
  { allowedOrigins, returnUrls, publicOrigin }: Pick<Config, 'allowedOrigins' | 'returnUrls' | 'publicOrigin'>,
): CheckoutDetails {
  const isListed = originMatcher(allowedOrigins);
  const allowed = (origin: string) => origin === requestOrigin(req, publicOrigin) || isListed(origin);
  const errors: FieldError[] = [];
  for (const field of ['success_url', 'cancel_url'] as const) {
    const url = request[field];
    if (url !== undefined && !allowed(new URL(url).origin)) {
      errors.push({ field, message: `is on ${new URL(url).origin}, which is not an allowed origin` });
    }
  }
  if (errors.length > 0) {
    throw new ProblemError(
      'return_url_not_allowed',
      'A return page must be on this site or an origin in ALLOWED_ORIGINS; the operator can add the origin there.',
      { errors },
    );
  }
  const details: CheckoutDetails = {
    title: request.title,
    reference: request.reference,
    successUrl: request.success_url ?? returnUrls.success,
    cancelUrl: request.cancel_url ?? returnUrls.cancel,
  };
  return Object.fromEntries(Object.entries(details).filter(([, value]) => value !== undefined));
}
