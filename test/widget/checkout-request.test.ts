import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import '../../widget/index.js';
import type { CheckoutButton } from '../../widget/index.js';
import { buttonFor, fakeProxy, innerButton, part } from './helpers.js';

describe('<checkout-button> request', () => {
  // These tests read what was sent. Staying on the page keeps a navigation from ending the file in Firefox or
  // cancelling the next test's fetches in WebKit; the one test that needs the navigation lets it happen.
  const stayOnPage = (event: Event) => event.preventDefault();
  beforeEach(() => document.addEventListener('checkout-success', stayOnPage));
  afterEach(() => document.removeEventListener('checkout-success', stayOnPage));

  it('when clicked, fires checkout-start with the request, then posts exactly that body', async () => {
    const proxy = fakeProxy();
    const el = await fixture<CheckoutButton>(
      html`<checkout-button product="SKU-OK" quantity="2" endpoint=${proxy.endpoint}></checkout-button>`,
    );
    const start = oneEvent(el, 'checkout-start');
    innerButton(el).click();
    const event = await start;
    expect(event.detail.request).to.deep.equal({ items: [{ product: 'SKU-OK', quantity: 2 }] });
    expect(event.bubbles && event.composed && event.cancelable).to.equal(true);
    await oneEvent(el, 'checkout-success');
    expect(await proxy.requests()).to.deep.equal([{ items: [{ product: 'SKU-OK', quantity: 2 }] }]);
  });

  it('when a checkout-start listener adjusts the request, sends the adjusted body', async () => {
    const proxy = fakeProxy();
    const el = await buttonFor('SKU-OK', proxy.endpoint);
    el.addEventListener('checkout-start', (event) => (event.detail.request.title = 'Order #1042'));
    await el.checkout();
    expect(await proxy.requests()).to.deep.equal([
      { items: [{ product: 'SKU-OK', quantity: 1 }], title: 'Order #1042' },
    ]);
  });

  it('when checkout-start is prevented, sends nothing and stays idle', async () => {
    const proxy = fakeProxy();
    const el = await buttonFor('SKU-OK', proxy.endpoint);
    el.addEventListener('checkout-start', (event) => event.preventDefault());
    await el.checkout();
    expect(el.loading).to.equal(false);
    expect(await proxy.requests()).to.deep.equal([]);
  });

  it('when clicked twice while busy, sends one request and shows the busy state', async () => {
    document.removeEventListener('checkout-success', stayOnPage);
    const proxy = fakeProxy();
    const checkout = await proxy.checkoutHere();
    const el = await buttonFor('SKU-SLOW', proxy.endpoint);
    const success = oneEvent(el, 'checkout-success');
    innerButton(el).click();
    innerButton(el).click();
    await el.updateComplete;
    expect(el).to.have.attribute('loading');
    expect(innerButton(el).getAttribute('aria-busy')).to.equal('true');
    expect(part(el, 'spinner')).to.exist;
    await success;
    await checkout.reached;
    expect(await proxy.requests()).to.have.length(1);
  });

  it('when <checkout-item> children are present, sends them as the cart', async () => {
    const proxy = fakeProxy();
    const el = await fixture<CheckoutButton>(html`
      <checkout-button endpoint=${proxy.endpoint}>
        <checkout-item product="SKU-A" quantity="1"></checkout-item>
        <checkout-item product="SKU-B" quantity="3"></checkout-item>
        Pay
      </checkout-button>
    `);
    await el.checkout();
    expect(await proxy.requests()).to.deep.equal([
      {
        items: [
          { product: 'SKU-A', quantity: 1 },
          { product: 'SKU-B', quantity: 3 },
        ],
      },
    ]);
  });

  it('when the items property is set, sends it instead of the attributes and children', async () => {
    const proxy = fakeProxy();
    const el = await fixture<CheckoutButton>(html`
      <checkout-button product="SKU-ATTRIBUTE" endpoint=${proxy.endpoint}>
        <checkout-item product="SKU-CHILD"></checkout-item>
      </checkout-button>
    `);
    el.items = [{ product: 'SKU-SPA', quantity: 4 }];
    await el.checkout();
    expect(await proxy.requests()).to.deep.equal([{ items: [{ product: 'SKU-SPA', quantity: 4 }] }]);
  });

  it('when given amount and currency, sends a value-only request', async () => {
    const proxy = fakeProxy();
    const el = await fixture<CheckoutButton>(
      html`<checkout-button amount="15000" currency="BRL" endpoint=${proxy.endpoint}>Donate R$ 150</checkout-button>`,
    );
    await el.checkout();
    expect(await proxy.requests()).to.deep.equal([{ amount: 15000, currency: 'BRL' }]);
  });

  it('when given provider="lago" and a customer-token, sends {provider, customer_token}', async () => {
    const proxy = fakeProxy();
    const el = await fixture<CheckoutButton>(
      html`<checkout-button provider="lago" customer-token="eyJ.test" endpoint=${proxy.endpoint}>Add a payment method</checkout-button>`,
    );
    await el.checkout();
    expect(await proxy.requests()).to.deep.equal([{ provider: 'lago', customer_token: 'eyJ.test' }]);
  });

  it('when given provider="stripe", a reference and return pages, sends them as reference, success_url and cancel_url', async () => {
    const proxy = fakeProxy();
    const el = await fixture<CheckoutButton>(
      html`<checkout-button product="SKU-OK" provider="stripe" reference="order-1042" success-url="https://shop.example/thanks" cancel-url="https://shop.example/cart" endpoint=${proxy.endpoint}></checkout-button>`,
    );
    await el.checkout();
    expect(await proxy.requests()).to.deep.equal([
      {
        items: [{ product: 'SKU-OK', quantity: 1 }],
        provider: 'stripe',
        reference: 'order-1042',
        success_url: 'https://shop.example/thanks',
        cancel_url: 'https://shop.example/cart',
      },
    ]);
  });

  it('when the customer-token attribute is empty, still sends it for the proxy to refuse', async () => {
    const proxy = fakeProxy();
    const el = await fixture<CheckoutButton>(
      html`<checkout-button provider="lago" customer-token="" endpoint=${proxy.endpoint}></checkout-button>`,
    );
    await el.checkout();
    expect(await proxy.requests()).to.deep.equal([{ provider: 'lago', customer_token: '' }]);
  });

  it("posts JSON under an Idempotency-Key, without the page's cookies", async () => {
    const proxy = fakeProxy();
    // biome-ignore lint/suspicious/noDocumentCookie: the test needs a cookie on the page to prove it is not sent.
    document.cookie = 'shop_session=secret; path=/';
    const el = await buttonFor('SKU-OK', proxy.endpoint);
    await el.checkout();
    // biome-ignore lint/suspicious/noDocumentCookie: removes the cookie set above.
    document.cookie = 'shop_session=; path=/; max-age=0';
    const [request] = await proxy.received();
    expect(request!.headers).to.deep.include({ 'content-type': 'application/json', cookie: '' });
    expect(request!.headers['idempotency-key']).to.match(/^[\x21-\x7e]{1,255}$/);
  });

  it('when the endpoint ends with a slash, still posts to {endpoint}/api/checkout', async () => {
    const proxy = fakeProxy();
    const el = await fixture<CheckoutButton>(
      html`<checkout-button product="SKU-OK" endpoint="${proxy.endpoint}/"></checkout-button>`,
    );
    await el.checkout();
    expect(await proxy.requests()).to.have.length(1);
  });
});
