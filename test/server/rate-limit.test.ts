import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ipKeyGenerator } from 'express-rate-limit';
import fc from 'fast-check';
import request from 'supertest';
import { clientKey } from '../../server/http/middleware/rate-limit.js';
import { postCheckout, testApp } from './support.js';

const cart = { items: [{ product: 'SKU-A' }] };

describe('rate limiting', () => {
  it('when a client passes RATE_LIMIT_PER_MINUTE, answers 429 rate_limited with Retry-After', async () => {
    const { app } = testApp({ RATE_LIMIT_PER_MINUTE: '2' });
    assert.equal((await postCheckout(app, cart)).status, 201);
    assert.equal((await postCheckout(app, cart)).status, 201);
    const limited = await postCheckout(app, cart);
    assert.equal(limited.status, 429);
    assert.equal(JSON.parse(limited.text).code, 'rate_limited');
    assert.match(limited.headers['retry-after']!, /^\d+$/);
    assert.ok(Number(limited.headers['retry-after']) <= 60);
  });

  it('when behind one trusted proxy, limits by the forwarded client address', async () => {
    const { app } = testApp({ RATE_LIMIT_PER_MINUTE: '1', TRUST_PROXY: '1' });
    assert.equal((await postCheckout(app, cart).set('x-forwarded-for', '203.0.113.1')).status, 201);
    assert.equal((await postCheckout(app, cart).set('x-forwarded-for', '203.0.113.2')).status, 201);
    assert.equal((await postCheckout(app, cart).set('x-forwarded-for', '203.0.113.1')).status, 429);
  });

  it('when TRUST_PROXY is 0, a forged X-Forwarded-For does not escape the limit', async () => {
    const { app } = testApp({ RATE_LIMIT_PER_MINUTE: '1' });
    assert.equal((await postCheckout(app, cart).set('x-forwarded-for', '203.0.113.1')).status, 201);
    assert.equal((await postCheckout(app, cart).set('x-forwarded-for', '203.0.113.2')).status, 429);
  });
});

/**
 * The rate limiter's own key generator (a fast path for IPv4 clients) must count every client
 * under exactly the key express-rate-limit's generator would, and keep the library's warning about
 * a missing TRUST_PROXY.
 */
describe('the rate-limit key', () => {
  it('for any IPv4 address, plain or IPv4-mapped, and any IPv6 address, is the key express-rate-limit makes', () => {
    const address = fc.oneof(
      fc.ipV4(),
      fc.ipV4().map((ip) => `::ffff:${ip}`),
      fc.ipV6(),
      fc.constantFrom('::1', '::', '::ffff:7f00:1', '::127.0.0.1', '2001:db8::1', ''),
    );
    fc.assert(
      fc.property(address, (ip) => assert.equal(clientKey(ip), ipKeyGenerator(ip), ip)),
      { numRuns: 5_000 },
    );
  });

  it('when X-Forwarded-For arrives and TRUST_PROXY is 0, warns the operator once', async () => {
    const { app, logs } = testApp();
    for (let sent = 0; sent < 3; sent += 1) {
      await request(app)
        .post('/api/checkout')
        .set('x-forwarded-for', '203.0.113.9')
        .send({ items: [{ product: 'SKU-A' }] });
    }
    assert.equal(logs.entries.filter((entry) => String(entry.msg).includes('set TRUST_PROXY')).length, 1);
  });

  it('when TRUST_PROXY counts the proxy in front, does not warn', async () => {
    const { app, logs } = testApp({ TRUST_PROXY: '1' });
    await request(app)
      .post('/api/checkout')
      .set('x-forwarded-for', '203.0.113.9')
      .send({ items: [{ product: 'SKU-A' }] });
    assert.ok(!logs.text.includes('set TRUST_PROXY'));
  });
});
