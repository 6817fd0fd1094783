import express, { Router } from 'express';
import { verifyCustomerToken } from '../../checkout/customer-token.js';
import { priceCheckout } from '../../checkout/pricing.js';
import type { Config } from '../../config/load-config.js';
import { ProblemError } from '../../lib/problem-error.js';
import type { Providers } from '../../providers/registry.js';
import { checkoutDetails } from '../checkout-details.js';
import { checkoutRateLimit } from '../middleware/rate-limit.js';
import { requestOrigin } from '../middleware/request-origin.js';
import { checkoutForm, checkoutRequest } from '../schemas.js';
import { validate } from '../validation.js';

const BODY_LIMIT = '16kb';
const JSON_TYPE = 'application/json';
const FORM_TYPE = 'application/x-www-form-urlencoded';

/** `POST /api/checkout`: JSON from the widget (201 with the URL) or a plain form (303 to the URL). */
export function checkoutRoutes(config: Config, providers: Providers): Router {
  const router = Router();

  router.post(
    '/api/checkout',
    checkoutRateLimit(config.rateLimitPerMinute),
    (req, _res, next) => {
      if (req.is([JSON_TYPE, FORM_TYPE])) return next();
      next(
        new ProblemError(
          'unsupported_media_type',
          `Send the checkout as ${JSON_TYPE} (or ${FORM_TYPE} from a plain HTML form).`,
        ),
      );
    },
    express.json({ limit: BODY_LIMIT, type: JSON_TYPE }),
    express.urlencoded({ limit: BODY_LIMIT, type: FORM_TYPE, extended: false, parameterLimit: 20 }),
    async (req, res) => {
      const fromForm = req.is(FORM_TYPE) !== false;
      const request = fromForm
        ? validate(checkoutForm, withoutEmptyFields(req.body))
        : validate(checkoutRequest, req.body);
      const context = { publicOrigin: requestOrigin(req), log: req.log, idempotencyKey: req.get('idempotency-key') };

      let url: string;
      if (request.customer_token !== undefined) {
        const provider = providers.resolve(request.provider, 'createSetupLink');
        res.locals.provider = provider.name;
        if (!config.customerTokenSecret)
          throw new ProblemError(
            'request_not_supported',
            'No customer token secret is configured (CUSTOMER_TOKEN_SECRET).',
          );
        const customerId = await verifyCustomerToken(request.customer_token, config.customerTokenSecret);
        url = await provider.createSetupLink(customerId, context);
      } else {
        const details = checkoutDetails(req, request, config);
        const checkout = priceCheckout(request, config.catalog, config.valueOnly, details);
        const provider = providers.resolve(request.provider, 'createCheckoutLink');
        res.locals.provider = provider.name;
        url = await provider.createCheckoutLink(checkout, context);
      }

      res.set('cache-control', 'no-store');
      if (fromForm) return res.redirect(303, url);
      res.status(201).json({ url, provider: res.locals.provider });
    },
  );

  router.all('/api/checkout', (req, res, next) => {
    res.set('allow', 'POST');
    next(new ProblemError('method_not_allowed', `${req.method} is not supported here; POST a checkout.`));
  });

  return router;
}

/** A form sends empty inputs as ""; they mean "not given". */
function withoutEmptyFields(body: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(body ?? {}).filter(([, value]) => value !== ''));
}
