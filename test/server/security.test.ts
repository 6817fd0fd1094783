import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import request from 'supertest';
import { selectingFrom } from '../../server/providers/registry.js';
import { assertProblem } from '../support/problems.js';
import { postCheckout, testApp } from './support.js';

const cart = JSON.stringify({ items: [{ product: 'SKU-A' }] });
const checkout = (app: Parameters<typeof request>[0]) =>
  request(app).post('/api/checkout').set('content-type', 'application/json');

describe('origins', () => {
  it('when an allowed origin posts, answers 201 with CORS headers for that origin', async () => {
    const { app } = testApp({ ALLOWED_ORIGINS: 'https://shop.example' });
    const response = await checkout(app).set('origin', 'https://shop.example').send(cart);
    assert.equal(response.status, 201);
    assert.equal(response.headers['access-control-allow-origin'], 'https://shop.example');
    assert.match(response.headers.vary!, /Origin/);
    assert.equal(response.headers['access-control-allow-credentials'], undefined);
  });

  it('when the page is served by the proxy itself, its own origin may post', async () => {
    const { app } = testApp({ TRUST_PROXY: '1' });
    const response = await checkout(app)
      .set('host', 'pay.example:8443')
      .set('x-forwarded-proto', 'https')
      .set('origin', 'https://pay.example:8443')
      .send(cart);
    assert.equal(response.status, 201);
  });

  it('when another origin posts, answers 403 origin_not_allowed that its page can read, and calls no provider', async () => {
    const calls: string[] = [];
    const provider = {
      name: 'sandbox',
      createCheckoutLink: async () => {
        calls.push('createCheckoutLink');
        return 'https://pay.example/x';
      },
    };
    const { app } = testApp({ ALLOWED_ORIGINS: 'https://shop.example' }, { providers: selectingFrom([provider]) });
    const response = await checkout(app).set('origin', 'https://evil.example').send(cart);
    assertProblem(response, 403, 'origin_not_allowed');
    assert.match(JSON.parse(response.text).detail, /https:\/\/evil\.example .*ALLOWED_ORIGINS/);
    assert.equal(
      response.headers['access-control-allow-origin'],
      'https://evil.example',
      'without it the browser hides the 403 and the page sees a network error',
    );
    assert.equal(response.headers.ratelimit, undefined, 'refused before the rate limiter counts it');
    assert.deepEqual(calls, []);
  });

  it("when an allowed origin sends a preflight, answers 204 allowing POST with the widget's two headers", async () => {
    const { app } = testApp({ ALLOWED_ORIGINS: 'https://shop.example' });
    const response = await request(app)
      .options('/api/checkout')
      .set('origin', 'https://shop.example')
      .set('access-control-request-method', 'POST')
      .set('access-control-request-headers', 'content-type, idempotency-key');
    assert.equal(response.status, 204);
    assert.equal(response.headers['access-control-allow-origin'], 'https://shop.example');
    assert.match(response.headers['access-control-allow-methods']!, /POST/);
    assert.equal(response.headers['access-control-allow-headers'], 'content-type,idempotency-key');
  });

  it('when an allowed origin posts, lets its page read Idempotent-Replayed', async () => {
    const { app } = testApp({ ALLOWED_ORIGINS: 'https://shop.example' });
    const response = await postCheckout(app, { items: [{ product: 'SKU-A' }] }).set('origin', 'https://shop.example');
    assert.equal(response.status, 201);
    assert.equal(response.headers['access-control-expose-headers'], 'idempotent-replayed');
  });

  it('when another origin sends a preflight, lets it through so the POST can read its 403', async () => {
    const { app } = testApp({ ALLOWED_ORIGINS: 'https://shop.example' });
    const response = await request(app)
      .options('/api/checkout')
      .set('origin', 'https://evil.example')
      .set('access-control-request-method', 'POST')
      .set('access-control-request-headers', 'content-type');
    assert.equal(response.status, 204);
    assert.equal(response.headers['access-control-allow-origin'], 'https://evil.example');
    assert.equal(response.headers['access-control-allow-credentials'], undefined, 'never with cookies');
  });

  it('when PUBLIC_URL is set, a page on whatever origin the Host header names (DNS rebinding) is refused, and the public one may post', async () => {
    const { app } = testApp({ PUBLIC_URL: 'https://pay.shop.example' });
    const rebound = await checkout(app)
      .set('host', 'rebind.evil.example:3000')
      .set('origin', 'http://rebind.evil.example:3000')
      .send(cart);
    assert.equal(rebound.status, 403);
    assert.equal(JSON.parse(rebound.text).code, 'origin_not_allowed');
    const own = await checkout(app)
      .set('host', 'rebind.evil.example')
      .set('origin', 'https://pay.shop.example')
      .send(cart);
    assert.equal(own.status, 201);
  });

  it('when a page hides its origin (Origin: null), answers 403 with the cause, not "add null to ALLOWED_ORIGINS"', async () => {
    const { app } = testApp({ ALLOWED_ORIGINS: 'https://shop.example' });
    const response = await checkout(app).set('origin', 'null').send(cart);
    assertProblem(response, 403, 'origin_not_allowed');
    const { detail } = JSON.parse(response.text) as { detail: string };
    assert.match(detail, /referrer policy is no-referrer.*strict-origin-when-cross-origin/);
    assert.doesNotMatch(detail, /ALLOWED_ORIGINS/);
  });

  it("when Origin is null but the browser says the request is same-origin, accepts it as the proxy's own page", async () => {
    const { app } = testApp();
    const response = await checkout(app).set('origin', 'null').set('sec-fetch-site', 'same-origin').send(cart);
    assert.equal(response.status, 201);
  });

  it('when Origin is null from another site (a sandboxed frame), answers 403 whatever else it claims', async () => {
    const { app } = testApp();
    for (const site of ['cross-site', 'same-site', 'none']) {
      const response = await checkout(app).set('origin', 'null').set('sec-fetch-site', site).send(cart);
      assert.equal(response.status, 403, site);
    }
  });
});

describe('security headers', () => {
  it("send Referrer-Policy: same-origin, so the proxy's own forms carry their origin", async () => {
    const { app } = testApp();
    assert.equal((await request(app).get('/')).headers['referrer-policy'], 'same-origin');
  });

  it('over plain http, the CSP does not upgrade subresources to https (a LAN address has no https)', async () => {
    const { app } = testApp();
    const csp = (await request(app).get('/').set('host', '192.168.1.20:3000')).headers['content-security-policy']!;
    assert.match(csp, /default-src 'self'/);
    assert.doesNotMatch(csp, /upgrade-insecure-requests/);
  });

  it('over https (behind a trusted proxy), the CSP upgrades subresources to https', async () => {
    const { app } = testApp({ TRUST_PROXY: '1' });
    const response = await request(app).get('/').set('x-forwarded-proto', 'https');
    assert.match(response.headers['content-security-policy']!, /upgrade-insecure-requests/);
  });
});

describe('behind a trusted proxy', () => {
  it('when PUBLIC_URL is set, sandbox links use it, not the Host or forwarded headers', async () => {
    const { app } = testApp({ PUBLIC_URL: 'https://pay.shop.example', TRUST_PROXY: '1' });
    const response = await checkout(app)
      .set('host', 'rebind.evil.example')
      .set('x-forwarded-host', 'forged.evil.example')
      .send(cart);
    assert.match(response.body.url, /^https:\/\/pay\.shop\.example\/sandbox\/checkout\/[\w-]{36}$/);
  });

  it('when behind one trusted proxy, sandbox links use the forwarded scheme and host', async () => {
    const { app } = testApp({ TRUST_PROXY: '1' });
    const response = await checkout(app)
      .set('x-forwarded-proto', 'https')
      .set('x-forwarded-host', 'pay.shop.example')
      .send(cart);
    assert.match(response.body.url, /^https:\/\/pay\.shop\.example\/sandbox\/checkout\//);
  });
});

describe('headers and logs', () => {
  it('sets helmet headers on every response, errors included', async () => {
    const { app } = testApp();
    for (const response of [
      await request(app).get('/healthz'),
      await request(app).get('/missing'),
      await checkout(app).send('{'),
    ]) {
      assert.equal(response.headers['x-content-type-options'], 'nosniff');
      assert.match(response.headers['content-security-policy']!, /default-src 'self'/);
      assert.equal(response.headers['x-powered-by'], undefined);
    }
  });

  it('when a page is served over plain http, its policy does not send the browser to https', async () => {
    const { app } = testApp();
    const policy = (await request(app).get('/healthz')).headers['content-security-policy']!;
    assert.match(policy, /default-src 'self'/);
    assert.doesNotMatch(policy, /upgrade-insecure-requests/);
  });

  it('echoes a sane X-Request-Id and makes one up otherwise', async () => {
    const { app } = testApp();
    assert.equal(
      (await request(app).get('/healthz').set('x-request-id', 'abc-123')).headers['x-request-id'],
      'abc-123',
    );
    assert.match(
      (await request(app).get('/healthz').set('x-request-id', 'not a safe id; <script>')).headers['x-request-id']!,
      /^[\da-f-]{36}$/,
    );
  });

  it('writes one line per request with its id, status and provider, and no headers', async () => {
    const { app, logs } = testApp();
    const response = await checkout(app)
      .set('authorization', 'Bearer shopper-secret')
      .set('cookie', 'session=s3cr3t')
      .send(cart);
    const lines = logs.entries.filter(
      (entry) => (entry.req as { id?: string } | undefined)?.id === response.headers['x-request-id'],
    );
    assert.equal(lines.length, 1);
    assert.deepEqual(lines[0]!.res, { status: 201 });
    assert.equal(lines[0]!.provider, 'sandbox');
    assert.ok(!logs.text.includes('shopper-secret') && !logs.text.includes('s3cr3t'));
  });

  it('when a preflight is answered inside the /api router, logs the path the client asked for', async () => {
    const { app, logs } = testApp({ ALLOWED_ORIGINS: 'https://shop.example' });
    const response = await request(app)
      .options('/api/checkout')
      .set('origin', 'https://shop.example')
      .set('access-control-request-method', 'POST');
    assert.equal(response.status, 204);
    const line = logs.entries.find(
      (entry) => (entry.req as { id?: string } | undefined)?.id === response.headers['x-request-id'],
    );
    assert.equal((line?.req as { url?: string } | undefined)?.url, '/api/checkout');
  });

  it('when behind one trusted proxy, logs the forwarded client address, not the reverse proxy', async () => {
    const { app, logs } = testApp({ TRUST_PROXY: '1' });
    const response = await checkout(app).set('x-forwarded-for', '198.51.100.7, 203.0.113.9').send(cart);
    const line = logs.entries.find(
      (entry) => (entry.req as { id?: string } | undefined)?.id === response.headers['x-request-id'],
    );
    assert.equal((line?.req as { ip?: string } | undefined)?.ip, '203.0.113.9');
  });

  it('when the proxy fails unexpectedly, answers 500 internal_error without a stack trace', async () => {
    const exploding = {
      name: 'sandbox',
      createCheckoutLink: async () => {
        throw new Error('database exploded at /srv/secret/path.ts:12');
      },
    };
    const { app, logs } = testApp({}, { providers: selectingFrom([exploding]) });
    const response = await checkout(app).send(cart);
    assert.equal(response.status, 500);
    assert.equal(JSON.parse(response.text).code, 'internal_error');
    assert.ok(!response.text.includes('exploded') && !response.text.includes('/srv/'));
    assert.ok(logs.text.includes('database exploded'), 'the cause is logged for the operator');
  });
});

describe('provider calls in flight', () => {
  it('when UPSTREAM_CONCURRENCY calls are in flight, answers the next checkout 503 proxy_busy with Retry-After, then serves again', async () => {
    let release = () => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    const calls: string[] = [];
    const slow = {
      name: 'sandbox',
      createCheckoutLink: async () => {
        calls.push('called');
        await held;
        return 'https://pay.example/c/slow';
      },
    };
    const { app } = testApp({ UPSTREAM_CONCURRENCY: '2' }, { providers: selectingFrom([slow]) });
    const inFlight = [checkout(app).send(cart), checkout(app).send(cart)].map((pending) => pending.then((r) => r));
    while (calls.length < 2) await new Promise((resolve) => setImmediate(resolve));
    const refused = await checkout(app).send(cart);
    assert.equal(refused.status, 503);
    assert.equal(JSON.parse(refused.text).code, 'proxy_busy');
    assert.equal(refused.headers['retry-after'], '1');
    assert.equal(calls.length, 2, 'the refused checkout called no provider');
    release();
    assert.deepEqual(
      (await Promise.all(inFlight)).map((response) => response.status),
      [201, 201],
    );
    assert.equal((await checkout(app).send(cart)).status, 201, 'a finished call frees its place');
  });
});
