import { expect, fixture, html } from '@open-wc/testing';
import { loadCatalog } from '../../widget/catalog-client.js';
import { CheckoutPrice } from '../../widget/index.js';

/** A fresh session of the fake proxy's catalog (web-test-runner.config.js); `unavailable` answers 503. */
const catalogSession = (kind: 'catalog' | 'unavailable' = 'catalog') => {
  const endpoint = `/fake/${kind}-${crypto.randomUUID()}`;
  const requests = async () =>
    (await fetch(`${endpoint}/catalog-requests`)).json() as Promise<Array<{ cookie: string }>>;
  return { endpoint, requests };
};

/** Renders `template` and waits until every price in it has its catalog. */
const pricesFor = async (endpoint: string, template: ReturnType<typeof html>) => {
  const root = await fixture<HTMLElement>(html`<div>${template}</div>`);
  await loadCatalog(endpoint);
  const prices = [...root.querySelectorAll('checkout-price')];
  await Promise.all(prices.map((price) => price.updateComplete));
  return prices;
};

const priceFor = async (product: string, attributes: { lang?: string; quantity?: number } = {}) => {
  const { endpoint } = catalogSession();
  const [price] = await pricesFor(
    endpoint,
    html`<checkout-price lang=${attributes.lang ?? 'en-US'} product=${product} quantity=${attributes.quantity ?? 1}
      endpoint=${endpoint}></checkout-price>`,
  );
  return price!;
};

const part = (element: CheckoutPrice, name: 'price' | 'compare') =>
  element.shadowRoot!.querySelector<HTMLElement>(`[part="${name}"]`);

/** Text content with the no-break spaces some locales put between symbol and number made plain. */
const text = (node: Node | null) => node?.textContent?.replace(/\u00a0/g, ' ') ?? null;

describe('<checkout-price>', () => {
  const consoleWarn = console.warn;
  /** What the elements warned the merchant about in this test. */
  let warnings: string[];
  beforeEach(() => {
    warnings = [];
    console.warn = (message: string) => warnings.push(message);
  });
  afterEach(() => {
    console.warn = consoleWarn;
    // biome-ignore lint/suspicious/noDocumentCookie: removes the cookie one test sets.
    document.cookie = 'session=; path=/; max-age=0';
  });

  it('when the script is loaded, is defined', () => {
    expect(customElements.get('checkout-price')).to.equal(CheckoutPrice);
  });

  it('when created bare, has its documented defaults', () => {
    // Not connected: a connected price would ask the test server itself for a catalog.
    const el = document.createElement('checkout-price');
    expect(el.product).to.equal('');
    expect(el.quantity).to.equal(1);
    expect(el.endpoint).to.equal(new URL(import.meta.url).origin);
  });

  it('when the nearest lang is en-US, shows the price in the product currency for that language', async () => {
    const el = await priceFor('SKU-MUG');
    expect(text(part(el, 'price'))).to.equal('R$39.90');
    expect(part(el, 'compare')).to.equal(null);
  });

  it('when the nearest lang is pt-BR on an ancestor, formats for Brazil', async () => {
    const { endpoint } = catalogSession();
    const [el] = await pricesFor(
      endpoint,
      html`<p lang="pt-BR"><checkout-price product="SKU-MUG" endpoint=${endpoint}></checkout-price></p>`,
    );
    expect(text(part(el!, 'price'))).to.equal('R$ 39,90');
  });

  it('when the currency has no decimals or three, reads the minor units with its own decimals', async () => {
    expect(text(part(await priceFor('SKU-YEN'), 'price'))).to.equal('¥1,200');
    expect(text(part(await priceFor('SKU-DINAR'), 'price'))).to.equal('BHD 12.345');
  });

  it('when quantity is set, shows the price of that many', async () => {
    expect(text(part(await priceFor('SKU-MUG', { quantity: 3 }), 'price'))).to.equal('R$119.70');
  });

  it('when the catalog has a higher compare_price, shows it in a del, both with words a screen reader says', async () => {
    const el = await priceFor('SKU-SALE', { quantity: 2 });
    const compare = part(el, 'compare')!;
    expect(compare.localName).to.equal('del');
    expect(text(compare)).to.equal('was R$199.80');
    expect(text(part(el, 'price'))).to.equal('now R$159.80');
    const pt = await priceFor('SKU-SALE', { lang: 'pt-BR' });
    expect(text(pt.shadowRoot)).to.equal('de R$ 99,90por R$ 79,90');
  });

  it('keeps the spoken words out of sight', async () => {
    const el = await priceFor('SKU-SALE');
    const spoken = el.shadowRoot!.querySelector('.spoken')!;
    expect(spoken.getBoundingClientRect().width).to.be.at.most(1);
    expect(getComputedStyle(spoken).position).to.equal('absolute');
  });

  it('when --checkout-price-* properties are set, the parts use them', async () => {
    const el = await priceFor('SKU-SALE');
    el.style.setProperty('--checkout-price-color', 'rgb(1, 2, 3)');
    el.style.setProperty('--checkout-price-font-weight', '700');
    el.style.setProperty('--checkout-price-compare-color', 'rgb(4, 5, 6)');
    el.style.setProperty('--checkout-price-gap', '9px');
    const price = getComputedStyle(part(el, 'price')!);
    const compare = getComputedStyle(part(el, 'compare')!);
    expect(price.color).to.equal('rgb(1, 2, 3)');
    expect(price.fontWeight).to.equal('700');
    expect(compare.color).to.equal('rgb(4, 5, 6)');
    expect(compare.marginInlineEnd).to.equal('9px');
  });

  it('when many prices share a proxy, the page makes one catalog request, without cookies', async () => {
    // biome-ignore lint/suspicious/noDocumentCookie: the test needs a cookie on the page to prove it is not sent.
    document.cookie = 'session=shopper; path=/';
    const { endpoint, requests } = catalogSession();
    const prices = await pricesFor(
      endpoint,
      html`${['SKU-MUG', 'SKU-SALE', 'SKU-YEN', 'SKU-MUG', 'SKU-DINAR'].map(
        (product) => html`<checkout-price product=${product} endpoint=${endpoint}></checkout-price>`,
      )}`,
    );
    expect(prices.every((price) => part(price as CheckoutPrice, 'price'))).to.equal(true);
    const received = await requests();
    expect(received).to.have.length(1);
    expect(received[0]).to.have.property('cookie', '');
  });

  it('when the catalog lacks the product, shows nothing and warns the merchant once', async () => {
    const el = await priceFor('SKU-GONE');
    el.quantity = 2;
    await el.updateComplete;
    expect(el.shadowRoot!.textContent).to.equal('');
    expect(el.getBoundingClientRect().width).to.equal(0);
    expect(warnings).to.have.length(1);
    expect(warnings[0]).to.include('no product "SKU-GONE"');
  });

  it('when the product changes to one the catalog has, shows its price', async () => {
    const el = await priceFor('SKU-GONE');
    el.product = 'SKU-MUG';
    await el.updateComplete;
    expect(text(part(el, 'price'))).to.equal('R$39.90');
  });

  it('when the catalog cannot be loaded, shows nothing and warns once for the whole page', async () => {
    const { endpoint } = catalogSession('unavailable');
    const prices = await pricesFor(
      endpoint,
      html`<checkout-price product="SKU-MUG" endpoint=${endpoint}></checkout-price>
        <checkout-price product="SKU-SALE" endpoint=${endpoint}></checkout-price>`,
    );
    expect(prices.map((price) => price.shadowRoot!.textContent)).to.deep.equal(['', '']);
    expect(warnings).to.have.length(1);
    expect(warnings[0]).to.include('503').and.include('ALLOWED_ORIGINS');
  });

  it('passes an accessibility audit, with and without an old price', async () => {
    await expect(await priceFor('SKU-SALE')).to.be.accessible();
    await expect(await priceFor('SKU-MUG')).to.be.accessible();
  });
});
