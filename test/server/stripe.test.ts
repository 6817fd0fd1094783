import assert from 'node:assert/strict';
import { describe, it, type TestContext } from 'node:test';
import request from 'supertest';
import { DISTINCT_PRODUCTS_MAX } from '../../contract/checkout.js';
import type { ProblemCode } from '../../contract/problems.js';
import { STRIPE_LINE_ITEMS_MAX, stripeAmount } from '../../server/providers/stripe.js';
import type { LogCapture } from '../support/logs.js';
import { assertProblem } from '../support/problems.js';
import { startProxy } from '../support/processes.js';
import {
  createdSession,
  type FakeStripe,
  hang,
  htmlPage,
  parseForm,
  SESSIONS_PATH,
  STRIPE_TEST_KEY,
  type StripeScenario,
  startFakeStripe,
  stripeError,
  stripeRefusal,
} from './fake-stripe.js';
import { fixtureCatalog, tempFile, testApp } from './support.js';

const bounded = { timeout: 10_000 };
const SUCCESS = 'https://shop.example/thanks?session={CHECKOUT_SESSION_ID}';
const CANCEL = 'https://shop.example/cart';

interface ProxyUnderTest {
  stripe: FakeStripe;
  logs: LogCapture;
  /** Posts a checkout as JSON (or a form) and checks that the key reached neither the answer nor the log. */
  checkout(body: object, headers?: Record<string, string>, type?: 'json' | 'form'): Promise<request.Response>;
}

/** A fresh proxy with Stripe on, in front of a fresh fake Stripe answering with `scenario`. */
async function proxyTo(
  t: TestContext,
  scenario?: StripeScenario,
  env: Record<string, string> = {},
): Promise<ProxyUnderTest> {
  const stripe = await startFakeStripe(scenario);
  t.after(() => stripe.close());
  const { app, logs } = testApp({
    STRIPE_SECRET_KEY: STRIPE_TEST_KEY,
    STRIPE_API_URL: stripe.url,
    CHECKOUT_SUCCESS_URL: SUCCESS,
    CHECKOUT_CANCEL_URL: CANCEL,
    ALLOWED_ORIGINS: 'https://shop.example',
    ...env,
  });
  return {
    stripe,
    logs,
    async checkout(body, headers = {}, type = 'json') {
      const res = await request(app).post('/api/checkout').type(type).set(headers).send(body);
      const secret = 'SECRET_recognizable';
      assert.ok(!`${JSON.stringify(res.headers)}${res.text}`.includes(secret), 'the Stripe key reached the response');
      assert.ok(!logs.text.includes(secret), 'the Stripe key reached the log');
      return res;
    },
  };
}

/** A catalog with one product per currency case. */
function catalogOf(t: TestContext): string {
  const product = (id: string, price: number, currency: string) => ({ id, name: id, price, currency });
  return tempFile(
    t,
    'catalog.json',
    JSON.stringify({
      products: [
        product('COP-1', 5000, 'COP'),
        product('JPY-1', 500, 'JPY'),
        product('KWD-ok', 5120, 'KWD'),
        product('KWD-odd', 5125, 'KWD'),
        product('GLC-1', 100, 'GLC'),
        product('USD-big', 60_000_000, 'USD'),
      ],
    }),
  );
}

describe('Stripe checkout sessions', () => {
  it('when a cart is posted, creates a payment session with one inline-priced line per product', bounded, async (t) => {
    const { stripe, checkout } = await proxyTo(t);
    const res = await checkout({
      items: [{ product: 'SKU-A', quantity: 2 }, { product: 'SKU-B' }],
      title: 'Order 1042',
      reference: 'order-1042',
    });
    assert.equal(res.status, 201);
    assert.match(res.body.url, /^https:\/\/checkout\.stripe\.com\/c\/pay\/cs_test_/);
    assert.equal(res.body.provider, 'stripe');
    assert.deepEqual(stripe.refusals, []);
    assert.deepEqual(stripe.params(), [
      {
        mode: 'payment',
        line_items: [
          {
            price_data: {
              currency: 'brl',
              unit_amount: '7990',
              product_data: { name: 'Alpha shirt', description: 'Cotton.', images: ['https://images.example/a.png'] },
            },
            quantity: '2',
          },
          { price_data: { currency: 'brl', unit_amount: '3990', product_data: { name: 'Beta mug' } }, quantity: '1' },
        ],
        success_url: SUCCESS,
        cancel_url: CANCEL,
        client_reference_id: 'order-1042',
        payment_intent_data: { description: 'Order 1042' },
      },
    ]);
    assert.equal(stripe.requests[0]!.headers['content-type'], 'application/x-www-form-urlencoded');
  });

  it('when a value-only amount is posted, sends one line named by the title, or "Payment"', bounded, async (t) => {
    const { stripe, checkout } = await proxyTo(t, undefined, { AMOUNT_MAX: '100000', AMOUNT_CURRENCY: 'USD' });
    assert.equal((await checkout({ amount: 1500, currency: 'USD', title: 'Donation' })).status, 201);
    assert.equal((await checkout({ amount: 1500, currency: 'USD' })).status, 201);
    const names = stripe.params().map((params) => {
      const [line] = params.line_items as Array<{ price_data: { product_data: { name: string }; currency: string } }>;
      return [line!.price_data.product_data.name, line!.price_data.currency];
    });
    assert.deepEqual(names, [
      ['Donation', 'usd'],
      ['Payment', 'usd'],
    ]);
    assert.deepEqual(stripe.refusals, []);
  });

  it('when the plain HTML form posts a product with a reference, the reference reaches Stripe', bounded, async (t) => {
    const { stripe, checkout } = await proxyTo(t);
    const res = await checkout({ product: 'SKU-B', reference: 'cart_77' }, {}, 'form');
    assert.equal(res.status, 303);
    assert.equal(stripe.params()[0]!.client_reference_id, 'cart_77');
  });

  it('converts catalog prices to the minor unit Stripe counts in (COP in cents, JPY in yen)', bounded, async (t) => {
    const { stripe, checkout } = await proxyTo(t, undefined, { CATALOG_FILE: catalogOf(t) });
    assert.equal((await checkout({ items: [{ product: 'COP-1' }] })).status, 201);
    assert.equal((await checkout({ items: [{ product: 'JPY-1' }] })).status, 201);
    assert.equal((await checkout({ items: [{ product: 'KWD-ok' }] })).status, 201);
    const amounts = stripe.params().map((params) => {
      const [line] = params.line_items as Array<{ price_data: { unit_amount: string } }>;
      return line!.price_data.unit_amount;
    });
    assert.deepEqual(amounts, ['500000', '500', '5120']);
    assert.deepEqual(stripe.refusals, []);
  });

  const refusedBeforeStripe: Array<[string, string, number, ProblemCode]> = [
    ['a currency Stripe does not take (GLC)', 'GLC-1', 422, 'currency_not_supported'],
    ['a three-decimal price whose last digit is not 0', 'KWD-odd', 422, 'amount_not_supported'],
    ['a total above Stripe’s eight-digit maximum', 'USD-big', 422, 'amount_not_supported'],
  ];
  for (const [what, product, status, code] of refusedBeforeStripe) {
    it(`when the cart has ${what}, answers ${status} ${code} without calling Stripe`, bounded, async (t) => {
      const { stripe, checkout } = await proxyTo(t, undefined, { CATALOG_FILE: catalogOf(t) });
      assertProblem(await checkout({ items: [{ product, quantity: 2 }] }), status, code);
      assert.equal(stripe.requests.length, 0);
    });
  }

  it('keeps the proxy’s cart limit within Stripe’s line-item limit', () => {
    assert.ok(DISTINCT_PRODUCTS_MAX <= STRIPE_LINE_ITEMS_MAX);
  });

  it('scales between Intl’s and Stripe’s minor units, and refuses what does not convert', () => {
    assert.equal(stripeAmount(5000, 'idr', 'x'), 500_000, 'Intl counts IDR in rupiah, Stripe in hundredths');
    assert.equal(stripeAmount(5, 'isk', 'x'), 500, 'Stripe counts ISK in hundredths for compatibility');
    assert.equal(stripeAmount(5, 'ugx', 'x'), 5);
    assert.equal(stripeAmount(799, 'eur', 'x'), 799);
    assert.throws(() => stripeAmount(5125, 'bhd', 'x'), { code: 'amount_not_supported' });
  });
});

describe('Stripe idempotency', () => {
  const cart = { items: [{ product: 'SKU-B' }] };

  it(
    'when a checkout is retried with its Idempotency-Key, the proxy replays it: Stripe gets one keyed call',
    bounded,
    async (t) => {
      const { stripe, checkout } = await proxyTo(t);
      const first = await checkout(cart, { 'idempotency-key': 'attempt-1' });
      const retry = await checkout(cart, { 'idempotency-key': 'attempt-1' });
      assert.equal(first.status, 201);
      assert.equal(retry.body.url, first.body.url);
      assert.equal(retry.headers['idempotent-replayed'], 'true');
      const keys = stripe.requests.map(({ headers }) => headers['idempotency-key']);
      assert.equal(keys.length, 1);
      assert.match(String(keys[0]), /^checkout-button:[0-9a-f]{64}$/);
    },
  );

  it(
    'derives a different Stripe key for another cart or another client key, and sends none for a reused key',
    bounded,
    async (t) => {
      const { stripe, checkout } = await proxyTo(t);
      await checkout(cart, { 'idempotency-key': 'attempt-1' });
      assertProblem(
        await checkout({ items: [{ product: 'SKU-A' }] }, { 'idempotency-key': 'attempt-1' }),
        422,
        'idempotency_key_reused',
      );
      await checkout({ items: [{ product: 'SKU-A' }] }, { 'idempotency-key': 'attempt-2' });
      await checkout(cart, { 'idempotency-key': 'attempt-3' });
      const keys = new Set(stripe.requests.map(({ headers }) => headers['idempotency-key']));
      assert.equal(stripe.requests.length, 3);
      assert.equal(keys.size, 3);
      assert.ok(![...keys].some((key) => String(key).includes('attempt')), 'the client key is not sent as is');
    },
  );

  it('without an Idempotency-Key, Stripe’s client still keys its POST, differently each time', bounded, async (t) => {
    const { stripe, checkout } = await proxyTo(t);
    const urls = [(await checkout(cart)).body.url, (await checkout(cart)).body.url];
    assert.notEqual(urls[0], urls[1]);
    const keys = stripe.requests.map(({ headers }) => headers['idempotency-key']);
    assert.ok(keys.every((key) => typeof key === 'string'));
    assert.notEqual(keys[0], keys[1]);
  });
});

describe('Stripe errors', () => {
  const cart = { items: [{ product: 'SKU-B' }] };
  const cases: Array<[string, StripeScenario, number, ProblemCode]> = [
    ['401 (a bad key)', stripeError(401, 'invalid_request_error'), 502, 'upstream_auth_failed'],
    ['403 (a restricted key without access)', stripeError(403, 'invalid_request_error'), 502, 'upstream_auth_failed'],
    ['400 invalid_request_error', stripeError(400, 'invalid_request_error'), 502, 'upstream_rejected'],
    ['400 idempotency_error', stripeError(400, 'idempotency_error'), 502, 'upstream_rejected'],
    ['500 api_error', stripeError(500, 'api_error'), 502, 'upstream_unavailable'],
    ['502 with an HTML page', htmlPage(502), 502, 'upstream_unavailable'],
    ['200 with a javascript: URL', createdSession('javascript:alert(1)'), 502, 'upstream_bad_response'],
    [
      '200 with more than 1 MB',
      () => ({ status: 200, json: { url: 'https://checkout.stripe.com/c/pay/cs_1', padding: 'x'.repeat(1 << 20) } }),
      502,
      'upstream_bad_response',
    ],
    [
      'a redirect (never followed: the request carries the key)',
      () => ({ status: 307, json: {}, headers: { location: 'https://elsewhere.example/v1/checkout/sessions' } }),
      502,
      'upstream_unavailable',
    ],
  ];
  for (const [answer, scenario, status, code] of cases) {
    it(`when Stripe answers ${answer}, answers ${status} ${code} after one call`, bounded, async (t) => {
      const { stripe, checkout } = await proxyTo(t, scenario);
      assertProblem(await checkout(cart), status, code);
      assert.equal(stripe.requests.length, 1);
    });
  }

  it('when Stripe refuses a parameter, logs its param and message with the key cut out', bounded, async (t) => {
    const message = `No such thing; your key ${STRIPE_TEST_KEY} was used`;
    const scenario = stripeError(400, 'invalid_request_error', { param: 'line_items[0][price_data]', message });
    const { checkout, logs } = await proxyTo(t, scenario);
    const res = await checkout(cart);
    assertProblem(res, 502, 'upstream_rejected');
    assert.ok(!res.text.includes('No such thing'), "Stripe's message stays in the log");
    const entry = logs.entries.find((line) => line.upstream === 'stripe')!;
    assert.equal(entry.param, 'line_items[0][price_data]');
    assert.equal(entry.message, 'No such thing; your key [redacted] was used');
    assert.equal(entry.type, 'invalid_request_error');
  });

  it('when Stripe answers 429 with Retry-After, answers 503 upstream_rate_limited with it', bounded, async (t) => {
    const { checkout } = await proxyTo(t, stripeError(429, 'invalid_request_error', {}, { 'retry-after': '7' }));
    const res = await checkout(cart);
    assertProblem(res, 503, 'upstream_rate_limited');
    assert.equal(res.headers['retry-after'], '7');
  });

  it('when Stripe does not answer in time, answers 504 upstream_timeout', bounded, async (t) => {
    const { checkout } = await proxyTo(t, hang(), { UPSTREAM_TIMEOUT_MS: '300' });
    assertProblem(await checkout(cart), 504, 'upstream_timeout');
  });

  it('when Stripe cannot be reached, answers 502 upstream_unavailable', bounded, async () => {
    const stripe = await startFakeStripe();
    await stripe.close();
    const { app } = testApp({
      STRIPE_SECRET_KEY: STRIPE_TEST_KEY,
      STRIPE_API_URL: stripe.url,
      CHECKOUT_SUCCESS_URL: SUCCESS,
      CHECKOUT_CANCEL_URL: CANCEL,
    });
    assertProblem(await request(app).post('/api/checkout').send(cart), 502, 'upstream_unavailable');
  });
});

describe('Stripe in the built command', () => {
  // The bundle loads the stripe package with `require` on the first checkout, not with `import()`.
  it("when the first checkout comes, loads Stripe's client and answers 201 with the session", async (t) => {
    const stripe = await startFakeStripe();
    t.after(() => stripe.close());
    const proxy = await startProxy({
      env: {
        STRIPE_SECRET_KEY: STRIPE_TEST_KEY,
        STRIPE_API_URL: stripe.url,
        CHECKOUT_SUCCESS_URL: SUCCESS,
        CHECKOUT_CANCEL_URL: CANCEL,
        CATALOG_FILE: fixtureCatalog,
      },
    });
    t.after(() => proxy.stop());
    const res = await fetch(`${proxy.origin}/api/checkout`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ items: [{ product: 'SKU-B' }] }),
    });
    const body = (await res.json()) as { url: string; provider: string };
    assert.equal(res.status, 201, JSON.stringify(body));
    assert.equal(body.provider, 'stripe');
    assert.match(body.url, /^https:\/\/checkout\.stripe\.com\/c\/pay\/cs_test_/);
    assert.deepEqual(stripe.refusals, []);
  });
});

describe('the fake Stripe', () => {
  const session = {
    mode: 'payment',
    success_url: SUCCESS,
    line_items: [{ price_data: { currency: 'usd', unit_amount: '100', product_data: { name: 'A' } }, quantity: '1' }],
  };

  it('decodes Stripe’s bracketed form encoding', () => {
    const form = 'mode=payment&line_items[0][price_data][product_data][images][0]=https%3A%2F%2Fa.example%2F1.png';
    assert.deepEqual(parseForm(form), {
      mode: 'payment',
      line_items: [{ price_data: { product_data: { images: ['https://a.example/1.png'] } } }],
    });
  });

  it('accepts a valid session and refuses what Stripe refuses, naming the parameter', () => {
    assert.equal(stripeRefusal(session), undefined);
    const line = session.line_items[0]!;
    const refused = (change: object) => stripeRefusal({ ...session, ...change })?.error;
    assert.equal(refused({ bogus: '1' })?.code, 'parameter_unknown');
    assert.equal(refused({ bogus: '1' })?.param, 'bogus');
    assert.equal(refused({ success_url: undefined })?.param, 'success_url');
    const withPrice = (price_data: object) => refused({ line_items: [{ ...line, price_data }] })?.param;
    assert.equal(withPrice({ ...line.price_data, currency: 'glc' }), 'line_items[0][price_data][currency]');
    assert.equal(withPrice({ ...line.price_data, currency: 'USD' }), 'line_items[0][price_data][currency]');
    assert.equal(
      withPrice({ ...line.price_data, currency: 'kwd', unit_amount: '5125' }),
      'line_items[0][price_data][unit_amount]',
    );
    assert.equal(refused({ line_items: Array(101).fill(line) })?.param, 'line_items');
  });

  it('replays a reused key with the same parameters and refuses it with others', bounded, async (t) => {
    const stripe = await startFakeStripe();
    t.after(() => stripe.close());
    const post = (body: string) =>
      request(stripe.url)
        .post(SESSIONS_PATH)
        .set('authorization', `Bearer ${STRIPE_TEST_KEY}`)
        .set('idempotency-key', 'k1')
        .type('form')
        .send(body);
    const body = new URLSearchParams({
      mode: 'payment',
      success_url: SUCCESS,
      'line_items[0][price_data][currency]': 'usd',
      'line_items[0][price_data][unit_amount]': '100',
      'line_items[0][price_data][product_data][name]': 'A',
      'line_items[0][quantity]': '1',
    }).toString();
    const first = await post(body);
    const again = await post(body);
    assert.equal(first.status, 200);
    assert.deepEqual(again.body, first.body);
    assert.equal(again.headers['idempotent-replayed'], 'true');
    const other = await post(body.replace('quantity%5D=1', 'quantity%5D=2'));
    assert.equal(other.status, 400);
    assert.equal(other.body.error.type, 'idempotency_error');
  });
});
