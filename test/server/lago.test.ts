import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Express } from 'express';
import request, { type Response } from 'supertest';
import type { ProblemCode } from '../../contract/problems.js';
import { signCustomerToken } from '../../server/checkout/customer-token.js';
import { assertProblem } from '../support/problems.js';
import {
  assertCheckoutUrlCall,
  assertNoSecrets,
  type LagoReply,
  type LagoScenario,
  lagoCustomer,
  lagoEnv,
  lagoReplies,
  proxyToLago,
  STRIPE_CHECKOUT_URL,
  startFakeLago,
  TOKEN_SECRET,
} from './fake-lago.js';
import { testApp } from './support.js';

const CUSTOMER_ID = 'cust_42';

async function askForSetupLink(
  app: Express,
  customerId = CUSTOMER_ID,
  body: Record<string, unknown> = { provider: 'lago' },
): Promise<Response> {
  const token = await signCustomerToken(customerId, { secret: TOKEN_SECRET });
  return request(app)
    .post('/api/checkout')
    .send({ ...body, customer_token: token });
}

/** Lago's own words (its `error` text, its error details, an HTML page) must stay out of the answer. */
function assertNoLagoBody(res: Response, reply: LagoReply): void {
  if (typeof reply === 'string') return;
  const json = reply.json as { error?: string; error_details?: Record<string, unknown> } | undefined;
  const words = [reply.text, json?.error, ...Object.values(json?.error_details ?? {}).flat()].filter(
    (word): word is string => typeof word === 'string',
  );
  for (const word of words) assert.ok(!res.text.includes(word), `the answer repeats Lago's "${word}"`);
}

test('when Lago answers 200 with the customer, answers 201 with its checkout URL and provider lago', async (t) => {
  const { app, logs, lago } = await proxyToLago(t, lagoReplies.checkoutUrl);
  const res = await askForSetupLink(app);
  assert.equal(res.status, 201);
  assert.deepEqual(res.body, { url: STRIPE_CHECKOUT_URL, provider: 'lago' });
  assert.equal(res.headers['cache-control'], 'no-store');
  assert.equal(lago.requests.length, 1);
  assertCheckoutUrlCall(lago.requests[0], CUSTOMER_ID);
  assertNoSecrets(res.text, logs.text);
});

test('when the request names no provider and only Lago makes set-up links, the token goes to Lago', async (t) => {
  const { app, lago } = await proxyToLago(t, lagoReplies.checkoutUrl, {
    PAGOU_API_KEY: 'pagou-key-never-called',
    PAGOU_API_URL: 'http://127.0.0.1:9',
  });
  const res = await askForSetupLink(app, CUSTOMER_ID, {});
  assert.equal(res.status, 201);
  assert.equal(res.body.provider, 'lago');
  assertCheckoutUrlCall(lago.requests[0], CUSTOMER_ID);
});

test('when LAGO_API_URL ends with a slash, the path is still exactly /api/v1/customers/:id/checkout_url', async (t) => {
  const lago = await startFakeLago(lagoReplies.checkoutUrl);
  t.after(() => lago.close());
  const { app } = testApp(lagoEnv(lago, { LAGO_API_URL: `${lago.url}/` }));
  const res = await askForSetupLink(app);
  assert.equal(res.status, 201);
  assertCheckoutUrlCall(lago.requests[0], CUSTOMER_ID);
});

const successVariants: Array<[string, LagoScenario]> = [
  ['201 instead of 200', (id) => ({ status: 201, json: { customer: lagoCustomer(id) } })],
  [
    'no payment_provider_code',
    (id) => ({ status: 200, json: { customer: lagoCustomer(id, { payment_provider_code: undefined }) } }),
  ],
  [
    'a null payment_provider_code',
    (id) => ({ status: 200, json: { customer: lagoCustomer(id, { payment_provider_code: null }) } }),
  ],
  [
    'fields this proxy does not know',
    (id) => ({ status: 200, json: { customer: lagoCustomer(id, { billing_entity_code: 'acme' }), meta: { v: 2 } } }),
  ],
  [
    'a checkout URL on another https host',
    (id) => ({
      status: 200,
      json: {
        customer: lagoCustomer(id, { checkout_url: 'https://pay.gocardless.com/billing/static/flow?id=BRF123' }),
      },
    }),
  ],
];

for (const [variant, scenario] of successVariants) {
  test(`when Lago answers success with ${variant}, answers 201 with the URL`, async (t) => {
    const { app } = await proxyToLago(t, scenario);
    const res = await askForSetupLink(app);
    assert.equal(res.status, 201, res.text);
    assert.match(res.body.url, /^https:\/\//);
    assert.equal(res.body.provider, 'lago');
  });
}

const awkwardIds = ['cust 42', 'org/cust', 'cust?x=1', 'cust#frag', 'cust.v2', 'josé/ü?#. x', '%2F', 'a+b&c=d'];

for (const customerId of awkwardIds) {
  test(`when the token names ${JSON.stringify(customerId)}, the raw path carries exactly encodeURIComponent of it`, async (t) => {
    const { app, lago } = await proxyToLago(t, lagoReplies.checkoutUrl);
    const res = await askForSetupLink(app, customerId);
    assert.equal(res.status, 201, res.text);
    assert.equal(lago.requests.length, 1);
    assertCheckoutUrlCall(lago.requests[0], customerId);
  });
}

for (const customerId of ['.', '..']) {
  test(`when the token names ${JSON.stringify(customerId)}, answers 404 customer_not_found and never calls Lago`, async (t) => {
    const { app, lago } = await proxyToLago(t, lagoReplies.checkoutUrl);
    const res = await askForSetupLink(app, customerId);
    assertProblem(res, 404, 'customer_not_found');
    assert.equal(lago.requests.length, 0);
  });
}

const errorRows: Array<[string, LagoReply, number, ProblemCode]> = [
  ['404 customer_not_found', lagoReplies.customerNotFound, 404, 'customer_not_found'],
  ['404 resource_not_found (a route miss)', lagoReplies.resourceNotFound, 502, 'upstream_rejected'],
  ['404 adyen_payment_provider_not_found', lagoReplies.adyenProviderNotFound, 502, 'provider_misconfigured'],
  ['422 no_linked_payment_provider', lagoReplies.noLinkedPaymentProvider, 422, 'no_payment_provider'],
  ['422 no_payment_methods_to_setup_available', lagoReplies.noPaymentMethodsToSetUp, 409, 'nothing_to_set_up'],
  ['422 third_party_error', lagoReplies.thirdPartyError, 502, 'provider_rejected'],
  [
    '422 with validation errors this proxy does not know',
    {
      status: 422,
      json: {
        status: 422,
        error: 'Unprocessable Entity',
        code: 'validation_errors',
        error_details: { customer: ['value_is_invalid'] },
      },
    },
    502,
    'upstream_rejected',
  ],
  ['405 feature_not_supported', lagoReplies.featureNotSupported, 422, 'provider_not_supported'],
  ['401 Unauthorized (the Lago key)', lagoReplies.unauthorized, 502, 'upstream_auth_failed'],
  ['403 write_action_not_allowed_for_customer', lagoReplies.forbidden, 502, 'upstream_auth_failed'],
  ['401 "Stripe authentication failed…"', lagoReplies.stripeAuthFailed, 502, 'provider_misconfigured'],
  ['400 with a JSON body', { status: 400, json: { status: 400, error: 'Bad Request' } }, 502, 'upstream_rejected'],
  ['500 Internal Server Error', lagoReplies.internalError, 502, 'upstream_unavailable'],
  ['502 with an HTML page', lagoReplies.badGatewayHtml, 502, 'upstream_unavailable'],
  ['503 with an HTML page', lagoReplies.unavailableHtml, 502, 'upstream_unavailable'],
  ['by resetting the connection', 'reset', 502, 'upstream_unavailable'],
];

for (const [answer, reply, status, code] of errorRows) {
  test(`when Lago answers ${answer}, answers ${status} ${code} without Lago's body and without retrying`, async (t) => {
    const { app, logs, lago } = await proxyToLago(t, reply);
    const res = await askForSetupLink(app);
    assertProblem(res, status, code);
    assert.equal(lago.requests.length, 1);
    assertCheckoutUrlCall(lago.requests[0], CUSTOMER_ID);
    assertNoLagoBody(res, reply);
    assertNoSecrets(res.text, logs.text);
  });
}

test('when Lago refuses the key, the detail tells the operator to check LAGO_API_KEY', async (t) => {
  const { app } = await proxyToLago(t, lagoReplies.unauthorized);
  const res = await askForSetupLink(app);
  assertProblem(res, 502, 'upstream_auth_failed');
  assert.match(res.body.detail, /LAGO_API_KEY/);
});

test("when Stripe refuses the session, Stripe's message is logged as a warning and not returned", async (t) => {
  const { app, logs } = await proxyToLago(t, lagoReplies.thirdPartyError);
  const res = await askForSetupLink(app);
  assertProblem(res, 502, 'provider_rejected');
  assert.ok(!res.text.includes('cus_x'));
  const warning = logs.entries.find((entry) => entry.upstream === 'lago');
  assert.ok(warning, 'no log line about Lago');
  assert.equal(warning.level, 40);
  assert.equal(warning.code, 'third_party_error');
  assert.match(JSON.stringify(warning.error_details), /No such customer: 'cus_x'/);
});

const rateLimitRows: Array<[string, LagoReply, string]> = [
  ['with X-RateLimit-Reset: 1', lagoReplies.rateLimited, '1'],
  [
    'with X-RateLimit-Reset: 7',
    { ...lagoReplies.rateLimited, headers: { ...lagoReplies.rateLimited.headers, 'x-ratelimit-reset': '7' } },
    '7',
  ],
  ['with only Retry-After: 3 (a gateway)', { status: 429, text: 'slow down', headers: { 'retry-after': '3' } }, '3'],
  ['with no rate-limit headers and a plain-text body', lagoReplies.rateLimitedByGateway, '5'],
  ['with an unreadable X-RateLimit-Reset', { status: 429, json: {}, headers: { 'x-ratelimit-reset': 'soon' } }, '5'],
];

for (const [variant, reply, retryAfter] of rateLimitRows) {
  test(`when Lago answers 429 ${variant}, answers 503 upstream_rate_limited with Retry-After ${retryAfter}`, async (t) => {
    const { app, lago } = await proxyToLago(t, reply);
    const res = await askForSetupLink(app);
    assertProblem(res, 503, 'upstream_rate_limited');
    assert.equal(res.headers['retry-after'], retryAfter);
    assert.equal(lago.requests.length, 1);
  });
}

test('when Lago does not answer within UPSTREAM_TIMEOUT_MS, answers 504 upstream_timeout', async (t) => {
  const { app, lago } = await proxyToLago(t, 'hang', { UPSTREAM_TIMEOUT_MS: '100' });
  const res = await askForSetupLink(app);
  assertProblem(res, 504, 'upstream_timeout');
  assert.equal(lago.requests.length, 1);
});

const malformedSuccesses: Array<[string, LagoScenario]> = [
  ['a null checkout_url', (id) => ({ status: 200, json: { customer: lagoCustomer(id, { checkout_url: null }) } })],
  ['no checkout_url', (id) => ({ status: 200, json: { customer: lagoCustomer(id, { checkout_url: undefined }) } })],
  ['an empty checkout_url', (id) => ({ status: 200, json: { customer: lagoCustomer(id, { checkout_url: '' }) } })],
  ['a numeric checkout_url', (id) => ({ status: 200, json: { customer: lagoCustomer(id, { checkout_url: 42 }) } })],
  [
    'a plain-http checkout_url',
    (id) => ({
      status: 200,
      json: { customer: lagoCustomer(id, { checkout_url: 'http://checkout.stripe.com/c/pay/cs_test' }) },
    }),
  ],
  [
    'a relative checkout_url',
    (id) => ({ status: 200, json: { customer: lagoCustomer(id, { checkout_url: '/c/pay/cs_test' }) } }),
  ],
  [
    'a javascript: checkout_url',
    (id) => ({ status: 200, json: { customer: lagoCustomer(id, { checkout_url: 'javascript:alert(1)' }) } }),
  ],
  ['a null customer', { status: 200, json: { customer: null } }],
  ['no customer', { status: 200, json: {} }],
  ['customer as an array', (id) => ({ status: 200, json: { customer: [lagoCustomer(id)] } })],
  ['a top-level array', (id) => ({ status: 200, json: [lagoCustomer(id)] })],
  ['the legacy unwrapped shape (checkout_url at the top level)', (id) => ({ status: 200, json: lagoCustomer(id) })],
  ['a body that is not JSON', { status: 200, text: '<html>ok</html>', contentType: 'application/json' }],
  ['an empty body', { status: 200, text: '' }],
  ['the checkout URL of another customer', { status: 200, json: { customer: lagoCustomer('cust_other') } }],
];

for (const [variant, scenario] of malformedSuccesses) {
  test(`when Lago answers 200 with ${variant}, answers 502 upstream_bad_response`, async (t) => {
    const { app, logs } = await proxyToLago(t, scenario);
    const res = await askForSetupLink(app);
    assertProblem(res, 502, 'upstream_bad_response');
    assertNoSecrets(res.text, logs.text);
  });
}

test('when Lago answers the legacy unwrapped shape, the detail points the operator at LAGO_API_URL', async (t) => {
  const { app } = await proxyToLago(t, (id) => ({ status: 200, json: lagoCustomer(id) }));
  const res = await askForSetupLink(app);
  assertProblem(res, 502, 'upstream_bad_response');
  assert.match(res.body.detail, /LAGO_API_URL/);
  assert.ok(!res.text.includes(STRIPE_CHECKOUT_URL));
});
