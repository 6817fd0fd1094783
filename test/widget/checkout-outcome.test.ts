import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import '../../widget/index.js';
import type { CheckoutButton, CheckoutErrorDetail } from '../../widget/index.js';
import { buttonFor, fakeProxy, innerButton, otherOrigin, part } from './helpers.js';

/** Clicks the button and resolves with the `checkout-error` detail, once the button has re-rendered. */
const failureOf = async (el: CheckoutButton): Promise<CheckoutErrorDetail> => {
  const error = oneEvent(el, 'checkout-error');
  innerButton(el).click();
  const { detail, bubbles, composed } = await error;
  expect(bubbles && composed).to.equal(true);
  await el.updateComplete;
  return detail;
};

describe('<checkout-button> outcome', () => {
  const realOpen = window.open;
  afterEach(() => {
    window.open = realOpen;
  });

  it('when the proxy answers 201, fires checkout-success with the URL and sends this page to it', async () => {
    const proxy = fakeProxy();
    const checkout = await proxy.checkoutHere();
    const el = await buttonFor('SKU-OK', proxy.endpoint);
    const success = oneEvent(el, 'checkout-success');
    innerButton(el).click();
    const event = await success;
    // The checkout page is plain http on loopback, which the widget accepts for local development.
    expect(event.detail).to.deep.equal({ url: checkout.url, provider: 'sandbox' });
    expect(event.bubbles && event.composed && event.cancelable).to.equal(true);
    await checkout.reached;
    expect(el.loading, 'busy until the page is left').to.equal(true);
  });

  it('when checkout-success is prevented, does not redirect and ends the busy state', async () => {
    const proxy = fakeProxy();
    const el = await buttonFor('SKU-OK', proxy.endpoint);
    el.addEventListener('checkout-success', (event) => event.preventDefault());
    await el.checkout();
    await el.updateComplete;
    expect(await proxy.visits()).to.deep.equal([]);
    expect(el).not.to.have.attribute('loading');
    expect(innerButton(el)).not.to.have.attribute('aria-busy');
  });

  it('when target="_blank", opens a window inside the click and points it at the URL once it arrives', async () => {
    const proxy = fakeProxy();
    const el = await buttonFor('SKU-SLOW', proxy.endpoint);
    el.target = '_blank';
    const popup = { opener: window as Window | null, location: '' };
    const opened: unknown[][] = [];
    window.open = (...args: unknown[]) => {
      opened.push(args);
      return popup as unknown as Window;
    };
    const success = oneEvent(el, 'checkout-success');
    innerButton(el).click();
    expect(opened, 'opened synchronously, before the answer').to.deep.equal([['', '_blank']]);
    expect(popup.location).to.equal('');
    await success;
    expect(popup.location).to.equal(proxy.payUrl);
    expect(popup.opener, 'the checkout page gets no handle on this page').to.equal(null);
    expect(await proxy.visits()).to.deep.equal([]);
    expect(el.loading).to.equal(false);
  });

  it('when target="_blank" and the window is blocked, sends this page instead', async () => {
    const proxy = fakeProxy();
    const checkout = await proxy.checkoutHere();
    const el = await buttonFor('SKU-OK', proxy.endpoint);
    el.target = '_blank';
    window.open = () => null;
    await el.checkout();
    await checkout.reached;
  });

  it('when target="_blank" and the request fails, closes the window it opened', async () => {
    const el = await buttonFor('SKU-UNKNOWN');
    el.target = '_blank';
    let closed = false;
    window.open = () => ({ opener: window, close: () => (closed = true) }) as unknown as Window;
    await failureOf(el);
    expect(closed).to.equal(true);
  });

  it('when the proxy answers with a problem, fires checkout-error and shows the message in the alert', async () => {
    const el = await buttonFor('SKU-UNKNOWN');
    const detail = await failureOf(el);
    expect(detail).to.deep.include({
      status: 422,
      code: 'unknown_product',
      message: 'This product is no longer available.',
    });
    expect(detail.problem!.detail).to.equal('No product SKU-UNKNOWN in the catalog.');
    const alert = part(el, 'error')!;
    expect(alert.getAttribute('role')).to.equal('alert');
    expect(alert.textContent).to.equal('This product is no longer available.');
    expect(el).not.to.have.attribute('loading');
    expect(part(el, 'spinner')).not.to.exist;
  });

  it('when the nearest lang is pt-BR, shows the message in Portuguese', async () => {
    const wrapper = await fixture(html`
      <div lang="pt-BR"><checkout-button product="SKU-RATE-LIMITED" endpoint=${fakeProxy().endpoint}></checkout-button></div>
    `);
    const detail = await failureOf(wrapper.querySelector('checkout-button')!);
    expect(detail).to.deep.include({
      status: 429,
      code: 'rate_limited',
      message: 'O pagamento está indisponível agora. Tente de novo em breve.',
    });
  });

  it('when the connection drops twice, reports network_error with status 0', async () => {
    const el = await buttonFor('SKU-DROP');
    const detail = await failureOf(el);
    expect(detail).to.deep.equal({
      status: 0,
      code: 'network_error',
      message: 'Could not reach the payment service. Check your connection.',
    });
    expect(el.loading).to.equal(false);
  });

  it('when the proxy takes longer than timeout, reports timeout and is usable again', async () => {
    const el = await buttonFor('SKU-SLOW');
    el.timeout = 50;
    const detail = await failureOf(el);
    expect(detail).to.deep.equal({
      status: 0,
      code: 'timeout',
      message: 'Payment is unavailable right now. Please try again soon.',
    });
    expect(el.loading).to.equal(false);
    expect(innerButton(el).disabled).to.equal(false);
  });

  it('when something other than the proxy answers an error, reports bad_response with its status', async () => {
    const detail = await failureOf(await buttonFor('SKU-GATEWAY'));
    expect(detail).to.deep.include({ status: 502, code: 'bad_response' });
  });

  for (const product of ['SKU-JAVASCRIPT-URL', 'SKU-HTTP-URL']) {
    it(`when the proxy returns an unsafe URL (${product}), never navigates and reports unsafe_url`, async () => {
      const el = await buttonFor(product);
      const navigations: string[] = [];
      addEventListener('beforeunload', () => navigations.push(location.href), { once: true });
      const detail = await failureOf(el);
      expect(detail).to.deep.include({ status: 201, code: 'unsafe_url' });
      expect(navigations).to.deep.equal([]);
    });
  }

  it('when the page is on another origin, the refused origin reads origin_not_allowed, not network_error', async () => {
    const el = await buttonFor('SKU-ORIGIN-REFUSED', fakeProxy(otherOrigin()).endpoint);
    const detail = await failureOf(el);
    expect(detail).to.deep.include({
      status: 403,
      code: 'origin_not_allowed',
      message: 'Payment is not set up on this store. Please contact the store.',
    });
    expect(detail.problem!.detail).to.include(location.origin);
  });

  it('when a new checkout starts, clears the previous message', async () => {
    const el = await buttonFor('SKU-UNKNOWN');
    await failureOf(el);
    el.product = 'SKU-OK';
    el.addEventListener('checkout-success', (event) => event.preventDefault());
    await el.checkout();
    await el.updateComplete;
    expect(part(el, 'error')!.textContent).to.equal('');
  });
});
