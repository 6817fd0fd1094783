/** `/readyz` and `/metrics` on one instance (with Redis, see redis.test.ts). */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import request from 'supertest';
import { assertProblem } from '../support/problems.js';
import { postCheckout, testApp } from './support.js';

const METRICS_TOKEN = 'metrics-token-0123456789';
const scrape = (app: Parameters<typeof request>[0]) =>
  request(app).get('/metrics').set('authorization', `Bearer ${METRICS_TOKEN}`);

describe('GET /healthz and GET /readyz', () => {
  it('when the state is in memory, both answer 200, uncached: nothing shared can be unreachable', async () => {
    const { app } = testApp();
    for (const [path, body] of [
      ['/healthz', { status: 'ok' }],
      ['/readyz', { status: 'ready' }],
    ] as const) {
      const response = await request(app).get(path);
      assert.equal(response.status, 200);
      assert.deepEqual(response.body, body);
      assert.equal(response.headers['cache-control'], 'no-store');
    }
  });
});

describe('GET /metrics', () => {
  it('when METRICS_TOKEN is unset, answers 404 not_found, token or not', async () => {
    const { app } = testApp();
    assertProblem(await scrape(app), 404, 'not_found');
  });

  const refused: Array<[string, string | undefined]> = [
    ['no Authorization', undefined],
    ['a wrong token', 'Bearer metrics-token-0123456788'],
    ['the token without Bearer', METRICS_TOKEN],
    ['a prefix of the token', 'Bearer metrics-token'],
  ];
  for (const [when, authorization] of refused) {
    it(`when METRICS_TOKEN is set and the scrape sends ${when}, answers 401 metrics_unauthorized`, async () => {
      const { app } = testApp({ METRICS_TOKEN });
      const scrapeWith = request(app).get('/metrics');
      const response = await (authorization === undefined
        ? scrapeWith
        : scrapeWith.set('authorization', authorization));
      assertProblem(response, 401, 'metrics_unauthorized');
      assert.equal(response.headers['www-authenticate'], 'Bearer realm="metrics"');
      assert.ok(!response.text.includes('checkout_button_'));
    });
  }

  it('when scraped with the token, counts checkouts by provider and outcome, replays, limits and provider latency', async () => {
    const { app } = testApp({ METRICS_TOKEN, RATE_LIMIT_PER_MINUTE: '4' });
    const cart = { items: [{ product: 'SKU-A' }] };
    await postCheckout(app, cart).set('idempotency-key', 'k');
    await postCheckout(app, cart).set('idempotency-key', 'k');
    await postCheckout(app, { items: [{ product: 'SKU-NOPE' }] });
    await postCheckout(app, cart);
    await postCheckout(app, cart);

    const response = await scrape(app);
    assert.equal(response.status, 200);
    assert.match(response.headers['content-type']!, /^text\/plain; version=0\.0\.4/);
    const value = (series: string) =>
      Number(
        response.text
          .split('\n')
          .find((line) => line.startsWith(`${series} `))
          ?.split(' ')[1],
      );
    assert.equal(value('checkout_button_checkouts_total{provider="sandbox",outcome="created"}'), 2);
    assert.equal(value('checkout_button_checkouts_total{provider="sandbox",outcome="replayed"}'), 1);
    assert.equal(value('checkout_button_checkouts_total{provider="none",outcome="unknown_product"}'), 1);
    assert.equal(value('checkout_button_checkouts_total{provider="none",outcome="rate_limited"}'), 1);
    assert.equal(value('checkout_button_idempotent_replays_total'), 1);
    assert.equal(value('checkout_button_rate_limited_total'), 1);
    assert.equal(value('checkout_button_provider_duration_seconds_count{provider="sandbox",outcome="created"}'), 2);
    assert.match(response.text, /^# TYPE checkout_button_redis_fallbacks_total counter$/m);
  });

  it('when two apps run in one process, keeps their counts apart', async () => {
    const one = testApp({ METRICS_TOKEN });
    const two = testApp({ METRICS_TOKEN });
    await postCheckout(one.app, { items: [{ product: 'SKU-A' }] });
    assert.match(
      (await scrape(one.app)).text,
      /checkout_button_checkouts_total\{provider="sandbox",outcome="created"\} 1/,
    );
    assert.doesNotMatch((await scrape(two.app)).text, /outcome="created"/);
  });
});
