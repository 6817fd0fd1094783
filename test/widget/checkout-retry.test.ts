import { expect, oneEvent } from '@open-wc/testing';
import '../../widget/index.js';
import type { CheckoutButton } from '../../widget/index.js';
import { buttonFor, fakeProxy, innerButton } from './helpers.js';

/** Every change of the `loading` attribute while `run` runs, as `true` (added) or `false` (removed). */
const busyChanges = async (el: CheckoutButton, run: () => Promise<unknown>): Promise<boolean[]> => {
  const changes: boolean[] = [];
  const observer = new MutationObserver((records) => {
    for (const _ of records) changes.push(el.hasAttribute('loading'));
  });
  observer.observe(el, { attributes: true, attributeFilter: ['loading'] });
  await run();
  await el.updateComplete;
  observer.takeRecords();
  observer.disconnect();
  return changes;
};

describe('<checkout-button> retry', () => {
  for (const [product, failure] of [
    ['SKU-DROP-ONCE', 'the connection drops'],
    ['SKU-GATEWAY-ONCE', 'a gateway answers 502'],
    ['SKU-UNAVAILABLE-ONCE', 'the proxy answers 502 upstream_unavailable'],
  ] as const) {
    it(`when ${failure} once, retries once with the same Idempotency-Key and reaches the checkout page`, async () => {
      const proxy = fakeProxy();
      const checkout = await proxy.checkoutHere();
      const el = await buttonFor(product, proxy.endpoint);
      const errors: unknown[] = [];
      el.addEventListener('checkout-error', (event) => errors.push(event.detail));
      const changes = await busyChanges(el, async () => {
        const success = oneEvent(el, 'checkout-success');
        innerButton(el).click();
        await success;
      });
      const [first, second, ...more] = await proxy.received();
      expect(more).to.deep.equal([]);
      expect(second!.headers['idempotency-key']).to.equal(first!.headers['idempotency-key']);
      expect(second!.body).to.deep.equal(first!.body);
      expect(errors).to.deep.equal([]);
      expect(changes, 'one busy state, still on while the page is left').to.deep.equal([true]);
      await checkout.reached;
    });
  }

  it('when the retry fails too, ends the one busy state with one message', async () => {
    const proxy = fakeProxy();
    const el = await buttonFor('SKU-GATEWAY', proxy.endpoint);
    const errors: string[] = [];
    el.addEventListener('checkout-error', (event) => errors.push(event.detail.code));
    const changes = await busyChanges(el, async () => {
      const error = oneEvent(el, 'checkout-error');
      innerButton(el).click();
      await error;
    });
    const keys = (await proxy.received()).map(({ headers }) => headers['idempotency-key']);
    expect(keys).to.have.length(2);
    expect(new Set(keys).size).to.equal(1);
    expect(errors).to.deep.equal(['bad_response']);
    expect(changes).to.deep.equal([true, false]);
  });

  for (const [product, code] of [
    ['SKU-BAD-KEY', 'upstream_auth_failed'],
    ['SKU-UNKNOWN', 'unknown_product'],
  ] as const) {
    it(`when the proxy answers ${code}, which a retry cannot change, does not retry`, async () => {
      const proxy = fakeProxy();
      const el = await buttonFor(product, proxy.endpoint);
      const error = oneEvent(el, 'checkout-error');
      innerButton(el).click();
      expect((await error).detail.code).to.equal(code);
      expect(await proxy.requests()).to.have.length(1);
    });
  }

  it('when the shopper clicks again after an attempt ended, sends a new Idempotency-Key', async () => {
    const proxy = fakeProxy();
    const el = await buttonFor('SKU-OK', proxy.endpoint);
    el.addEventListener('checkout-success', (event) => event.preventDefault());
    for (const _ of ['first click', 'second click']) {
      const success = oneEvent(el, 'checkout-success');
      innerButton(el).click();
      await success;
    }
    const [first, second] = await proxy.received();
    expect(second!.headers['idempotency-key']).not.to.equal(first!.headers['idempotency-key']);
  });
});
