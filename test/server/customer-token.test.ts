import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decodeJwt, decodeProtectedHeader, generateKeyPair, type JWTPayload, SignJWT } from 'jose';
import request from 'supertest';
import { SANDBOX_DEMO_AUDIENCE, signCustomerToken, verifyCustomerToken } from '../../server/checkout/customer-token.js';
import { assertNoSecrets, lagoReplies, proxyToLago, TOKEN_SECRET } from './fake-lago.js';
import { testApp } from './support.js';

const CUSTOMER_ID = 'cust_42';
const secretKey = new TextEncoder().encode(TOKEN_SECRET);
const now = () => Math.floor(Date.now() / 1000);
const HOUR = 60 * 60;

/** Signs arbitrary claims, so tests can build tokens `signCustomerToken` refuses to make. */
function sign(
  claims: JWTPayload,
  { alg = 'HS256', key = secretKey as Parameters<SignJWT['sign']>[0] } = {},
): Promise<string> {
  return new SignJWT(claims).setProtectedHeader({ alg, typ: 'JWT' }).sign(key);
}

const base64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

const badTokens: Array<[string, () => Promise<string>]> = [
  ['is empty (missing)', async () => ''],
  ['is garbage', async () => 'not-a-jwt'],
  ['has three parts that are not a JWT', async () => 'a.b.c'],
  ['has expired', () => sign({ sub: CUSTOMER_ID, iat: now() - 2 * HOUR, exp: now() - 60 })],
  [
    'is signed with another secret',
    () => signCustomerToken(CUSTOMER_ID, { secret: 'another-secret-of-at-least-32-bytes!!' }),
  ],
  [
    'says alg "none" and carries no signature',
    async () => `${base64url({ alg: 'none', typ: 'JWT' })}.${base64url({ sub: CUSTOMER_ID, exp: now() + 600 })}.`,
  ],
  [
    'says alg "none" but keeps a valid HS256 signature',
    async () => {
      const [, payload, signature] = (await signCustomerToken(CUSTOMER_ID, { secret: TOKEN_SECRET })).split('.');
      return `${base64url({ alg: 'none', typ: 'JWT' })}.${payload}.${signature}`;
    },
  ],
  ['is signed with HS512 and the right secret', () => sign({ sub: CUSTOMER_ID, exp: now() + 600 }, { alg: 'HS512' })],
  ['is signed with HS384 and the right secret', () => sign({ sub: CUSTOMER_ID, exp: now() + 600 }, { alg: 'HS384' })],
  [
    'is signed with RS256',
    async () => {
      const { privateKey } = await generateKeyPair('RS256');
      return sign({ sub: CUSTOMER_ID, exp: now() + 600 }, { alg: 'RS256', key: privateKey });
    },
  ],
  [
    'had its payload changed after signing',
    async () => {
      const [header, , signature] = (await signCustomerToken(CUSTOMER_ID, { secret: TOKEN_SECRET })).split('.');
      return `${header}.${base64url({ sub: 'cust_victim', exp: now() + 600 })}.${signature}`;
    },
  ],
  ['has no sub', () => sign({ iat: now(), exp: now() + 600 })],
  ['has an empty sub', () => sign({ sub: '', iat: now(), exp: now() + 600 })],
  ['has a numeric sub', () => sign({ sub: 42 as unknown as string, iat: now(), exp: now() + 600 })],
  ['has no exp', () => sign({ sub: CUSTOMER_ID, iat: now() })],
  ['lives longer than 24 h after its iat', () => sign({ sub: CUSTOMER_ID, iat: now(), exp: now() + 24 * HOUR + 1 })],
  ['has no iat and expires in 30 days', () => sign({ sub: CUSTOMER_ID, exp: now() + 30 * 24 * HOUR })],
  [
    'claims an iat in the future to stretch its life',
    () => sign({ sub: CUSTOMER_ID, iat: now() + 10 * 24 * HOUR, exp: now() + 10 * 24 * HOUR + 600 }),
  ],
  ['is not valid yet (nbf)', () => sign({ sub: CUSTOMER_ID, nbf: now() + HOUR, exp: now() + 2 * HOUR })],
  ['has a sub with a lone surrogate', () => sign({ sub: 'cust_\uD800', iat: now(), exp: now() + 600 })],
  [
    "comes from the sandbox demo's token route",
    () => signCustomerToken(CUSTOMER_ID, { secret: TOKEN_SECRET, audience: SANDBOX_DEMO_AUDIENCE }),
  ],
];

for (const [problem, makeToken] of badTokens) {
  test(`when the customer token ${problem}, answers 401 invalid_customer_token and Lago receives nothing`, async (t) => {
    const { app, logs, lago } = await proxyToLago(t, lagoReplies.checkoutUrl);
    const res = await request(app)
      .post('/api/checkout')
      .send({ provider: 'lago', customer_token: await makeToken() });
    assert.equal(res.status, 401, res.text);
    assert.equal(res.body.code, 'invalid_customer_token');
    assert.equal(lago.requests.length, 0);
    assertNoSecrets(res.text, logs.text);
  });
}

test('when CUSTOMER_TOKEN_AUDIENCE is set, only a token that names it calls Lago', async (t) => {
  const audience = 'https://pay.shop.example';
  const { app, lago } = await proxyToLago(t, lagoReplies.checkoutUrl, { CUSTOMER_TOKEN_AUDIENCE: audience });
  const post = async (token: string) =>
    (await request(app).post('/api/checkout').send({ provider: 'lago', customer_token: token })).body;
  for (const other of [undefined, 'https://other-service.example', SANDBOX_DEMO_AUDIENCE]) {
    const token = await signCustomerToken(CUSTOMER_ID, { secret: TOKEN_SECRET, audience: other });
    assert.equal((await post(token)).code, 'invalid_customer_token', String(other));
  }
  assert.equal(lago.requests.length, 0);
  const bound = await post(await signCustomerToken(CUSTOMER_ID, { secret: TOKEN_SECRET, audience }));
  assert.equal(bound.provider, 'lago', JSON.stringify(bound));
  assert.equal(lago.requests.length, 1);
});

test("when the proxy runs the sandbox, the demo route's token is taken, with or without CUSTOMER_TOKEN_AUDIENCE", async () => {
  for (const env of [{}, { CUSTOMER_TOKEN_AUDIENCE: 'https://pay.shop.example' }]) {
    const { app } = testApp(env);
    const session = await request(app).get('/demo/session.json');
    assert.equal(decodeJwt(session.body.customerToken).aud, SANDBOX_DEMO_AUDIENCE);
    const res = await request(app)
      .post('/api/checkout')
      .send({ provider: 'lago', customer_token: session.body.customerToken });
    assert.equal(res.status, 201, res.text);
  }
});

test('when the token lives exactly 24 h, Lago is called', async (t) => {
  const { app, lago } = await proxyToLago(t, lagoReplies.checkoutUrl);
  const token = await signCustomerToken(CUSTOMER_ID, { secret: TOKEN_SECRET, ttl: '24h' });
  const res = await request(app).post('/api/checkout').send({ provider: 'lago', customer_token: token });
  assert.equal(res.status, 201, res.text);
  assert.equal(lago.requests.length, 1);
});

const plainTextIds: Array<[string, string, () => Promise<Record<string, unknown>>]> = [
  ['customer_id instead of a token', 'customer_id', async () => ({ provider: 'lago', customer_id: 'cust_victim' })],
  [
    'external_customer_id instead of a token',
    'external_customer_id',
    async () => ({ provider: 'lago', external_customer_id: 'cust_victim' }),
  ],
  [
    'external_customer_id beside a valid token',
    'external_customer_id',
    async () => ({
      provider: 'lago',
      customer_token: await signCustomerToken(CUSTOMER_ID, { secret: TOKEN_SECRET }),
      external_customer_id: 'cust_victim',
    }),
  ],
];

for (const [what, field, makeBody] of plainTextIds) {
  test(`when the request names a customer in plain text (${what}), answers 422 validation_error and Lago receives nothing`, async (t) => {
    const { app, lago } = await proxyToLago(t, lagoReplies.checkoutUrl);
    const res = await request(app)
      .post('/api/checkout')
      .send(await makeBody());
    assert.equal(res.status, 422, res.text);
    assert.equal(res.body.code, 'validation_error');
    assert.ok(
      res.body.errors.some((error: { field: string }) => error.field === field),
      res.text,
    );
    assert.equal(lago.requests.length, 0);
  });
}

test('when the request names the provider but carries no customer_token field, answers 422 naming customer_token', async (t) => {
  const { app, lago } = await proxyToLago(t, lagoReplies.checkoutUrl);
  const res = await request(app).post('/api/checkout').send({ provider: 'lago' });
  assert.equal(res.status, 422, res.text);
  assert.equal(res.body.code, 'validation_error');
  assert.match(res.body.detail, /customer_token/);
  assert.equal(lago.requests.length, 0);
});

test('when no provider key is set, a lago request with a valid token gets a sandbox set-up page that saves a payment method', async () => {
  const { app, logs } = testApp({ CUSTOMER_TOKEN_SECRET: TOKEN_SECRET });
  const token = await signCustomerToken(CUSTOMER_ID, { secret: TOKEN_SECRET });
  const created = await request(app).post('/api/checkout').send({ provider: 'lago', customer_token: token });
  assert.equal(created.status, 201, created.text);
  assert.equal(created.body.provider, 'sandbox');
  assert.match(created.body.url, /^http:\/\/127\.0\.0\.1:\d+\/sandbox\/setup\/[\w-]+$/);

  const page = new URL(created.body.url).pathname;
  const setup = await request(app).get(page);
  assert.equal(setup.status, 200);
  assert.match(setup.text, /cust_42/);
  assert.match(setup.text, /Save payment method/);

  const saved = await request(app).post(`${page}/save`);
  assert.equal(saved.status, 303);
  assert.equal(saved.headers.location, `${page}/saved`);
  const confirmation = await request(app).get(`${page}/saved`);
  assert.equal(confirmation.status, 200);
  assert.match(confirmation.text, /Payment method saved/);
  assertNoSecrets(created.text, setup.text, confirmation.text, logs.text);
});

test('when no provider key is set, a token signed with another secret answers 401 invalid_customer_token', async () => {
  const { app } = testApp({ CUSTOMER_TOKEN_SECRET: TOKEN_SECRET });
  const token = await signCustomerToken(CUSTOMER_ID, { secret: 'another-secret-of-at-least-32-bytes!!' });
  const res = await request(app).post('/api/checkout').send({ provider: 'lago', customer_token: token });
  assert.equal(res.status, 401);
  assert.equal(res.body.code, 'invalid_customer_token');
});

test('when no provider key and no secret are set, the per-start random secret refuses every token', async () => {
  const { app } = testApp({});
  const token = await signCustomerToken(CUSTOMER_ID, { secret: TOKEN_SECRET });
  const res = await request(app).post('/api/checkout').send({ provider: 'lago', customer_token: token });
  assert.equal(res.status, 401);
  assert.equal(res.body.code, 'invalid_customer_token');
});

for (const [ttl, seconds] of [
  [900, 900],
  ['15m', 900],
  [undefined, 900],
  ['90s', 90],
  ['2h', 7200],
  ['1d', 86400],
  ['3600', 3600],
] as const) {
  test(`when signCustomerToken gets ttl ${JSON.stringify(ttl)}, verifyCustomerToken returns the id and the token lives ${seconds} s`, async () => {
    const token = await signCustomerToken(CUSTOMER_ID, { secret: TOKEN_SECRET, ...(ttl !== undefined && { ttl }) });
    assert.equal(await verifyCustomerToken(token, secretKey), CUSTOMER_ID);
    const claims = decodeJwt(token);
    assert.equal(claims.sub, CUSTOMER_ID);
    assert.equal(claims.exp! - claims.iat!, seconds);
    assert.deepEqual(decodeProtectedHeader(token), { alg: 'HS256', typ: 'JWT' });
  });
}

test('when signCustomerToken gets the secret as bytes, the token verifies', async () => {
  const token = await signCustomerToken(CUSTOMER_ID, { secret: secretKey });
  assert.equal(await verifyCustomerToken(token, secretKey), CUSTOMER_ID);
});

for (const ttl of ['25h', 86_401, 0, -60, 1.5, 'soon', '15 minutes', '-5m', '']) {
  test(`when signCustomerToken gets ttl ${JSON.stringify(ttl)}, it throws a TypeError naming ttl`, async () => {
    await assert.rejects(signCustomerToken(CUSTOMER_ID, { secret: TOKEN_SECRET, ttl }), {
      name: 'TypeError',
      message: /ttl/,
    });
  });
}

test('when signCustomerToken gets a secret shorter than 32 bytes or an empty id, it throws a TypeError', async () => {
  await assert.rejects(signCustomerToken(CUSTOMER_ID, { secret: 'short' }), { name: 'TypeError', message: /32 bytes/ });
  await assert.rejects(signCustomerToken('', { secret: TOKEN_SECRET }), {
    name: 'TypeError',
    message: /externalCustomerId/,
  });
});
