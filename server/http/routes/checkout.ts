import { MIMEType } from 'node:util';
import express, { type Request, type Response, Router } from 'express';
import { verifyCustomerToken } from '../../checkout/customer-token.js';
import { priceCheckout } from '../../checkout/pricing.js';
import type { Config } from '../../config/load-config.js';
import { ProblemError } from '../../lib/problem-error.js';
import { providerCallLimit } from '../../providers/call-limit.js';
import type { Providers } from '../../providers/registry.js';
import { checkoutDetails } from '../checkout-details.js';
import type { Idempotency, StoredAnswer } from '../idempotency.js';
import type { RateLimit } from '../middleware/rate-limit.js';
import { requestOrigin } from '../middleware/request-origin.js';
import { checkoutForm, checkoutRequest } from '../schemas.js';
import { validate } from '../validation.js';

const BODY_LIMIT = '16kb';
const JSON_TYPE = 'application/json';
const FORM_TYPE = 'application/x-www-form-urlencoded';
/** The most fields a form may carry; the no-script form sends at most six. */
const FORM_FIELDS_MAX = 20;

export interface CheckoutGuards {
  /** The per-client rate limit, counted where the app's stores keep counters. */
  rateLimit: RateLimit;
  /** Answers each Idempotency-Key once. */
  idempotency: Idempotency;
}

/**
 * `POST /api/checkout`: JSON from the widget (201 with the URL) or a plain form (303 to the URL).
 * `GET /api/checkout`: 204, readying the way to a checkout.
 */
export function checkoutRoutes(
  config: Config,
  providers: Providers,
  { rateLimit, idempotency }: CheckoutGuards,
): Router {
  const router = Router();
  const callProvider = providerCallLimit(config.upstreamConcurrency);
  // Neither parser inflates: the widget never compresses a body, and a compressed one could hold
  // megabytes behind the 16 KB limit on the wire (415 encoding.unsupported instead).
  const parsers = [
    express.json({ limit: BODY_LIMIT, type: JSON_TYPE, inflate: false }),
    express.text({ limit: BODY_LIMIT, type: FORM_TYPE, inflate: false }),
  ];
  /** The request's Idempotency-Key and its checkout, validated: from the widget's JSON or a plain form. */
  const readCheckout = (req: Request) => {
    const fromForm = req.is(FORM_TYPE) !== false;
    return {
      key: idempotency.keyOf(req),
      fromForm,
      request: fromForm ? validate(checkoutForm, formFields(req.body)) : validate(checkoutRequest, req.body),
    };
  };

  router.post(
    '/api/checkout',
    (req, _res, next) => {
      if (req.is([JSON_TYPE, FORM_TYPE]) && isUtf8(req)) return next();
      next(
        new ProblemError(
          'unsupported_media_type',
          `Send the checkout as ${JSON_TYPE} (or ${FORM_TYPE} from a plain HTML form), in UTF-8.`,
        ),
      );
    },
    ...parsers,
    async (req, res) => {
      // Counted now and awaited with the idempotency claim, so that with Redis both take one round
      // trip. Past its limit, a client gets 429 before any other answer to a body that could be read
      // (a 400, a replay), as if the limit ran first.
      const admitted = rateLimit(req, res);
      let read: ReturnType<typeof readCheckout>;
      try {
        read = readCheckout(req);
      } catch (error) {
        await admitted;
        throw error;
      }
      const { key, fromForm, request } = read;

      const { answer, replayed } = await idempotency.run(
        key,
        { fromForm, request },
        admitted,
        async (idempotencyKey) => {
          const context = { publicOrigin: requestOrigin(req, config.publicOrigin), log: req.log, idempotencyKey };
          let url: string;
          if (request.customer_token !== undefined) {
            const provider = providers.resolve(request.provider, 'createSetupLink');
            res.locals.provider = provider.name;
            if (!config.customerTokenSecret)
              throw new ProblemError(
                'request_not_supported',
                'No customer token secret is configured (CUSTOMER_TOKEN_SECRET).',
              );
            const customerId = await verifyCustomerToken(request.customer_token, config.customerTokenSecret, {
              audience: config.customerTokenAudience,
              acceptSandboxDemo: config.sandbox,
            });
            url = await callProvider(() => provider.createSetupLink(customerId, context));
          } else {
            const details = checkoutDetails(req, request, config);
            const checkout = priceCheckout(request, config.catalog, config.valueOnly, details);
            const provider = providers.resolve(request.provider, 'createCheckoutLink');
            res.locals.provider = provider.name;
            url = await callProvider(() => provider.createCheckoutLink(checkout, context));
          }
          const provider: string = res.locals.provider;
          return fromForm
            ? { status: 303, provider, location: url }
            : { status: 201, provider, body: { url, provider } };
        },
      );

      send(res, answer, replayed);
    },
  );

  // The widget's warm-up, sent when a shopper points at or focuses a button: the click that may follow
  // then finds the browser's preflight for this URL cached (the answer allows the checkout's method
  // and headers for ten minutes) and a connection to each provider open.
  router.get('/api/checkout', (_req, res) => {
    for (const provider of providers.enabled) provider.warm?.();
    res.set('cache-control', 'no-store').status(204).end();
  });

  router.all('/api/checkout', (req, res, next) => {
    res.set('allow', 'GET, POST');
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

/** The body's declared charset, if any, is UTF-8: body-parser would also decode UTF-16 JSON and Latin-1 forms. */
function isUtf8(req: Request): boolean {
  try {
    const charset = new MIMEType(req.get('content-type') ?? '').params.get('charset');
    return charset === null || charset.toLowerCase() === 'utf-8';
  } catch {
    return false;
  }
}

/**
 * A form's fields, every one of them: a name such as `__proto__` stays a field (and is refused as
 * an unknown one) rather than vanishing into an object's prototype, and a repeated name becomes a
 * list the schema refuses. A form sends empty inputs as ""; they mean "not given".
 */
function formFields(body: unknown): Record<string, string | string[]> {
  const params = new URLSearchParams(typeof body === 'string' ? body : '');
  if (params.size > FORM_FIELDS_MAX)
    throw new ProblemError('payload_too_large', `The form has more than ${FORM_FIELDS_MAX} fields.`);
  const fields = new Map<string, string[]>();
  for (const [name, value] of params) if (value !== '') fields.set(name, [...(fields.get(name) ?? []), value]);
  return Object.fromEntries([...fields].map(([name, values]) => [name, values.length === 1 ? values[0]! : values]));
}
