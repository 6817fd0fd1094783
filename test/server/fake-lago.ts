import assert from 'node:assert/strict';
import type { TestContext } from 'node:test';
import { type FakeUpstream, type RecordedRequest, sendJson, startFakeUpstream } from '../support/http.js';
import { testApp } from './support.js';

export const LAGO_API_KEY = 'lago-test-key-7c1e9d52b4a0';
export const STRIPE_CHECKOUT_URL = 'https://checkout.stripe.com/c/pay/cs_test_a1B2c3D4e5F6g7H8';

/** One answer of the fake: a status with a JSON or raw body, or a connection that hangs or resets. */
export type LagoReply =
  | { status: number; json?: unknown; text?: string; contentType?: string; headers?: Record<string, string> }
  | 'hang'
  | 'reset';

/** A reply, or a reply built from the external customer id the request named. */
export type LagoScenario = LagoReply | ((customerId: string) => LagoReply);

const checkoutUrlRoute = /^\/api\/v1\/customers\/([^/]+)\/checkout_url$/;

/** The external customer id a request path names, decoded, if the path is Lago's checkout-URL route. */
export function lagoCustomerIdOf(url: string): string | undefined {
  const route = checkoutUrlRoute.exec(url);
  return route ? decodeURIComponent(route[1]!) : undefined;
}

/** Lago's success body (upstreams.md §2.3, §3.2 scenario 1). */
export const lagoCustomer = (customerId: string, overrides: Record<string, unknown> = {}) => ({
  lago_customer_id: '1a901a90-1a90-1a90-1a90-1a901a901a90',
  external_customer_id: customerId,
  payment_provider: 'stripe',
  payment_provider_code: 'stripe_prod',
  checkout_url: STRIPE_CHECKOUT_URL,
  ...overrides,
});

/** The real bodies Lago answers with (upstreams.md §2.4 and §3.2), by situation. */
export const lagoReplies = {
  checkoutUrl: (customerId: string): LagoReply => ({ status: 200, json: { customer: lagoCustomer(customerId) } }),
  unauthorized: { status: 401, json: { status: 401, error: 'Unauthorized' } },
  stripeAuthFailed: {
    status: 401,
    json: {
      status: 401,
      error: 'Stripe authentication failed. Invalid API Key provided: sk_test_********************wxyz',
    },
  },
  forbidden: { status: 403, json: { status: 403, error: 'Forbidden', code: 'write_action_not_allowed_for_customer' } },
  customerNotFound: { status: 404, json: { status: 404, error: 'Not Found', code: 'customer_not_found' } },
  resourceNotFound: { status: 404, json: { status: 404, error: 'Not Found', code: 'resource_not_found' } },
  adyenProviderNotFound: {
    status: 404,
    json: { status: 404, error: 'Not Found', code: 'adyen_payment_provider_not_found' },
  },
  featureNotSupported: {
    status: 405,
    json: { status: 405, error: 'Method Not Allowed', code: 'feature_not_supported' },
  },
  noLinkedPaymentProvider: {
    status: 422,
    json: {
      status: 422,
      error: 'Unprocessable Entity',
      code: 'validation_errors',
      error_details: { base: ['no_linked_payment_provider'] },
    },
  },
  noPaymentMethodsToSetUp: {
    status: 422,
    json: {
      status: 422,
      error: 'Unprocessable Entity',
      code: 'validation_errors',
      error_details: { provider_payment_methods: ['no_payment_methods_to_setup_available'] },
    },
  },
  thirdPartyError: {
    status: 422,
    json: {
      status: 422,
      error: 'Unprocessable Entity',
      code: 'third_party_error',
      error_details: { third_party: 'Stripe', thirdparty_error: "No such customer: 'cus_x'" },
    },
  },
  rateLimited: {
    status: 429,
    json: { status: 429, error: 'Too Many Requests' },
    headers: { 'x-ratelimit-limit': '50', 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': '1' },
  },
  rateLimitedByGateway: { status: 429, text: 'Too Many Requests', contentType: 'text/plain' },
  internalError: { status: 500, json: { status: 500, error: 'Internal Server Error' } },
  badGatewayHtml: { status: 502, text: '<html><body><h1>502 Bad Gateway</h1></body></html>', contentType: 'text/html' },
  unavailableHtml: {
    status: 503,
    text: '<html><body><h1>503 Service Unavailable</h1></body></html>',
    contentType: 'text/html',
  },
} satisfies Record<string, LagoScenario>;

/**
 * A Lago on loopback that answers `POST /api/v1/customers/:id/checkout_url` with the scenario, and
 * any other path with Lago's route-miss 404. Every request is recorded for `assertCheckoutUrlCall`.
 */
export async function startFakeLago(scenario: LagoScenario): Promise<FakeUpstream> {
  return startFakeUpstream((request, res) => {
    const customerId = lagoCustomerIdOf(request.url);
    if (request.method !== 'POST' || customerId === undefined) {
      sendJson(res, 404, { status: 404, error: 'Not Found', code: 'resource_not_found' });
      return;
    }
    const reply = typeof scenario === 'function' ? scenario(customerId) : scenario;
    if (reply === 'hang') return;
    if (reply === 'reset') {
      res.socket?.destroy();
      return;
    }
    if (reply.text !== undefined) {
      res
        .writeHead(reply.status, { 'content-type': reply.contentType ?? 'text/plain', ...reply.headers })
        .end(reply.text);
      return;
    }
    sendJson(res, reply.status, reply.json, reply.headers);
  });
}

/** What the proxy must send: POST, the id as exactly `encodeURIComponent(id)` in the raw path, the bearer key, no body. */
export function assertCheckoutUrlCall(request: RecordedRequest | undefined, customerId: string): void {
  assert.ok(request, 'Lago received no request');
  assert.equal(request.method, 'POST');
  assert.equal(request.url, `/api/v1/customers/${encodeURIComponent(customerId)}/checkout_url`);
  assert.equal(request.headers.authorization, `Bearer ${LAGO_API_KEY}`);
  assert.equal(request.body, '');
  assert.equal(request.headers['content-type'], undefined);
}

/** The HS256 secret the proxy under test shares with the "merchant backend" of the tests. */
export const TOKEN_SECRET = 'test-customer-token-secret-0123456789abcdef';

/** The variables of a proxy that talks to this fake Lago. */
export const lagoEnv = (lago: FakeUpstream, env: Record<string, string> = {}): Record<string, string> => ({
  LAGO_API_KEY,
  LAGO_API_URL: lago.url,
  CUSTOMER_TOKEN_SECRET: TOKEN_SECRET,
  ...env,
});

/** A fresh proxy in front of a fresh fake Lago answering with `scenario`; the fake is closed after the test. */
export async function proxyToLago(t: TestContext, scenario: LagoScenario, env: Record<string, string> = {}) {
  const lago = await startFakeLago(scenario);
  t.after(() => lago.close());
  const { app, logs } = testApp(lagoEnv(lago, env));
  return { app, logs, lago };
}

/** Neither the Lago key nor the token secret may reach a response or a log line. */
export function assertNoSecrets(...texts: string[]): void {
  for (const text of texts) {
    assert.ok(!text.includes(LAGO_API_KEY), 'the Lago API key leaked');
    assert.ok(!text.includes(TOKEN_SECRET), 'the customer token secret leaked');
  }
}
