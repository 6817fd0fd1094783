import express, { type RequestHandler, type Response, Router } from 'express';
import { verifyCustomerToken } from '../../checkout/customer-token.js';
import { priceCheckout } from '../../checkout/pricing.js';
import type { Config } from '../../config/load-config.js';
import { ProblemError } from '../../lib/problem-error.js';
import type { Providers } from '../../providers/registry.js';
import { checkoutDetails } from '../checkout-details.js';
import type { Idempotency, StoredAnswer } from '../idempotency.js';
import { requestOrigin } from '../middleware/request-origin.js';
import { checkoutForm, checkoutRequest } from '../schemas.js';
import { validate } from '../validation.js';

const BODY_LIMIT = '16kb';
const JSON_TYPE = 'application/json';
const FORM_TYPE = 'application/x-www-form-urlencoded';

export interface CheckoutGuards {
  /** The per-client rate limit, counted where the app's stores keep counters. */
  rateLimit: RequestHandler;
  /** Answers each Idempotency-Key once. */
  idempotency: Idempotency;
}

/** `POST /api/checkout`: JSON from the widget (201 with the URL) or a plain form (303 to the URL). */
export function checkoutRoutes(
  config: Config,
  providers: Providers,
  { rateLimit, idempotency }: CheckoutGuards,
): Router {
  const router = Router();

  router.post(
    '/api/checkout',
    rateLimit,
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
      const key = idempotency.keyOf(req);
      const fromForm = req.is(FORM_TYPE) !== false;
      const request = fromForm
        ? validate(checkoutForm, withoutEmptyFields(req.body))
        : validate(checkoutRequest, req.body);

      const { answer, replayed } = await idempotency.run(key, { fromForm, request }, async (idempotencyKey) => {
        const context = { publicOrigin: requestOrigin(req), log: req.log, idempotencyKey };
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
        const provider: string = res.locals.provider;
        return fromForm ? { status: 303, provider, location: url } : { status: 201, provider, body: { url, provider } };
      });

      send(res, answer, replayed);
    },
  );

  router.all('/api/checkout', (req, res, next) => {
    res.set('allow', 'POST');
    next(new ProblemError('method_not_allowed', `${req.method} is not supported here; POST a checkout.`));
  });

  return router;
}

function send(res: Response, answer: StoredAnswer, replayed: boolean): void {
  res.locals.provider = answer.provider;
  res.set('cache-control', 'no-store');
  if (replayed) res.set('idempotent-replayed', 'true');
  if (answer.location === undefined) res.status(answer.status).json(answer.body);
  else res.redirect(answer.status, answer.location);
}

/** A form sends empty inputs as ""; they mean "not given". */
function withoutEmptyFields(body: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(body ?? {}).filter(([, value]) => value !== ''));
}
