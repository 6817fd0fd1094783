/**
 * Secrets: a representative run of the proxy — every success and every failure class, with
 * upstreams that quote the credentials back — under recognizable keys. The Pagou key, the Lago key
 * and the customer-token secret must appear in no response (status line, headers or body) and no
 * log line, in any of the forms they travel in (raw, base64, URL-encoded).
 */
import assert from 'node:assert/strict';
import type { ServerResponse } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { SignJWT } from 'jose';
import { signCustomerToken } from '../../server/checkout/customer-token.js';
import { loadConfig } from '../../server/config/load-config.js';
import { forLog } from '../../server/providers/upstream.js';
import { type FakeUpstream, sendJson, startFakeUpstream } from '../support/http.js';
import type { LogCapture } from '../support/logs.js';
import { answerOf, assertProblem, type HttpAnswer } from '../support/problems.js';
import {
  assertNoSecrets,
  LAGO_API_KEY,
  lagoCustomer,
  lagoCustomerIdOf,
  proxyToLago,
  TOKEN_SECRET,
} from './fake-lago.js';
import { json, PAGOU_TEST_KEY, startFakePagou, UPSTREAM_DETAIL } from './fake-pagou.js';
import { fixtureCatalog, listenInFrontOf, postCheckout, testApp } from './support.js';

const secrets = [PAGOU_TEST_KEY, LAGO_API_KEY, TOKEN_SECRET];
const base64 = (text: string) => Buffer.from(text).toString('base64');
/** The key as a provider might quote it back: base64 (of the key, of the Authorization header, of Basic's `key:x`), base64url, URL-encoded. */
const encodings = (secret: string) => [
  base64(secret),
  base64(`Bearer ${secret}`),
  base64(`${secret}:x`),
  Buffer.from(secret).toString('base64url'),
  encodeURIComponent(base64(secret)),
  encodeURIComponent(secret),
];
const forms = secrets.flatMap((secret) => [secret, ...encodings(secret)]);

function assertNoSecret(text: string, where: string): void {
  for (const form of forms) assert.ok(!text.includes(form), `a secret (${form.slice(0, 6)}…) reached ${where}`);
}

/** Upstream answers that quote back what they were sent, keyed by the scenario the request names. */
const quoting = (key: string): Record<string, (res: ServerResponse, success: unknown, status: number) => void> => ({
  ok: (res, success, status) => sendJson(res, status, success),
  'unauthorized quoting the key': (res) =>
    sendJson(res, 401, { status: 401, error: `Invalid API key: ${key}`, message: `Bearer ${key} was refused` }),
  'forbidden problem quoting the key': (res) => {
    res
      .writeHead(403, { 'content-type': 'application/problem+json' })
      .end(
        JSON.stringify({ type: 'about:blank', title: 'Forbidden', status: 403, detail: `key ${key} may not do this` }),
      );
  },
  'validation errors quoting the key': (res) =>
    sendJson(res, 422, {
      status: 422,
      error: 'Unprocessable Entity',
      code: 'third_party_error',
      error_details: { third_party: 'Stripe', thirdparty_error: `Invalid API Key provided: ${key}` },
      errors: [{ field: 'authorization', message: `Bearer ${key}`, code: 'invalid' }],
    }),
  'errors keyed by the key': (res) =>
    sendJson(res, 422, {
      status: 422,
      error: 'Unprocessable Entity',
      code: 'validation_errors',
      error_details: { [key]: ['invalid'] },
      errors: [{ [key]: 'invalid' }],
    }),
  'rate limited quoting the key': (res) =>
    sendJson(res, 429, { error: `too many calls for ${key}` }, { 'retry-after': '2' }),
  'html error page echoing the request': (res) =>
    res.writeHead(500, { 'content-type': 'text/html' }).end(`<pre>Authorization: Bearer ${key}</pre>`),
  'success false quoting the key': (res, _success, status) => sendJson(res, status, { success: false, message: key }),
  'unsafe url carrying the key': (res, _success, status) =>
    sendJson(res, status, {
      success: true,
      requestId: 'r',
      data: { url: `javascript:alert('${key}')` },
      customer: { checkout_url: `javascript:alert('${key}')` },
    }),
  'redirect carrying the key': (res) =>
    res.writeHead(302, { location: `https://evil.example/?key=${encodeURIComponent(key)}` }).end(),
  reset: (res) => res.socket!.resetAndDestroy(),
  hang: () => {},
  'over 1 MB quoting the key': (res, _success, status) => {
    res.on('error', () => {});
    res
      .writeHead(status, { 'content-type': 'application/json' })
      .end(JSON.stringify({ error: key, padding: 'x'.repeat(1024 * 1024) }));
  },
  'unauthorized quoting the key encoded': (res) =>
    sendJson(res, 401, {
      status: 401,
      error: `Unauthorized: ${encodings(key).join(' ')}`,
      message: `Authorization: Basic ${base64(`${key}:x`)}`,
      detail: `Bearer ${key}`,
    }),
  ...Object.fromEntries(
    [key, base64(key), encodeURIComponent(base64(`Bearer ${key}`)), encodeURIComponent(key)].map((form, index) => [
      `a checkout url carrying the key, form ${index}`,
      (res: ServerResponse, _success: unknown, status: number) => {
        const url = `https://pay.example/c/1?session=${form}`;
        sendJson(res, status, { success: true, requestId: 'r', data: { url }, customer: { checkout_url: url } });
      },
    ]),
  ),
});

const pagouScenarios = quoting(PAGOU_TEST_KEY);
const lagoScenarios = quoting(LAGO_API_KEY);

let pagou: FakeUpstream;
let lago: FakeUpstream;
let proxy: { url: string; close(): Promise<void> };
let logs: LogCapture;
const answers: HttpAnswer[] = [];

before(async () => {
  pagou = await startFakeUpstream((request, res) => {
    const { title } = JSON.parse(request.body) as { title: string };
    pagouScenarios[title]!(res, { success: true, requestId: 'r', data: { url: 'https://pay.example/c/1' } }, 201);
  });
  lago = await startFakeUpstream((request, res) => {
    const customerId = lagoCustomerIdOf(request.url)!;
    lagoScenarios[customerId]!(res, { customer: lagoCustomer(customerId) }, 200);
  });
  ({ logs, ...proxy } = await listenInFrontOf(pagou, lago, {
    ALLOWED_ORIGINS: 'https://shop.example',
    // The hanging provider ends in 504 after this; the others must answer well inside it on a busy machine.
    UPSTREAM_TIMEOUT_MS: '2000',
    RATE_LIMIT_PER_MINUTE: '1000',
  }));
});

after(async () => {
  await proxy?.close();
  await pagou?.close();
  await lago?.close();
});

async function send(path: string, init: RequestInit = {}): Promise<HttpAnswer> {
  const answer = await answerOf(
    await fetch(`${proxy.url}${path}`, { redirect: 'manual', signal: AbortSignal.timeout(5_000), ...init }),
  );
  answers.push(answer);
  const headers = [...answer.headers].map(([name, value]) => `${name}: ${value}`).join('\n');
  assertNoSecret(`${answer.status}\n${headers}\n${answer.text}`, `the answer to ${init.method ?? 'GET'} ${path}`);
  return answer;
}

const postJson = (body: unknown, headers: Record<string, string> = {}) =>
  send('/api/checkout', {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });

describe('secrets never leave the proxy', { timeout: 30_000 }, () => {
  it('when Pagou succeeds or fails in every way, quoting the key back, no answer carries a secret', async () => {
    const statuses = [];
    for (const title of Object.keys(pagouScenarios)) {
      statuses.push((await postJson({ items: [{ product: 'SKU-A' }], title })).status);
    }
    assert.deepEqual(
      statuses,
      [201, 502, 502, 502, 502, 503, 502, 502, 502, 502, 502, 504, 502, 502, 502, 502, 502, 502],
    );
  });

  it('when Lago succeeds or fails in every way, quoting the key back, no answer carries a secret', async () => {
    const statuses = [];
    for (const customerId of Object.keys(lagoScenarios)) {
      statuses.push(
        (await postJson({ customer_token: await signCustomerToken(customerId, { secret: TOKEN_SECRET }) })).status,
      );
    }
    assert.equal(statuses[0], 201);
    assert.ok(
      statuses.slice(1).every((status) => status >= 500),
      String(statuses),
    );
  });

  it('when the browser sends every kind of bad request, no answer carries a secret', async () => {
    const forged = await signCustomerToken('cus_1', { secret: 'another-secret-that-is-32-bytes-long!!' });
    const now = Math.floor(Date.now() / 1000);
    const expired = await new SignJWT()
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('cus_1')
      .setIssuedAt(now - 120)
      .setExpirationTime(now - 60)
      .sign(new TextEncoder().encode(TOKEN_SECRET));
    const codes = [
      await postJson({ items: [{ product: 'SKU-A', price: 1 }] }),
      await postJson({ items: [{ product: 'SKU-NOPE' }] }),
      await postJson({ amount: 100 }),
      await postJson({ items: [{ product: 'SKU-A' }], provider: 'stripe' }),
      await postJson({ customer_token: forged }),
      await postJson({ customer_token: expired }),
      await postJson({ customer_token: `${TOKEN_SECRET}.${TOKEN_SECRET}.${TOKEN_SECRET}` }),
      await postJson({ items: [{ product: 'SKU-A' }] }, { origin: 'https://evil.example' }),
      await send('/api/checkout', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{"items":',
      }),
      await send('/api/checkout', { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'x' }),
      await send('/api/checkout', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ title: 'x'.repeat(20_000) }),
      }),
      await send('/api/checkout', { method: 'PUT' }),
      await send('/nowhere'),
    ].map((answer) => (JSON.parse(answer.text) as { code: string }).code);
    assert.deepEqual(codes, [
      'validation_error',
      'unknown_product',
      'amount_not_allowed',
      'provider_unavailable',
      'invalid_customer_token',
      'invalid_customer_token',
      'invalid_customer_token',
      'origin_not_allowed',
      'malformed_json',
      'unsupported_media_type',
      'payload_too_large',
      'method_not_allowed',
      'not_found',
    ]);
  });

  it('when the browser posts the plain form, succeeds or is refused with a page, or reads the public routes, no answer carries a secret', async () => {
    const form = (body: string) =>
      send('/api/checkout', {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' },
        body,
      });
    assert.equal((await form('product=SKU-A&title=ok')).status, 303);
    assert.equal((await form('product=SKU-NOPE')).status, 422);
    assert.equal((await send('/api/products')).status, 200);
    assert.equal((await send('/healthz')).status, 200);
    await send('/checkout-button.js');
    await send('/api/checkout', {
      method: 'OPTIONS',
      headers: { origin: 'https://shop.example', 'access-control-request-method': 'POST' },
    });
  });

  it('when a client passes the rate limit, the 429 carries no secret', async () => {
    const { logs: limitedLogs, ...limited } = await listenInFrontOf(pagou, lago, { RATE_LIMIT_PER_MINUTE: '1' });
    try {
      const post = () =>
        fetch(`${limited.url}/api/checkout`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: '{"items":[{"product":"SKU-B"}],"title":"ok"}',
        });
      assert.equal((await post()).status, 201);
      const answer = await answerOf(await post());
      assert.equal(answer.status, 429);
      assertNoSecret(`${[...answer.headers].join('\n')}\n${answer.text}`, 'the 429');
      assertNoSecret(limitedLogs.text, 'the log');
    } finally {
      await limited.close();
    }
  });

  it('after all of it, no log line carries a secret, though the upstream refusals were logged for the operator', () => {
    assert.ok(answers.length >= 40);
    assertNoSecret(logs.text, 'the log');
    assert.ok(
      logs.entries.some((entry) => entry.upstream === 'pagou') &&
        logs.entries.some((entry) => entry.upstream === 'lago'),
    );
  });

  it('when the configuration is bad, the error names the variables and never their values', () => {
    assert.throws(
      () =>
        loadConfig({
          CATALOG_FILE: fixtureCatalog,
          PAGOU_API_KEY: PAGOU_TEST_KEY,
          PAGOU_API_URL: `ftp://${PAGOU_TEST_KEY}@x`,
          LAGO_API_KEY,
          CUSTOMER_TOKEN_SECRET: 'short',
        }),
      (error: Error) => {
        assertNoSecret(error.message, 'the configuration error');
        assert.ok(!error.message.includes('short'), 'the short secret was echoed');
        assert.match(error.message, /PAGOU_API_URL/);
        assert.match(error.message, /CUSTOMER_TOKEN_SECRET/);
        return true;
      },
    );
  });
});

describe('the key in what the proxy logs', () => {
  it('when Pagou quotes the refused key in its error, answers 502 upstream_auth_failed and keeps the key out of the log', async (t) => {
    const pagou = await startFakePagou(
      json(401, {
        error: 'UNAUTHORIZED',
        message: `Invalid API key ${PAGOU_TEST_KEY}`,
        status: 401,
        errors: [{ field: 'authorization', message: `Bearer ${PAGOU_TEST_KEY} is not a key` }],
      }),
    );
    t.after(() => pagou.close());
    const { app, logs } = testApp({ PAGOU_API_KEY: PAGOU_TEST_KEY, PAGOU_API_URL: pagou.url });
    const res = await postCheckout(app, { items: [{ product: 'SKU-B', quantity: 1 }] });
    assertProblem(res, 502, 'upstream_auth_failed');
    assert.equal(pagou.requests.length, 1, 'the POST must never be retried');
    assert.deepEqual(pagou.schemaFailures, []);
    assertNoSecret(`${JSON.stringify(res.headers)}\n${res.text}`, 'the answer');
    assertNoSecret(logs.text, 'the log');
    assert.ok(!res.text.includes(UPSTREAM_DETAIL), 'the upstream body reached the response');
  });

  it('when an error body quotes the Lago key, the log line carries it redacted', async (t) => {
    const { app, logs } = await proxyToLago(t, {
      status: 401,
      json: { status: 401, error: `Unauthorized: Bearer ${LAGO_API_KEY}` },
    });
    const res = await postCheckout(app, {
      provider: 'lago',
      customer_token: await signCustomerToken('cust_42', { secret: TOKEN_SECRET }),
    });
    assertProblem(res, 502, 'upstream_auth_failed');
    assert.match(logs.text, /Unauthorized: Bearer \[redacted\]/);
    assertNoSecrets(res.text, logs.text);
  });
});

describe('forLog', () => {
  const key = 'sk_live_QUOTED_BACK_42';

  it('cuts the key out of values, property names and nested text', () => {
    const logged = JSON.stringify(
      forLog({ message: `bad key ${key}`, errors: [{ [key]: 'invalid' }], header: `Bearer ${key}` }, key),
    );
    assert.ok(!logged.includes(key), logged);
    assert.match(logged, /\[redacted\]/);
  });

  it('bounds what one log line carries', () => {
    const logged = forLog({ message: 'x'.repeat(1024 * 1024) }, key);
    assert.equal(typeof logged, 'string');
    assert.ok((logged as string).length <= 501);
  });
});
