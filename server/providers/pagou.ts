import type { PricedCheckout } from '../checkout/pricing.js';
import { secret, upstreamUrl } from '../lib/env.js';
import { ProblemError } from '../lib/problem-error.js';
import { defineProvider } from './provider.js';
import {
  checkoutUrlFrom,
  forLog,
  postToUpstream,
  retryAfterSeconds,
  type UpstreamAnswer,
  upstreamRateLimited,
  upstreamSettings,
} from './upstream.js';

/** Pagou checkout links: `POST /v2/checkout-links`, products upserted by `external_id`, or a value-only amount. */
export const pagouProvider = defineProvider({
  name: 'pagou',
  variables: {
    PAGOU_API_KEY: secret().optional(),
    PAGOU_API_URL: upstreamUrl.default('https://api.pagou.ai'),
  },
  enabledBy: 'PAGOU_API_KEY',
  makes: ['createCheckoutLink'],
  settings: (vars) => upstreamSettings(vars.PAGOU_API_KEY, vars.PAGOU_API_URL),
  create: ({ apiKey, apiUrl }, { upstreamTimeoutMs: timeoutMs, pool }) => ({
    name: 'pagou',
    warm: () => pool.warm(apiUrl, timeoutMs),
    async createCheckoutLink(checkout, { log }) {
      const body = pagouBody(checkout);
      const answer = await postToUpstream({
        provider: 'Pagou',
        url: `${apiUrl}/v2/checkout-links`,
        apiKey,
        body,
        timeoutMs,
        pool,
      });
      if (answer.status >= 200 && answer.status < 300) {
        const body = answer.json as { success?: unknown; data?: { url?: unknown } } | undefined;
        if (body?.success === false) throw new ProblemError('upstream_bad_response', 'Pagou answered success: false.');
        return checkoutUrlFrom(body?.data?.url, 'Pagou', apiKey);
      }
      log.warn(
        { upstream: 'pagou', status: answer.status, error: forLog(summarize(answer.json), apiKey) },
        'Pagou refused the checkout link',
      );
      throw problemFor(answer);
    },
  }),
});

/** The priced checkout as Pagou's `POST /v2/checkout-links` body (its OpenAPI v2 `CreateCheckoutLink`). */
function pagouBody(checkout: PricedCheckout) {
  const title = checkout.title === undefined ? {} : { title: checkout.title };
  if (checkout.kind === 'amount') return { amount: checkout.amount, currency: checkout.currency, ...title };
  return {
    products: checkout.lines.map((line) => ({
      external_id: line.productId,
      name: line.name,
      price: line.unitPrice,
      quantity: line.quantity,
      currency: checkout.currency,
      type: line.type,
      description: line.description,
      image_url: line.imageUrl,
      compare_price: line.comparePrice,
    })),
    ...title,
  };
}

function problemFor({ status, header }: UpstreamAnswer): ProblemError {
  if (status === 401 || status === 403) {
    return new ProblemError(
      'upstream_auth_failed',
      `Pagou refused the proxy's credentials (HTTP ${status}); the operator should check PAGOU_API_KEY and PAGOU_API_URL.`,
    );
  }
  if (status === 429) return upstreamRateLimited('Pagou', retryAfterSeconds(header('retry-after')));
  if (status >= 400 && status < 500)
    return new ProblemError('upstream_rejected', `Pagou refused the checkout link (HTTP ${status}).`);
  if (status >= 500) return new ProblemError('upstream_unavailable', `Pagou failed (HTTP ${status}).`);
  return new ProblemError('upstream_bad_response', `Pagou answered with an unexpected HTTP ${status}.`);
}

/** The useful part of either Pagou error shape (problem+json or `{error, message}`), for the log only. */
function summarize(json: unknown): unknown {
  if (typeof json !== 'object' || json === null) return undefined;
  const { error, message, title, detail, errors } = json as Record<string, unknown>;
  return { error, message, title, detail, errors: Array.isArray(errors) ? errors.slice(0, 10) : undefined };
}
