/**
 * Several instances sharing a real `redis-server` (started per test on a free port): idempotency
 * records and rate limits hold across instances, and a Redis outage costs sharing, not checkouts.
 */
import assert from 'node:assert/strict';
import { describe, it, type TestContext } from 'node:test';
import { createClient } from 'redis';
import request from 'supertest';
import type { IdempotencyRecord } from '../../server/stores/idempotency-store.js';
import { assertProblem } from '../support/problems.js';
import { type RedisServer, startRedis } from '../support/redis.js';
import { created, PAGOU_TEST_KEY, startFakePagou } from './fake-pagou.js';
import { eventually, postCheckout, sharedApp } from './support.js';

const cart = { items: [{ product: 'SKU-A', quantity: 2 }] };
const METRICS_TOKEN = 'metrics-token-0123456789';

/** Two instances in front of one fake Pagou, sharing `redis`; resolves once both are connected. */
async function twoInstances(t: TestContext, redis: RedisServer, env: Record<string, string> = {}) {
  const pagou = await startFakePagou(created());
  t.after(() => pagou.close());
  const pagouEnv = { PAGOU_API_KEY: PAGOU_TEST_KEY, PAGOU_API_URL: pagou.url, METRICS_TOKEN, ...env };
  const [a, b] = [sharedApp(t, redis.url, pagouEnv), sharedApp(t, redis.url, pagouEnv)];
  await eventually(async () => (await a.stores.ready()) && (await b.stores.ready()), 'both instances reach Redis');
  return { pagou, a, b };
}

const readiness = async (app: Parameters<typeof request>[0]) => (await request(app).get('/readyz')).status;

describe('several instances sharing Redis', () => {
  it('when a key was used on one instance, the other replays its answer without calling Pagou', async (t) => {
    const redis = await startRedis(t);
    const { pagou, a, b } = await twoInstances(t, redis);
    const first = await postCheckout(a.app, cart).set('idempotency-key', 'k');
    const again = await postCheckout(b.app, cart).set('idempotency-key', 'k');
    assert.equal(first.status, 201);
    assert.equal(again.status, 201);
    assert.deepEqual(again.body, first.body);
    assert.equal(again.headers['idempotent-replayed'], 'true');
    assertProblem(
      await postCheckout(b.app, { items: [{ product: 'SKU-B' }] }).set('idempotency-key', 'k'),
      422,
      'idempotency_key_reused',
    );
    assert.equal(pagou.requests.length, 1);
    assert.deepEqual(pagou.schemaFailures, []);
  });

  it('when two instances get one key at once, make one link and both answer it', async (t) => {
    const redis = await startRedis(t);
    let answer!: () => void;
    const held = new Promise<void>((resolve) => (answer = resolve));
    const pagou = await startFakePagou(async (request, res) => {
      await held;
      created('https://pay.example/c/one')(request, res);
    });
    t.after(() => pagou.close());
    const env = { PAGOU_API_KEY: PAGOU_TEST_KEY, PAGOU_API_URL: pagou.url };
    const a = sharedApp(t, redis.url, env);
    const b = sharedApp(t, redis.url, env);
    await eventually(async () => (await a.stores.ready()) && (await b.stores.ready()), 'both instances reach Redis');
    // Watch b's store, to let Pagou answer only once b has found a's claim and is waiting on it.
    const seen: IdempotencyRecord[] = [];
    const claim = b.stores.idempotency.claim.bind(b.stores.idempotency);
    b.stores.idempotency.claim = async (...args) => {
      const record = await claim(...args);
      if (record) seen.push(record);
      return record;
    };

    const first = postCheckout(a.app, cart)
      .set('idempotency-key', 'k')
      .then((response) => response);
    await eventually(() => pagou.requests.length === 1, 'the first instance calls Pagou');
    const second = postCheckout(b.app, cart)
      .set('idempotency-key', 'k')
      .then((response) => response);
    await eventually(() => seen.some((record) => record.state === 'pending'), 'the second instance waits');
    answer();

    const [one, two] = await Promise.all([first, second]);
    assert.equal(one.status, 201);
    assert.equal(two.status, 201);
    assert.deepEqual(two.body, { url: 'https://pay.example/c/one', provider: 'pagou' });
    assert.equal(two.headers['idempotent-replayed'], 'true');
    assert.equal(pagou.requests.length, 1);
  });

  it('when a client spreads its checkouts over two instances, the rate limit counts them together', async (t) => {
    const redis = await startRedis(t);
    const { a, b } = await twoInstances(t, redis, { RATE_LIMIT_PER_MINUTE: '3' });
    assert.equal((await postCheckout(a.app, cart)).status, 201);
    assert.equal((await postCheckout(b.app, cart)).status, 201);
    assert.equal((await postCheckout(a.app, cart)).status, 201);
    assertProblem(await postCheckout(b.app, cart), 429, 'rate_limited');
    assertProblem(await postCheckout(a.app, cart), 429, 'rate_limited');
  });

  it('when a checkout carries a key, sends its rate-limit count and its claim to Redis in one round trip', async (t) => {
    const redis = await startRedis(t);
    const { a } = await twoInstances(t, redis);
    // Redis counts every batch it reads from a socket; each of the observer's commands is one more.
    const observer = createClient({ url: redis.url });
    await observer.connect();
    let ownReads = 0;
    const readsProcessed = async () => {
      ownReads += 1;
      return Number(/total_reads_processed:(\d+)/.exec(await observer.info('stats'))![1]);
    };
    const recordWritten = async (key: string) => {
      ownReads += 1;
      return (await observer.get(`checkout-button:idempotency:${key}`))?.includes('"done"') === true;
    };
    try {
      assert.equal((await postCheckout(a.app, cart).set('idempotency-key', 'warm-up')).status, 201);
      await eventually(() => recordWritten('warm-up'), 'the first record is written');

      const before = await readsProcessed();
      ownReads = 0;
      assert.equal((await postCheckout(a.app, cart).set('idempotency-key', 'k')).status, 201);
      await eventually(() => recordWritten('k'), 'the record is written');
      const after = await readsProcessed();
      assert.equal(after - before - ownReads, 2, 'the count and the claim together, then the record');
    } finally {
      observer.destroy();
    }
  });

  it('when Redis stops, keeps taking checkouts from memory, answers /readyz 503, and logs and counts each fallback', async (t) => {
    const redis = await startRedis(t);
    const { pagou, a } = await twoInstances(t, redis);
    assert.equal(await readiness(a.app), 200);

    await redis.stop();
    await eventually(async () => (await readiness(a.app)) === 503, 'the instance sees Redis gone');
    assertProblem(await request(a.app).get('/readyz'), 503, 'not_ready');
    assert.equal((await request(a.app).get('/healthz')).status, 200, 'liveness does not depend on Redis');

    const first = await postCheckout(a.app, cart).set('idempotency-key', 'during-outage');
    const again = await postCheckout(a.app, cart).set('idempotency-key', 'during-outage');
    assert.equal(first.status, 201);
    assert.equal(again.headers['idempotent-replayed'], 'true', "the instance's own memory keeps the record");
    assert.equal(pagou.requests.length, 1);

    const fallbacks = a.logs.entries.filter((entry) => entry.msg === "Redis unreachable: using this instance's memory");
    assert.deepEqual(new Set(fallbacks.map((entry) => entry.store)), new Set(['idempotency', 'rate_limit']));
    const scraped = (await request(a.app).get('/metrics').set('authorization', `Bearer ${METRICS_TOKEN}`)).text;
    assert.match(scraped, /checkout_button_redis_fallbacks_total\{store="idempotency"\} [1-9]/);
    assert.match(scraped, /checkout_button_redis_fallbacks_total\{store="rate_limit"\} [1-9]/);
  });

  it('when Redis comes back, the instance is ready again and shares its state, with no restart', async (t) => {
    const redis = await startRedis(t);
    const { pagou, a, b } = await twoInstances(t, redis);
    await redis.stop();
    await eventually(async () => (await readiness(a.app)) === 503, 'the instance sees Redis gone');
    assert.equal((await postCheckout(a.app, cart)).status, 201);

    await redis.start();
    await eventually(async () => (await readiness(a.app)) === 200, 'the instance reaches Redis again');
    await eventually(() => b.stores.ready(), 'the other instance reaches Redis again');
    const first = await postCheckout(a.app, cart).set('idempotency-key', 'after-outage');
    const again = await postCheckout(b.app, cart).set('idempotency-key', 'after-outage');
    assert.equal(again.headers['idempotent-replayed'], 'true');
    assert.deepEqual(again.body, first.body);
    assert.equal(pagou.requests.length, 2);
    assert.ok(a.logs.entries.some((entry) => entry.msg === 'Redis is reachable again; shared state is back'));
  });

  it('when Redis hangs without an error, checkouts fall back instead of hanging, and /readyz says so until it answers', async (t) => {
    const redis = await startRedis(t);
    const { pagou, a } = await twoInstances(t, redis);
    redis.freeze();
    t.after(() => redis.thaw());
    const first = await postCheckout(a.app, cart).set('idempotency-key', 'frozen');
    const again = await postCheckout(a.app, cart).set('idempotency-key', 'frozen');
    assert.equal(first.status, 201);
    assert.equal(again.headers['idempotent-replayed'], 'true');
    assert.equal(pagou.requests.length, 1);
    assertProblem(await request(a.app).get('/readyz'), 503, 'not_ready');
    assert.ok(a.logs.entries.some((entry) => String(entry.reason).startsWith('Redis did not answer within')));

    redis.thaw();
    await eventually(async () => (await readiness(a.app)) === 200, 'the instance finds Redis answering again');
  });

  it('when REDIS_URL carries a password, uses it, and no log line or answer ever shows it', async (t) => {
    const password = 'redis-SECRET-recognizable-42';
    const redis = await startRedis(t, { password });
    const { a } = await twoInstances(t, redis);
    const answers = [await postCheckout(a.app, cart).set('idempotency-key', 'k')];
    const wrong = sharedApp(t, redis.url.replace(password, 'not-the-password'));
    answers.push(await request(wrong.app).get('/readyz'));
    await redis.stop();
    await eventually(async () => (await readiness(a.app)) === 503, 'the instance sees Redis gone');
    answers.push(await postCheckout(a.app, cart), await request(a.app).get('/readyz'));
    assert.ok(
      a.logs.entries.some((entry) => entry.store === 'rate_limit'),
      'the outage was logged',
    );
    for (const text of [a.logs.text, wrong.logs.text, ...answers.map((answer) => answer.text)]) {
      assert.ok(!text.includes(password) && !text.includes('not-the-password'));
    }
  });

  it('when Redis is down as an instance starts, it serves from memory and joins Redis once it is up', async (t) => {
    const redis = await startRedis(t);
    await redis.stop();
    const pagou = await startFakePagou(created());
    t.after(() => pagou.close());
    const a = sharedApp(t, redis.url, { PAGOU_API_KEY: PAGOU_TEST_KEY, PAGOU_API_URL: pagou.url });
    assert.equal(await readiness(a.app), 503);
    assert.equal((await postCheckout(a.app, cart)).status, 201);
    await redis.start();
    await eventually(async () => (await readiness(a.app)) === 200, 'the instance reaches Redis');
    assert.equal((await postCheckout(a.app, cart)).status, 201);
  });
});
