import { secret, upstreamUrl } from '../lib/env.js';
import type { Logger } from '../lib/logger.js';
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

/** The fields of a Lago error body the proxy reads; the `error` text is only read for the Stripe case. */
interface LagoError {
  code?: unknown;
  error?: unknown;
  error_details?: unknown;
}

/**
 * Lago's payment-provider checkout URL: `POST /api/v1/customers/{external_customer_id}/checkout_url`,
 * no body. The customer id comes from a verified customer token, never from the page.
 */
export const lagoProvider = defineProvider({
  name: 'lago',
  variables: {
    LAGO_API_KEY: secret().optional(),
    // The proxy appends /api/v1/…, so a URL copied with it would call /api/v1/api/v1/… and 404.
    LAGO_API_URL: upstreamUrl
      .refine(
        (url) => !/\/api\/v1$/i.test(url),
        "must be Lago's base URL without /api/v1, such as https://api.getlago.com",
      )
      .default('https://api.getlago.com'),
  },
  enabledBy: 'LAGO_API_KEY',
  makes: ['createSetupLink'],
  crossCheck: (env) =>
    env.LAGO_API_KEY !== undefined && env.CUSTOMER_TOKEN_SECRET === undefined
      ? [
          [
            'CUSTOMER_TOKEN_SECRET',
            'is required when LAGO_API_KEY is set (at least 32 bytes, shared with your backend)',
          ],
        ]
      : [],
  settings: (vars) => upstreamSettings(vars.LAGO_API_KEY, vars.LAGO_API_URL),
  create: ({ apiKey, apiUrl }, { upstreamTimeoutMs: timeoutMs, pool }) => ({
    name: 'lago',
    warm: () => pool.warm(apiUrl, timeoutMs),
    async createSetupLink(customerId, { log }) {
      // The URL parser resolves "." and ".." segments even when percent-encoded, so such an id
      // would reach another Lago route; no Lago customer can be addressed by it.
      if (customerId === '.' || customerId === '..') {
        throw new ProblemError(
          'customer_not_found',
          'Lago cannot address a customer whose external id is "." or ".."; mint the token for another customer.',
        );
      }
      const url = `${apiUrl}/api/v1/customers/${encodeURIComponent(customerId)}/checkout_url`;
      const answer = await postToUpstream({ provider: 'Lago', url, apiKey, timeoutMs, pool });
      if (answer.status >= 200 && answer.status < 300) return checkoutUrlOf(answer.json, customerId, apiKey, log);

      const body = asObject(answer.json) as LagoError | undefined;
      const diagnostics = {
        code: forLog(body?.code, apiKey),
        error: forLog(body?.error, apiKey),
        error_details: forLog(body?.error_details, apiKey),
      };
      log.warn({ upstream: 'lago', status: answer.status, ...diagnostics }, 'Lago refused the checkout URL');
      throw problemFor(answer, body);
    },
  }),
});

/**
 * Lago's server wraps the answer in `customer` (its serializer's root name); only the OpenAPI
 * documents before 2026-04 showed it unwrapped. A top-level `checkout_url` therefore comes from
 * something that is not Lago, and is refused rather than trusted.
 */
function checkoutUrlOf(json: unknown, customerId: string, apiKey: string, log: Logger): string {
  const customer = asObject(asObject(json)?.customer);
  if (!customer) {
    throw new ProblemError(
      'upstream_bad_response',
      "Lago answered without a customer object; check that LAGO_API_URL is Lago's base URL (without /api/v1).",
    );
  }
  const url = checkoutUrlFrom(customer.checkout_url, 'Lago', apiKey);
  // A URL for another customer would save this shopper's card on someone else's account.
  if (customer.external_customer_id !== undefined && customer.external_customer_id !== customerId) {
    log.warn({ upstream: 'lago' }, 'Lago answered for a different external_customer_id than requested');
    throw new ProblemError(
      'upstream_bad_response',
      'Lago answered with the checkout URL of a different customer than the token names.',
    );
  }
  return url;
}

function problemFor({ status, header }: UpstreamAnswer, body: LagoError | undefined): ProblemError {
  const code = body?.code;
  if (status === 401 && typeof body?.error === 'string' && body.error.startsWith('Stripe authentication failed')) {
    return new ProblemError(
      'provider_misconfigured',
      "Lago could not authenticate with Stripe; the operator should check the Stripe secret key in Lago's Stripe integration.",
    );
  }
  if (status === 401 || status === 403) {
    return new ProblemError(
      'upstream_auth_failed',
      `Lago refused the proxy's API key (HTTP ${status}); the operator should check LAGO_API_KEY (it needs write access to customers) and LAGO_API_URL.`,
    );
  }
  if (status === 404 && code === 'customer_not_found') {
    return new ProblemError(
      'customer_not_found',
      'Lago has no customer with the external id this token names; create the customer in Lago, or mint the token with its external_customer_id.',
    );
  }
  if (
    status === 404 &&
    (code === 'adyen_payment_provider_not_found' || code === 'moneyhash_payment_provider_not_found')
  ) {
    return new ProblemError(
      'provider_misconfigured',
      "The payment provider connection linked to this customer no longer exists in Lago; the operator should fix the customer's payment provider in Lago.",
    );
  }
  if (status === 404) {
    return new ProblemError(
      'upstream_rejected',
      "Lago did not recognise the request path (HTTP 404); the operator should check that LAGO_API_URL is Lago's base URL without /api/v1, and that the customer's external id has no character Lago's routes refuse (such as \".\").",
    );
  }
  if (status === 405 && code === 'feature_not_supported') {
    return new ProblemError(
      'provider_not_supported',
      'The payment provider linked to this customer in Lago (such as Cashfree or Flutterwave) has no checkout URL; link the customer to Stripe, GoCardless, Adyen or Moneyhash.',
    );
  }
  if (status === 422 && code === 'third_party_error') {
    return new ProblemError(
      'provider_rejected',
      'The payment provider linked in Lago refused to create the checkout session; the operator will find its message in the proxy log.',
    );
  }
  if (status === 422 && hasDetail(body, 'no_linked_payment_provider')) {
    return new ProblemError(
      'no_payment_provider',
      'This customer has no payment provider linked in Lago; link one to the customer in Lago first.',
    );
  }
  if (status === 422 && hasDetail(body, 'no_payment_methods_to_setup_available')) {
    return new ProblemError('nothing_to_set_up', "None of this customer's payment methods in Lago needs setting up.");
  }
  if (status === 429) return upstreamRateLimited('Lago', rateLimitResetSeconds(header));
  if (status >= 500) return new ProblemError('upstream_unavailable', `Lago failed (HTTP ${status}).`);
  if (status >= 400)
    return new ProblemError(
      'upstream_rejected',
      `Lago refused the checkout URL (HTTP ${status}); the proxy log has Lago's error code.`,
    );
  return new ProblemError('upstream_bad_response', `Lago answered with an unexpected HTTP ${status}.`);
}

/** Lago Cloud's `X-RateLimit-Reset` is seconds until the window resets (not an epoch); gateways may send `Retry-After` instead. */
function rateLimitResetSeconds(header: UpstreamAnswer['header']): number | undefined {
  const reset = header('x-ratelimit-reset')?.trim();
  if (reset && /^\d+$/.test(reset)) return Math.max(1, Number(reset));
  return retryAfterSeconds(header('retry-after'));
}

/** Lago puts validation reasons in `error_details`, a map of field → list of reason codes. */
function hasDetail(body: LagoError | undefined, reason: string): boolean {
  const details = asObject(body?.error_details);
  return (
    details !== undefined &&
    Object.values(details).some((reasons) => Array.isArray(reasons) && reasons.includes(reason))
  );
}

function asObject(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}
