/**
 * `Idempotency-Key` on one instance: the draft's contract as Stripe applies it, against a fake
 * provider that counts its calls.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import request from 'supertest';
import { ProblemError } from '../../server/lib/problem-error.js';
import type { LinkContext } from '../../server/providers/provider.js';
import { selectingFrom } from '../../server/providers/registry.js';
import { memoryStores } from '../../server/stores/index.js';
import { MemoryIdempotencyStore } from '../../server/stores/memory-idempotency.js';
import { assertProblem } from '../support/problems.js';
import { eventually, postCheckout, testApp } from './support.js';

const cart = { items: [{ product: 'SKU-A', quantity: 2 }] };

/** A provider that records each call's context and answers with `make`. */
function countingProvider(make: (call: number) => Promise<string> = async (call) => `https://pay.example/c/${call}`) {
  const calls: LinkContext[] = [];
  const provider = {
    name: 'pagou',
    async createCheckoutLink(_checkout: unknown, context: LinkContext) {
      calls.push(context);
      return make(calls.length);
    },
  };
  return { calls, providers: selectingFrom([provider]) };
}

const withKey = (app: Parameters<typeof request>[0], key: string, body: unknown = cart) =>
  postCheckout(app, body).set('idempotency-key', key);

describe('Idempotency-Key on POST /api/checkout', () => {
  it('when a request repeats a key with the same checkout, replays the answer without calling the provider', async () => {
    const { calls, providers } = countingProvider();
    const { app } = testApp({}, { providers });
    const first = await withKey(app, 'order-1042-attempt-1');
    const again = await withKey(app, 'order-1042-attempt-1');
    assert.equal(first.status, 201);
    assert.equal(first.headers['idempotent-replayed'], undefined);
    assert.equal(again.status, 201);
    assert.deepEqual(again.body, first.body);
    assert.equal(again.headers['idempotent-replayed'], 'true');
    assert.equal(again.headers['cache-control'], 'no-store');
    assert.equal(calls.length, 1);
  });

  it('when the repeat differs only in what validation fills in (a default quantity), replays it', async () => {
    const { calls, providers } = countingProvider();
    const { app } = testApp({}, { providers });
    await withKey(app, 'k', { items: [{ product: 'SKU-A' }] });
    const again = await withKey(app, 'k', { items: [{ product: 'SKU-A', quantity: 1 }] });
    assert.equal(again.headers['idempotent-replayed'], 'true');
    assert.equal(calls.length, 1);
  });

  it('when a key comes back with a different checkout, answers 422 idempotency_key_reused and calls nothing', async () => {
    const { calls, providers } = countingProvider();
    const { app } = testApp({}, { providers });
    await withKey(app, 'k');
    for (const other of [
      { items: [{ product: 'SKU-A', quantity: 3 }] },
      { ...cart, title: 'Order #1' },
      { ...cart, provider: 'pagou' },
    ]) {
      assertProblem(await withKey(app, 'k', other), 422, 'idempotency_key_reused');
    }
    assert.equal(calls.length, 1);
  });

  it('when requests carry different keys, or none, calls the provider for each', async () => {
    const { calls, providers } = countingProvider();
    const { app } = testApp({}, { providers });
    await withKey(app, 'a');
    await withKey(app, 'b');
    await postCheckout(app, cart);
    await postCheckout(app, cart);
    assert.equal(calls.length, 4);
  });

  it('when the first attempt fails, keeps nothing: a retry with the key calls the provider again', async () => {
    const { calls, providers } = countingProvider(async (call) => {
      if (call === 1) throw new ProblemError('upstream_unavailable', 'Pagou failed (HTTP 503).');
      return 'https://pay.example/c/2';
    });
    const { app } = testApp({}, { providers });
    assertProblem(await withKey(app, 'k'), 502, 'upstream_unavailable');
    const retry = await withKey(app, 'k');
    assert.equal(retry.status, 201);
    assert.equal(retry.headers['idempotent-replayed'], undefined);
    assert.equal(retry.body.url, 'https://pay.example/c/2');
    assert.equal(calls.length, 2);
  });

  it('when a second request arrives while the first is in flight, waits for it and answers the same', async () => {
    let answer!: (url: string) => void;
    const { calls, providers } = countingProvider(() => new Promise((resolve) => (answer = resolve)));
    const { app } = testApp({}, { providers });
    const first = withKey(app, 'k').then((response) => response);
    await eventually(() => calls.length === 1, 'the first request reaches the provider');
    const second = withKey(app, 'k').then((response) => response);
    answer('https://pay.example/c/only');
    const [one, two] = await Promise.all([first, second]);
    assert.equal(one.status, 201);
    assert.equal(two.status, 201);
    assert.deepEqual(two.body, { url: 'https://pay.example/c/only', provider: 'pagou' });
    assert.equal(two.headers['idempotent-replayed'], 'true');
    assert.equal(calls.length, 1);
  });

  it('when the first request holds the key past the upstream timeout, answers 409 idempotency_key_in_use', async () => {
    const stores = memoryStores();
    const { calls, providers } = countingProvider();
    const { app } = testApp({ UPSTREAM_TIMEOUT_MS: '100' }, { providers, stores });
    const { fingerprint } = await claimedBy(app, stores);
    await stores.idempotency.claim('held', { state: 'pending', fingerprint, owner: 'another instance' }, 60_000);
    const response = await withKey(app, 'held');
    assertProblem(response, 409, 'idempotency_key_in_use');
    assert.equal(response.headers['retry-after'], '1');
    assert.equal(calls.length, 1, 'only the probe reached the provider');
  });

  it('when a provider takes keys, passes one derived from the client key: the same on a retry, never the key itself', async () => {
    const { calls, providers } = countingProvider(async (call) => {
      if (call === 1) throw new ProblemError('upstream_timeout', 'Pagou did not answer.');
      return 'https://pay.example/c/x';
    });
    const { app } = testApp({}, { providers });
    await withKey(app, 'client-key');
    await withKey(app, 'client-key');
    await withKey(app, 'another-key');
    await postCheckout(app, cart);
    const [first, retry, other, none] = calls.map((context) => context.idempotencyKey);
    assert.match(first!, /^checkout-button-[\w-]{43}$/);
    assert.equal(retry, first);
    assert.notEqual(other, first);
    assert.equal(none, undefined);
  });

  const invalidKeys: Array<[string, string]> = [
    ['is empty', ''],
    ['is longer than 255 characters', 'k'.repeat(256)],
    ['has a control character', 'order\t1042'],
    ['has a non-ASCII character', 'pedido-nº-1042'],
  ];
  for (const [when, key] of invalidKeys) {
    it(`when the key ${when}, answers 400 idempotency_key_invalid and calls nothing`, async () => {
      const { calls, providers } = countingProvider();
      const { app } = testApp({}, { providers });
      assertProblem(await withKey(app, key), 400, 'idempotency_key_invalid');
      assert.equal(calls.length, 0);
    });
  }

  it('when the key is 255 printable characters, spaces included, accepts it', async () => {
    const { providers } = countingProvider();
    const { app } = testApp({}, { providers });
    assert.equal((await withKey(app, `a b~${'x'.repeat(251)}`)).status, 201);
  });

  it('when a plain form is posted again with a key, replays the 303 to the same link', async () => {
    const { calls, providers } = countingProvider();
    const { app } = testApp({}, { providers });
    const form = () =>
      request(app).post('/api/checkout').type('form').set('idempotency-key', 'k').send({ product: 'SKU-A' });
    const first = await form();
    const again = await form();
    assert.equal(first.status, 303);
    assert.equal(again.status, 303);
    assert.equal(again.headers.location, first.headers.location);
    assert.equal(again.headers['idempotent-replayed'], 'true');
    assert.equal(calls.length, 1);
  });
});

/**
 * The fingerprint the app gives `cart`, read from the record a probe request leaves: tests that
 * plant a record must match the app's own fingerprint without reimplementing it.
 */
async function claimedBy(app: Parameters<typeof request>[0], stores: ReturnType<typeof memoryStores>) {
  await withKey(app, 'probe');
  const record = await stores.idempotency.claim('probe', { state: 'pending', fingerprint: '', owner: '' }, 1);
  assert.ok(record);
  return record;
}

describe('the in-memory idempotency store', () => {
  const pending = (owner: string) => ({ state: 'pending', fingerprint: 'f', owner }) as const;
  const done = { state: 'done', fingerprint: 'f', answer: { status: 201, provider: 'pagou', body: {} } } as const;

  it('when a record outlives its TTL, lets the key be claimed again', async () => {
    let now = 0;
    const store = new MemoryIdempotencyStore(10, () => now);
    await store.put('k', done, 1_000);
    now = 999;
    assert.deepEqual(await store.claim('k', pending('a'), 1_000), done);
    now = 1_000;
    assert.equal(await store.claim('k', pending('a'), 1_000), undefined);
  });

  it('when it holds its maximum, drops the oldest record for a new one', async () => {
    const store = new MemoryIdempotencyStore(2);
    await store.put('first', done, 60_000);
    await store.put('second', done, 60_000);
    await store.put('third', done, 60_000);
    assert.equal(await store.claim('first', pending('a'), 60_000), undefined, 'the oldest is gone');
    assert.deepEqual(await store.claim('third', pending('a'), 60_000), done);
  });

  it("when a claim is released by another request, keeps it: only the claimant's release frees the key", async () => {
    const store = new MemoryIdempotencyStore();
    await store.claim('k', pending('first'), 60_000);
    await store.release('k', pending('second'));
    assert.deepEqual(await store.claim('k', pending('second'), 60_000), pending('first'));
    await store.release('k', pending('first'));
    assert.equal(await store.claim('k', pending('second'), 60_000), undefined);
  });
});
