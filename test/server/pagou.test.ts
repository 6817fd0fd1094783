import assert from 'node:assert/strict';
import { describe, it, type TestContext } from 'node:test';
import request from 'supertest';
import type { ProblemCode } from '../../contract/problems.js';
import { parseCatalog } from '../../server/checkout/catalog.js';
import { startFakeUpstream } from '../support/http.js';
import type { LogCapture } from '../support/logs.js';
import { assertProblem } from '../support/problems.js';
import {
  CHECKOUT_LINKS_PATH,
  created,
  dropMidBody,
  type FakePagou,
  hang,
  htmlPage,
  json,
  PAGOU_TEST_KEY,
  type PagouScenario,
  pagouContractViolations,
  problem,
  raw,
  resetConnection,
  simpleError,
  stallAfterHeaders,
  startFakePagou,
  UPSTREAM_DETAIL,
} from './fake-pagou.js';
import { testApp } from './support.js';

/** Each test is bounded; the slowest path is a 300 ms upstream timeout. */
const bounded = { timeout: 10_000 };
const _ONE_MEGABYTE = 1024 * 1024;

interface ProxyUnderTest {
  pagou: FakePagou;
  logs: LogCapture;
  /** Posts to `/api/checkout` (JSON, or a plain HTML form) and checks that nothing secret or upstream-sourced leaked. */
  checkout(body: object, type?: 'json' | 'form'): Promise<request.Response>;
}

/** A fresh proxy in front of a fresh fake Pagou answering with `scenario`; both closed after the test. */
async function proxyTo(
  t: TestContext,
  scenario: PagouScenario,
  env: Record<string, string> = {},
): Promise<ProxyUnderTest> {
  const pagou = await startFakePagou(scenario);
  t.after(() => pagou.close());
  return { pagou, ...proxyFor(pagou.url, env) };
}

function proxyFor(pagouUrl: string, env: Record<string, string> = {}): Omit<ProxyUnderTest, 'pagou'> {
  const { app, logs } = testApp({ PAGOU_API_KEY: PAGOU_TEST_KEY, PAGOU_API_URL: pagouUrl, ...env });
  return {
    logs,
    async checkout(body, type = 'json') {
      const res = await request(app).post('/api/checkout').type(type).send(body);
      assertNoLeak(res, logs.text);
      return res;
    },
  };
}

function assertNoLeak(res: request.Response, logText: string): void {
  const response = `${JSON.stringify(res.headers)}\n${res.text}`;
  // A part of the key, so a truncated or re-encoded copy is caught too.
  const secret = 'SECRET_recognizable';
  assert.ok(PAGOU_TEST_KEY.includes(secret));
  assert.ok(!response.includes(secret), 'the Pagou key reached the response');
  assert.ok(!logText.includes(secret), 'the Pagou key reached the log');
  assert.ok(!res.text.includes(UPSTREAM_DETAIL), 'the upstream body reached the response');
}

/** The proxy called Pagou exactly once (a POST is never retried), with a request that met Pagou's contract. */
function assertCalledOnce(pagou: FakePagou): void {
  assert.equal(pagou.requests.length, 1, 'the POST must never be retried');
  assert.deepEqual(pagou.schemaFailures, []);
}

const cart = { items: [{ product: 'SKU-B', quantity: 1 }] };

/** One test per Pagou answer: the proxy answers `status` `code`, after exactly one call. */
function itAnswersEach(answers: Array<[string, PagouScenario]>, status: number, code: ProblemCode): void {
  for (const [answer, scenario] of answers) {
    it(`when Pagou answers ${answer}, answers ${status} ${code}`, async (t) => {
      const { pagou, checkout } = await proxyTo(t, scenario);
      assertProblem(await checkout(cart), status, code);
      assertCalledOnce(pagou);
    });
  }
}

describe('the fake Pagou', () => {
  const valid = {
    method: 'POST',
    url: CHECKOUT_LINKS_PATH,
    body: '{"amount":100}',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${PAGOU_TEST_KEY}` },
  };

  it('when a request matches the contract, finds nothing wrong', () => {
    assert.deepEqual(pagouContractViolations(valid), []);
    const products = [
      { external_id: 'A', name: 'A', price: 1, description: null, image_url: null, compare_price: null },
    ];
    assert.deepEqual(pagouContractViolations({ ...valid, body: JSON.stringify({ products }) }), []);
  });

  it('when a request breaks the schema, the prose rule or the headers, reports each violation', () => {
    const violations = (change: Partial<typeof valid>) => pagouContractViolations({ ...valid, ...change }).length;
    assert.ok(violations({ body: '{"amount":1.5}' }) > 0, 'a float amount');
    assert.ok(violations({ body: '{"amount":"100"}' }) > 0, 'a string amount');
    assert.ok(violations({ body: '{"amount":100,"currency":"XXX"}' }) > 0, 'a currency outside the enum');
    assert.ok(violations({ body: '{"products":[]}' }) > 0, 'no products');
    assert.ok(
      violations({ body: JSON.stringify({ products: Array(26).fill({ external_id: 'A', name: 'A', price: 1 }) }) }) > 0,
      '26 products',
    );
    assert.ok(
      violations({ body: '{"products":[{"external_id":"A","name":"A","price":1,"image_url":"not a uri"}]}' }) > 0,
      'an image_url that is no URI',
    );
    assert.ok(
      violations({ body: '{"products":[{"external_id":"A","name":"A","price":1,"type":"service"}]}' }) > 0,
      'an unknown type',
    );
    assert.ok(
      violations({
        body: `{"products":[{"external_id":"A","name":"A","price":1,"description":"${'d'.repeat(2001)}"}]}`,
      }) > 0,
      'a long description',
    );
    assert.ok(violations({ body: '{"products":[{"name":"A","price":1}]}' }) > 0, 'no external_id');
    assert.ok(
      violations({ body: '{"amount":100,"products":[{"external_id":"A","name":"A","price":1}]}' }) > 0,
      'both amount and products',
    );
    assert.ok(violations({ body: '{"title":"T"}' }) > 0, 'neither amount nor products');
    assert.ok(violations({ body: '{"amount":' }) > 0, 'no JSON');
    assert.ok(violations({ method: 'PUT' }) > 0, 'another method');
    assert.ok(violations({ url: `${CHECKOUT_LINKS_PATH}/` }) > 0, 'another path');
    assert.ok(violations({ headers: { ...valid.headers, 'content-type': 'text/plain' } }) > 0, 'another content type');
    assert.ok(violations({ headers: { ...valid.headers, authorization: 'Bearer another-key' } }) > 0, 'another key');
  });

  it("the catalog keeps an image URL as written when Pagou's schema takes it, and refuses one it would refuse", () => {
    const pagouTakes = (url: string) => {
      const body = JSON.stringify({ products: [{ external_id: 'A', name: 'A', price: 1, image_url: url }] });
      return pagouContractViolations({ ...valid, body }).length === 0;
    };
    const catalogWith = (url: string) =>
      parseCatalog(
        Buffer.from(JSON.stringify({ products: [{ id: 'A', name: 'A', price: 1, currency: 'BRL', image_url: url }] })),
      );
    const taken = [
      'https://img.example/a.png',
      'HTTPS://img.example/shirts/a%20b.png?size=2&v=3#front',
      'https://[2001:db8::1]:8443/a.png',
    ];
    for (const url of taken) {
      assert.ok(pagouTakes(url), url);
      assert.equal(catalogWith(url).get('A')?.image_url, url);
    }
    const refused = [
      'https://img.example/a b.png',
      ' https://img.example/a.png',
      'https://img.example/a.png\n',
      'https://img.example/camisa-azul-ç.png',
      'https://img.example/a%zz.png',
      'https://img.example/{id}.png',
    ];
    for (const url of refused) {
      assert.ok(!pagouTakes(url), url);
      assert.throws(() => catalogWith(url), /product "A" image_url: must be an absolute https URL/, url);
    }
  });
});

describe('POST /api/checkout with Pagou', bounded, () => {
  describe('when Pagou creates the link', () => {
    it('when the cart names products, sends them priced from the catalog with merged quantities and answers 201 with the URL', async (t) => {
      const { pagou, checkout } = await proxyTo(t, created('https://pay.example/c/abc'));
      const res = await checkout({
        items: [{ product: 'SKU-A', quantity: 2 }, { product: 'SKU-B' }, { product: 'SKU-A', quantity: 1 }],
        title: 'Order #1042',
      });

      assert.equal(res.status, 201);
      assert.deepEqual(res.body, { url: 'https://pay.example/c/abc', provider: 'pagou' });
      assert.equal(res.headers['cache-control'], 'no-store');
      assertCalledOnce(pagou);
      assert.deepEqual(pagou.bodies(), [
        {
          products: [
            {
              external_id: 'SKU-A',
              name: 'Alpha shirt',
              price: 7990,
              quantity: 3,
              currency: 'BRL',
              type: 'physical',
              description: 'Cotton.',
              image_url: 'https://images.example/a.png',
              compare_price: 9990,
            },
            { external_id: 'SKU-B', name: 'Beta mug', price: 3990, quantity: 1, currency: 'BRL' },
          ],
          title: 'Order #1042',
        },
      ]);
    });

    it('when the request is a value-only amount, sends amount and currency and answers 201 with the URL', async (t) => {
      const { pagou, checkout } = await proxyTo(t, created('https://pay.example/c/donation'), { AMOUNT_MAX: '100000' });
      const res = await checkout({ amount: 15000, currency: 'BRL', title: 'Donation' });

      assert.equal(res.status, 201);
      assert.deepEqual(res.body, { url: 'https://pay.example/c/donation', provider: 'pagou' });
      assertCalledOnce(pagou);
      assert.deepEqual(pagou.bodies(), [{ amount: 15000, currency: 'BRL', title: 'Donation' }]);
    });

    it('when a value-only amount names no currency, sends BRL', async (t) => {
      const { pagou, checkout } = await proxyTo(t, created(), { AMOUNT_MAX: '100000' });
      const res = await checkout({ amount: 500 });

      assert.equal(res.status, 201);
      assertCalledOnce(pagou);
      assert.deepEqual(pagou.bodies(), [{ amount: 500, currency: 'BRL' }]);
    });

    it("when the URL is on the merchant's custom https domain, answers 201 with it", async (t) => {
      const { checkout } = await proxyTo(t, created('https://checkout.minha-loja.com.br/l/9f8e7d?ref=btn'));
      const res = await checkout(cart);

      assert.equal(res.status, 201);
      assert.deepEqual(res.body, { url: 'https://checkout.minha-loja.com.br/l/9f8e7d?ref=btn', provider: 'pagou' });
    });

    it('when the URL is plain http on a loopback host (local development), answers 201 with it', async (t) => {
      const { checkout } = await proxyTo(t, created('http://127.0.0.1:4010/c/local'));
      const res = await checkout(cart);

      assert.equal(res.status, 201);
      assert.deepEqual(res.body, { url: 'http://127.0.0.1:4010/c/local', provider: 'pagou' });
    });

    it('when the URL is one a browser would resolve against the shop, answers 201 with the URL it names, normalized', async (t) => {
      for (const [answered, normalized] of [
        ['https:/account/delete', 'https://account/delete'],
        ['http:127.0.0.1:4600/x', 'http://127.0.0.1:4600/x'],
        ['https://PAY.example/c/../abc', 'https://pay.example/abc'],
      ]) {
        const { checkout } = await proxyTo(t, created(answered));
        assert.deepEqual((await checkout(cart)).body, { url: normalized, provider: 'pagou' });
        assert.equal((await checkout({ product: 'SKU-A' }, 'form')).headers.location, normalized);
      }
    });

    it('when Pagou answers 200 instead of 201, answers 201 with the URL', async (t) => {
      const { checkout } = await proxyTo(t, created('https://pay.example/c/ok', { status: 200 }));
      const res = await checkout(cart);

      assert.equal(res.status, 201);
      assert.deepEqual(res.body, { url: 'https://pay.example/c/ok', provider: 'pagou' });
    });

    it('when the answer carries unknown fields, tolerates them and answers 201 with the URL', async (t) => {
      const { checkout } = await proxyTo(
        t,
        json(201, {
          success: true,
          requestId: 'req_1001',
          data: { url: 'https://pay.example/c/extra', expires_at: null, slug: 'extra' },
          meta: { version: 3 },
        }),
      );
      const res = await checkout(cart);

      assert.equal(res.status, 201);
      assert.deepEqual(res.body, { url: 'https://pay.example/c/extra', provider: 'pagou' });
    });

    it('when a plain HTML form posts a product, answers 303 to the URL', async (t) => {
      const { pagou, checkout } = await proxyTo(t, created('https://pay.example/c/form'));
      const res = await checkout({ product: 'SKU-E', quantity: '2' }, 'form');

      assert.equal(res.status, 303);
      assert.equal(res.headers.location, 'https://pay.example/c/form');
      assertCalledOnce(pagou);
      assert.deepEqual(pagou.bodies(), [
        {
          products: [
            { external_id: 'SKU-E', name: 'E-book', price: 2900, quantity: 2, currency: 'BRL', type: 'digital' },
          ],
        },
      ]);
    });
  });

  describe('when Pagou refuses the credentials', () => {
    const refusals: Array<[string, PagouScenario]> = [
      ['401 problem+json', problem(401, 'Unauthorized')],
      ['401 simple JSON', simpleError(401, 'UNAUTHORIZED')],
      ['403', problem(403, 'Forbidden')],
    ];
    itAnswersEach(refusals, 502, 'upstream_auth_failed');

    it('when Pagou refuses, logs the refusal for the operator without the key', async (t) => {
      const { checkout, logs } = await proxyTo(t, simpleError(401, 'UNAUTHORIZED'));
      await checkout(cart);

      const refusal = logs.entries.find((entry) => entry.upstream === 'pagou');
      assert.equal(refusal?.status, 401, 'the log shows what Pagou answered');
      assert.equal((refusal?.error as Record<string, unknown> | undefined)?.error, 'UNAUTHORIZED');
      assert.ok(
        logs.entries.some((entry) => (entry.res as { status?: number } | undefined)?.status === 502),
        'the request line is logged too',
      );
    });
  });

  describe('when Pagou rejects the request', () => {
    const rejections: Array<[string, PagouScenario]> = [
      [
        '422 problem+json with errors[]',
        problem(422, 'Validation Error', {
          errors: [{ field: 'products.0.price', message: UPSTREAM_DETAIL, code: 'invalid_type' }],
        }),
      ],
      ['422 problem+json without errors', problem(422, 'Validation Error')],
      ['422 problem+json with empty errors', problem(422, 'Validation Error', { errors: [] })],
      ['422 simple JSON', simpleError(422, 'VALIDATION_ERROR')],
      ['400 simple JSON', simpleError(400, 'BAD_REQUEST')],
      ['404 problem+json', problem(404, 'Resource Not Found')],
      ['409 problem+json', problem(409, 'Conflict')],
    ];
    itAnswersEach(rejections, 502, 'upstream_rejected');
  });

  describe('when Pagou rate-limits the proxy', () => {
    it('when Pagou answers 429 with Retry-After: 2, answers 503 upstream_rate_limited with retry-after: 2', async (t) => {
      const { pagou, checkout } = await proxyTo(t, problem(429, 'Too Many Requests', {}, { 'retry-after': '2' }));
      const res = await checkout(cart);

      assertProblem(res, 503, 'upstream_rate_limited');
      assert.equal(res.headers['retry-after'], '2');
      assertCalledOnce(pagou);
    });

    it('when Pagou answers 429 without Retry-After, answers 503 upstream_rate_limited with a retry-after in seconds', async (t) => {
      const { pagou, checkout } = await proxyTo(t, problem(429, 'Too Many Requests'));
      const res = await checkout(cart);

      assertProblem(res, 503, 'upstream_rate_limited');
      assert.match(res.headers['retry-after'] ?? '', /^[1-9]\d*$/);
      assertCalledOnce(pagou);
    });
  });

  describe('when Pagou fails', () => {
    const failures: Array<[string, PagouScenario]> = [
      ['500 simple JSON', simpleError(500, 'INTERNAL_ERROR')],
      ['500 problem+json', problem(500, 'Internal Server Error')],
      ['502 with an HTML page', htmlPage(502)],
      ['503 with an HTML page', htmlPage(503)],
      ['504 with an HTML page', htmlPage(504)],
    ];
    itAnswersEach(failures, 502, 'upstream_unavailable');

    it('when Pagou does not answer within UPSTREAM_TIMEOUT_MS, answers 504 upstream_timeout', async (t) => {
      const { pagou, checkout } = await proxyTo(t, hang(), { UPSTREAM_TIMEOUT_MS: '300' });
      assertProblem(await checkout(cart), 504, 'upstream_timeout');
      assertCalledOnce(pagou);
    });

    it('when Pagou sends the headers and then stalls the body past UPSTREAM_TIMEOUT_MS, answers 504 upstream_timeout', async (t) => {
      const { pagou, checkout } = await proxyTo(t, stallAfterHeaders(), { UPSTREAM_TIMEOUT_MS: '300' });
      assertProblem(await checkout(cart), 504, 'upstream_timeout');
      assertCalledOnce(pagou);
    });

    it('when Pagou resets the connection, answers 502 upstream_unavailable', async (t) => {
      const { pagou, checkout } = await proxyTo(t, resetConnection());
      assertProblem(await checkout(cart), 502, 'upstream_unavailable');
      assertCalledOnce(pagou);
    });

    it('when Pagou drops the connection in the middle of the body, answers 502 upstream_unavailable', async (t) => {
      const { pagou, checkout } = await proxyTo(t, dropMidBody());
      assertProblem(await checkout(cart), 502, 'upstream_unavailable');
      assertCalledOnce(pagou);
    });

    it('when nothing listens at PAGOU_API_URL (connection refused), answers 502 upstream_unavailable', async () => {
      const closed = await startFakeUpstream(() => {});
      await closed.close();
      const { checkout } = proxyFor(closed.url);
      assertProblem(await checkout(cart), 502, 'upstream_unavailable');
    });
  });

  describe('when Pagou answers 2xx without a usable link', () => {
    const url = (value: unknown) => ({ success: true, requestId: 'req_1001', data: { url: value } });
    const malformed: Array<[string, PagouScenario]> = [
      [
        'success: false',
        json(201, { success: false, requestId: 'req_1001', data: { url: 'https://pay.example/c/abc' } }),
      ],
      ['no data', json(201, { success: true, requestId: 'req_1001' })],
      ['data: {}', json(201, { success: true, requestId: 'req_1001', data: {} })],
      [
        'data without url',
        json(201, { success: true, requestId: 'req_1001', data: { link: 'https://pay.example/c/abc' } }),
      ],
      ['url: null', json(201, url(null))],
      ['url: ""', json(201, url(''))],
      ['a numeric url', json(201, url(42))],
      ['a relative url', json(201, url('/c/abc'))],
      ['url: javascript:alert(1)', json(201, url('javascript:alert(1)'))],
      ['an http url on a public host', json(201, url('http://pay.example/c/abc'))],
      ['a top-level array', json(201, [url('https://pay.example/c/abc')])],
      [
        'non-JSON with a JSON content type',
        raw(201, 'application/json', '{"success":true,"data":{"url":"https://pay.example/c/abc"'),
      ],
      ['an empty body', raw(201, 'application/json', '')],
      ['an HTML page', raw(200, 'text/html', '<!doctype html><p>https://pay.example/c/abc</p>')],
    ];
    for (const [answer, scenario] of malformed) {
      it(`when Pagou answers 2xx with ${answer}, answers 502 upstream_bad_response`, async (t) => {
        const { pagou, checkout } = await proxyTo(t, scenario);
        assertProblem(await checkout(cart), 502, 'upstream_bad_response');
        assertCalledOnce(pagou);
      });
    }
  });

  describe('when the browser request is invalid, never calls Pagou', () => {
    const invalid: Array<[string, object, 422, ProblemCode, Record<string, string>?]> = [
      ['the catalog lacks the product', { items: [{ product: 'SKU-NOPE' }] }, 422, 'unknown_product'],
      ['a line carries a price', { items: [{ product: 'SKU-A', price: 1 }] }, 422, 'validation_error'],
      [
        'it sends both items and amount',
        { items: [{ product: 'SKU-A' }], amount: 100 },
        422,
        'validation_error',
        { AMOUNT_MAX: '100000' },
      ],
      ['value-only links are disabled', { amount: 100 }, 422, 'amount_not_allowed'],
    ];
    for (const [when, body, status, code, env] of invalid) {
      it(`when ${when}, answers ${status} ${code}`, async (t) => {
        const { pagou, checkout } = await proxyTo(t, created(), env);
        assertProblem(await checkout(body), status, code);
        assert.equal(pagou.requests.length, 0);
      });
    }
  });
});
