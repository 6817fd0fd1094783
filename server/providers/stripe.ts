import { createHash } from 'node:crypto';
import type Stripe from 'stripe';
import { minorUnitDigits } from '../checkout/money.js';
import type { PricedCheckout } from '../checkout/pricing.js';
import { secret, upstreamUrl } from '../lib/env.js';
import type { Logger } from '../lib/logger.js';
import { ProblemError } from '../lib/problem-error.js';
import { defineProvider, type ProviderOptions } from './provider.js';
import {
  checkoutUrlFrom,
  exchange,
  forLog,
  retryAfterSeconds,
  upstreamRateLimited,
  upstreamSettings,
} from './upstream.js';

/** Stripe's presentment currencies (docs.stripe.com/currencies), lowercase as its API wants them. */
const STRIPE_CURRENCIES = new Set(
  `usd aed afn all amd ang aoa ars aud awg azn bam bbd bdt bgn bhd bif bmd bnd bob brl bsd bwp byn bzd cad cdf chf clp
  cny cop crc cve czk djf dkk dop dzd egp etb eur fjd fkp gbp gel gip gmd gnf gtq gyd hkd hnl htg huf idr ils inr isk
  jmd jod jpy kes kgs khr kmf krw kwd kyd kzt lak lbp lkr lrd lsl mad mdl mga mkd mmk mnt mop mur mvr mwk mxn myr mzn
  nad ngn nio nok npr nzd omr pab pen pgk php pkr pln pyg qar ron rsd rub rwf sar sbd scr sek sgd shp sle sos srd std
  szl thb tjs tnd top try ttd twd tzs uah ugx uyu uzs vnd vuv wst xaf xcd xof xpf yer zar zmw`.split(/\s+/),
);
/** Stripe counts these in whole units. */
const ZERO_DECIMAL = new Set('bif clp djf gnf jpy kmf krw mga pyg rwf ugx vnd vuv xaf xof xpf'.split(' '));
/** Stripe counts these in thousandths, and its card networks take only multiples of ten. */
const THREE_DECIMAL = new Set('bhd jod kwd omr tnd'.split(' '));
/** Stripe's largest charge is eight digits in its minor unit; twelve for IDR. */
const maxChargeOf = (currency: string) => (currency === 'idr' ? 999_999_999_999 : 99_999_999);
/** The most line items of a payment-mode Checkout Session. */
export const STRIPE_LINE_ITEMS_MAX = 100;

type SessionParams = Stripe.Checkout.SessionCreateParams;

/**
 * Stripe Checkout: `POST /v1/checkout/sessions` in payment mode, one line item per cart line with
 * inline `price_data` from the catalog: encoded by Stripe's Node client, sent by the proxy's own.
 */
export const stripeProvider = defineProvider({
  name: 'stripe',
  variables: {
    STRIPE_SECRET_KEY: secret().optional(),
    STRIPE_API_URL: upstreamUrl
      .refine((url) => new URL(url).pathname === '/', 'must be an origin such as https://api.stripe.com, with no path')
      .default('https://api.stripe.com'),
  },
  enabledBy: 'STRIPE_SECRET_KEY',
  makes: ['createCheckoutLink'],
  crossCheck: (env) =>
    env.STRIPE_SECRET_KEY === undefined
      ? []
      : (['CHECKOUT_SUCCESS_URL', 'CHECKOUT_CANCEL_URL'] as const)
          .filter((variable) => env[variable] === undefined)
          .map((variable) => [
            variable,
            'is required when STRIPE_SECRET_KEY is set (Stripe sends the shopper back there)',
          ]),
  settings: (vars) => upstreamSettings(vars.STRIPE_SECRET_KEY, vars.STRIPE_API_URL),
  create: ({ apiKey, apiUrl }, options) => {
    // Loaded only where Stripe is turned on: Stripe's client is the largest package the proxy uses,
    // and a proxy without it would spend a good part of its start-up loading it for nothing.
    const loaded = import('stripe').then(({ default: StripeClient }) => ({
      StripeClient,
      stripe: new StripeClient(apiKey, {
        // Stripe's client encodes the parameters and classifies the errors; the proxy's own client
        // sends the request, with the bounds every provider call has (one deadline, no redirects, 64 KB).
        httpClient: boundedHttpClient(apiUrl, options),
        // A retry could hand the shopper a second session; a client's Idempotency-Key covers its own retries.
        maxNetworkRetries: 0,
        telemetry: false,
        appInfo: { name: 'checkout-button' },
      }),
    }));
    return {
      name: 'stripe',
      warm: () => options.pool.warm(apiUrl, options.upstreamTimeoutMs),
      async createCheckoutLink(checkout, { log, idempotencyKey }) {
        const params = sessionParams(checkout);
        const { StripeClient, stripe } = await loaded;
        let session: Stripe.Checkout.Session;
        try {
          session = await stripe.checkout.sessions.create(params, {
            ...(idempotencyKey !== undefined && { idempotencyKey: stripeIdempotencyKey(idempotencyKey, params) }),
          });
        } catch (error) {
          throw problemFor(error, StripeClient.errors.StripeError, apiKey, log);
        }
        return checkoutUrlFrom(session.url, 'Stripe', apiKey);
      },
    };
  },
});

/** Stripe's client over {@link exchange}: the path Stripe's client asks for, on `STRIPE_API_URL`. */
function boundedHttpClient(
  apiUrl: string,
  { upstreamTimeoutMs, pool }: ProviderOptions,
): NonNullable<Stripe.StripeConfig['httpClient']> {
  return {
    getClientName: () => 'checkout-button',
    async makeRequest(_host, _port, path, _method, headers, body) {
      const answer = await exchange({
        provider: 'Stripe',
        url: `${apiUrl}${path}`,
        headers: Object.fromEntries(Object.entries(headers).map(([name, value]) => [name, String(value)])),
        body,
        timeoutMs: upstreamTimeoutMs,
        pool,
      });
      return {
        getStatusCode: () => answer.status,
        getHeaders: () => answer.headers as Record<string, string | string[]>,
        getRawResponse: () => ({}),
        toStream: () => {
          throw new Error('checkout sessions are not streamed');
        },
        toJSON: async () => JSON.parse(answer.text),
      };
    },
  };
}

/**
 * Stripe's key for a client's key. The parameters join it so that a catalog change between a
 * request and its retry makes a new session instead of Stripe's 400 idempotency_error; a client
 * reusing a key for another cart is the proxy's own idempotency layer's to refuse.
 */
function stripeIdempotencyKey(clientKey: string, params: SessionParams): string {
  const digest = createHash('sha256').update(clientKey).update('\n').update(JSON.stringify(params)).digest('hex');
  return `checkout-button:${digest}`;
}

/** The priced checkout as Checkout Session parameters; refuses what Stripe would refuse. */
function sessionParams(checkout: PricedCheckout): SessionParams {
  const currency = checkout.currency.toLowerCase();
  if (!STRIPE_CURRENCIES.has(currency)) {
    throw new ProblemError('currency_not_supported', `Stripe does not accept payments in ${checkout.currency}.`);
  }
  const { successUrl, cancelUrl, reference, title } = checkout;
  if (successUrl === undefined || cancelUrl === undefined) {
    throw new ProblemError(
      'provider_misconfigured',
      'Stripe needs return pages; the operator should set CHECKOUT_SUCCESS_URL and CHECKOUT_CANCEL_URL.',
    );
  }
  const lines =
    checkout.kind === 'cart'
      ? checkout.lines
      : [{ productId: 'amount', name: title ?? 'Payment', unitPrice: checkout.amount, quantity: 1 }];
  const lineItems = lines.map((line): NonNullable<SessionParams['line_items']>[number] => ({
    price_data: {
      currency,
      unit_amount: stripeAmount(line.unitPrice, currency, line.productId),
      product_data: {
        name: line.name,
        ...('description' in line && line.description && { description: line.description }),
        ...('imageUrl' in line && line.imageUrl && { images: [line.imageUrl] }),
      },
    },
    quantity: line.quantity,
  }));
  const total = lineItems.reduce((sum, item) => sum + item.price_data!.unit_amount! * item.quantity!, 0);
  if (total > maxChargeOf(currency)) {
    throw new ProblemError(
      'amount_not_supported',
      `Stripe charges at most ${maxChargeOf(currency)} in the minor unit of ${checkout.currency}; this checkout comes to ${total}.`,
    );
  }
  return {
    mode: 'payment',
    line_items: lineItems,
    success_url: successUrl,
    cancel_url: cancelUrl,
    ...(reference !== undefined && { client_reference_id: reference }),
    ...(title !== undefined && { payment_intent_data: { description: title } }),
  };
}

/**
 * A catalog price (in the minor unit Intl gives the currency) in Stripe's minor unit, which differs
 * for some: Intl counts COP, IDR, HUF and ISK in whole units, Stripe in hundredths.
 */
export function stripeAmount(price: number, currency: string, productId: string): number {
  const stripeDigits = ZERO_DECIMAL.has(currency) ? 0 : THREE_DECIMAL.has(currency) ? 3 : 2;
  const shift = stripeDigits - minorUnitDigits(currency.toUpperCase());
  const amount = shift >= 0 ? price * 10 ** shift : price / 10 ** -shift;
  if (!Number.isInteger(amount) || (THREE_DECIMAL.has(currency) && amount % 10 !== 0)) {
    throw new ProblemError(
      'amount_not_supported',
      `Stripe cannot charge the price ${price} of "${productId}" in ${currency.toUpperCase()}: ${
        THREE_DECIMAL.has(currency) ? 'its last digit must be 0' : 'it is finer than the currency allows'
      }.`,
    );
  }
  return amount;
}

/** Stripe's errors, one class per `type`, as the proxy's problems; the details go to the log only. */
function problemFor(
  error: unknown,
  StripeError: typeof Stripe.errors.StripeError,
  apiKey: string,
  log: Logger,
): ProblemError {
  if (!(error instanceof StripeError)) {
    return new ProblemError('upstream_unavailable', 'Stripe could not be reached.', { cause: error });
  }
  // The proxy's client failed (timeout, refused, oversized): Stripe's client wraps its problem.
  if (error.detail instanceof ProblemError) return error.detail;
  const { type, statusCode, code, param, requestId } = error;
  log.warn(
    {
      upstream: 'stripe',
      status: statusCode,
      type: error.rawType,
      code,
      param: forLog(param, apiKey),
      message: forLog(error.message, apiKey),
      requestId,
    },
    'Stripe refused the checkout session',
  );
  switch (type) {
    case 'StripeAuthenticationError':
    case 'StripePermissionError':
      return new ProblemError(
        'upstream_auth_failed',
        `Stripe refused the proxy's key (HTTP ${statusCode}); the operator should check STRIPE_SECRET_KEY (a secret or restricted key with write access to Checkout Sessions).`,
      );
    case 'StripeRateLimitError':
      return upstreamRateLimited('Stripe', retryAfterSeconds(headerOf(error.headers, 'retry-after')));
    default:
      if (statusCode === undefined || statusCode >= 500) {
        return new ProblemError('upstream_unavailable', `Stripe failed${statusCode ? ` (HTTP ${statusCode})` : ''}.`);
      }
      return new ProblemError(
        'upstream_rejected',
        `Stripe refused the checkout session (HTTP ${statusCode}); the proxy log has Stripe's parameter and message.`,
      );
  }
}

const headerOf = (headers: Record<string, unknown> | undefined, name: string) => {
  const value = headers?.[name];
  return typeof value === 'string' ? value : undefined;
};
