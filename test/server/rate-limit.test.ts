import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ipKeyGenerator } from 'express-rate-limit';
import fc from 'fast-check';
import request from 'supertest';
import { clientKey } from '../../server/http/middleware/rate-limit.js';
import { selectingFrom } from '../../server/providers/registry.js';
import { memoryStores } from '../../server/stores/index.js';
import { MemoryIdempotencyStore } from '../../server/stores/memory-idempotency.js';
import { assertProblem } from '../support/problems.js';
import { eventually, postCheckout, testApp } from './support.js';

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

  // The limit is counted alongside the idempotency claim (one round trip to Redis), yet answers as if it ran first.
  it('when a client past its limit sends a checkout that fails validation, answers 429, not 400', async () => {
    const { app } = testApp({ RATE_LIMIT_PER_MINUTE: '1' });
    assert.equal((await postCheckout(app, cart)).status, 201);
    assertProblem(await postCheckout(app, { items: [] }), 429, 'rate_limited');
  });

  it('when a client past its limit sends an Idempotency-Key, gives the key back for another request to use', async () => {
    const { app } = testApp({ RATE_LIMIT_PER_MINUTE: '1', TRUST_PROXY: '1', UPSTREAM_TIMEOUT_MS: '1000' });
    const from = (ip: string, key: string) =>
      postCheckout(app, cart).set('x-forwarded-for', ip).set('idempotency-key', key);
    assert.equal((await from('203.0.113.1', 'first')).status, 201);
    assertProblem(await from('203.0.113.1', 'order-7'), 429, 'rate_limited');
    const other = await from('203.0.113.2', 'order-7');
    assert.equal(other.status, 201, 'not 409 idempotency_key_in_use: the refused request left no claim');
    assert.equal(other.headers['idempotent-replayed'], undefined);
  });

  it('when a client past its limit sends keys, pushes no saved answer out of a full memory store', async () => {
    const stores = { ...memoryStores(), idempotency: new MemoryIdempotencyStore(2) };
    const { app } = testApp({ RATE_LIMIT_PER_MINUTE: '2', TRUST_PROXY: '1' }, { stores });
    const from = (ip: string, key: string) =>
      postCheckout(app, cart).set('x-forwarded-for', ip).set('idempotency-key', key);
    assert.equal((await from('203.0.113.1', 'a')).status, 201);
    assert.equal((await from('203.0.113.1', 'b')).status, 201);
    for (const key of ['c', 'd', 'e']) assertProblem(await from('203.0.113.1', key), 429, 'rate_limited');
    const retry = await from('203.0.113.2', 'a');
    assert.equal(retry.status, 201);
    assert.equal(retry.headers['idempotent-replayed'], 'true', 'the first answer is still there to replay');
  });

  it('when a client past its limit repeats a key still in flight, answers 429 at once rather than wait for it', async () => {
    let answer!: (url: string) => void;
    let calls = 0;
    const provider = {
      name: 'pagou',
      createCheckoutLink: () => {
        calls += 1;
        return new Promise<string>((resolve) => (answer = resolve));
      },
    };
    const { app } = testApp(
      { RATE_LIMIT_PER_MINUTE: '1', UPSTREAM_TIMEOUT_MS: '5000' },
      { providers: selectingFrom([provider]) },
    );
    const first = postCheckout(app, cart)
      .set('idempotency-key', 'k')
      .then((response) => response);
    await eventually(() => calls === 1, 'the first request reaches the provider');
    assertProblem(await postCheckout(app, cart).set('idempotency-key', 'k'), 429, 'rate_limited');
    answer('https://pay.example/c/1');
    assert.equal((await first).status, 201);
    assert.equal(calls, 1);
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
