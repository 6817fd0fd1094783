import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import '../../widget/index.js';
import { postCheckout } from '../../widget/api-client.js';
import type { CheckoutButton } from '../../widget/index.js';
import { buttonFor, type FakeProxySession, fakeProxy, innerButton, otherOrigin } from './helpers.js';

/** Long enough for a request the page sent to reach the fake proxy, which is on this machine. */
const SETTLE_MS = 300;
const settle = () => new Promise((resolve) => setTimeout(resolve, SETTLE_MS));

/** The session's counts once `warmUps` warm-ups have arrived (what there are after 5 s). */
async function countsOnce(proxy: FakeProxySession, warmUps: number) {
  const deadline = Date.now() + 5_000;
  let counts = await proxy.warmUps();
  while (counts.warmUps < warmUps && Date.now() < deadline) {
    await settle();
    counts = await proxy.warmUps();
  }
  return counts;
}

const pointAt = (el: CheckoutButton) => el.dispatchEvent(new PointerEvent('pointerenter'));

describe('<checkout-button> readying the checkout before the click', () => {
  it('when the pointer enters the button, sends one GET to {endpoint}/api/checkout, and no more within the minute', async () => {
    const proxy = fakeProxy();
    const el = await buttonFor('SKU-A', proxy.endpoint);
    pointAt(el);
    expect((await countsOnce(proxy, 1)).warmUps).to.equal(1);

    pointAt(el);
    innerButton(el).focus();
    const second = await buttonFor('SKU-B', proxy.endpoint);
    pointAt(second);
    await settle();
    expect((await proxy.warmUps()).warmUps).to.equal(1);
  });

  it('when the button gets keyboard focus, readies the checkout too', async () => {
    const proxy = fakeProxy();
    const el = await buttonFor('SKU-A', proxy.endpoint);
    innerButton(el).focus();
    expect((await countsOnce(proxy, 1)).warmUps).to.equal(1);
  });

  it('when the button is disabled, readies nothing', async () => {
    const proxy = fakeProxy();
    const el = await fixture<CheckoutButton>(
      html`<checkout-button product="SKU-A" endpoint=${proxy.endpoint} disabled></checkout-button>`,
    );
    pointAt(el);
    await settle();
    expect(await proxy.warmUps()).to.deep.equal({ warmUps: 0, preflights: 0 });
  });

  it('from another origin, the checkout after a warm-up needs no preflight of its own', async () => {
    // What this browser does without a warm-up: a second checkout may reuse the first one's preflight
    // (1 in all), unless the browser keeps no preflights (2: the Firefox these tests drive sends one every time).
    const unwarmed = fakeProxy(otherOrigin());
    const cart = { items: [{ product: 'SKU-A', quantity: 1 }] };
    await postCheckout(unwarmed.endpoint, cart, 5_000);
    await postCheckout(unwarmed.endpoint, cart, 5_000);
    const { preflights: withoutWarmUp } = await unwarmed.warmUps();

    const proxy = fakeProxy(otherOrigin());
    const el = await buttonFor('SKU-A', proxy.endpoint);
    pointAt(el);
    expect(await countsOnce(proxy, 1)).to.deep.equal({ warmUps: 1, preflights: 1 });
    el.addEventListener('checkout-success', (event) => event.preventDefault());
    const success = oneEvent(el, 'checkout-success');
    innerButton(el).click();
    await success;
    expect(await proxy.requests()).to.have.length(1);
    // The warm-up's preflight served the checkout as the first checkout's served the second.
    expect((await proxy.warmUps()).preflights).to.equal(withoutWarmUp);
  });
});
