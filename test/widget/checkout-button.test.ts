import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import { CheckoutButton, CheckoutItem } from '../../widget/index.js';
import { buttonFor, fakeProxy, innerButton, part } from './helpers.js';

/** The first axe-core audit in a page loads axe itself, which takes more than Mocha's 2 s on a busy machine. */
const AXE_TIMEOUT_MS = 10_000;

describe('<checkout-button>', () => {
  it('when the script is loaded, defines both elements', () => {
    expect(customElements.get('checkout-button')).to.equal(CheckoutButton);
    expect(customElements.get('checkout-item')).to.equal(CheckoutItem);
    expect(document.createElement('checkout-button')).to.be.instanceOf(CheckoutButton);
  });

  it('when the script is evaluated a second time, keeps the first registration without an error', async () => {
    await import(new URL('../../widget/index.ts?again', import.meta.url).href);
    expect(customElements.get('checkout-button')).to.equal(CheckoutButton);
  });

  it('when created bare, has its documented defaults', async () => {
    const el = await fixture<CheckoutButton>(html`<checkout-button></checkout-button>`);
    expect(el.quantity).to.equal(1);
    expect(el.target).to.equal('_top');
    expect(el.timeout).to.equal(20_000);
    expect(el.disabled).to.equal(false);
    expect(el.loading).to.equal(false);
    expect(el.endpoint).to.equal(new URL(import.meta.url).origin);
    expect(el.product).to.equal(undefined);
    expect(el.items).to.equal(undefined);
  });

  it('when given attributes, mirrors them in typed properties', async () => {
    const el = await fixture<CheckoutButton>(html`
      <checkout-button product="SKU-1" quantity="3" amount="1500" currency="BRL" provider="lago"
        customer-token="tok" endpoint="https://pay.example" target="_blank" timeout="500"></checkout-button>
    `);
    expect(el.product).to.equal('SKU-1');
    expect(el.quantity).to.equal(3);
    expect(el.amount).to.equal(1500);
    expect(el.currency).to.equal('BRL');
    expect(el.provider).to.equal('lago');
    expect(el.customerToken).to.equal('tok');
    expect(el.endpoint).to.equal('https://pay.example');
    expect(el.target).to.equal('_blank');
    expect(el.timeout).to.equal(500);
  });

  it('when disabled changes, reflects it as an attribute', async () => {
    const el = await fixture<CheckoutButton>(html`<checkout-button></checkout-button>`);
    el.disabled = true;
    await el.updateComplete;
    expect(el).to.have.attribute('disabled');
    el.disabled = false;
    await el.updateComplete;
    expect(el).not.to.have.attribute('disabled');
  });

  it('when markup says loading, ignores it: the attribute goes, the button is idle and a click checks out', async () => {
    const proxy = fakeProxy();
    const checkout = await proxy.checkoutHere();
    const el = await fixture<CheckoutButton>(
      html`<checkout-button loading product="SKU-OK" endpoint=${proxy.endpoint}></checkout-button>`,
    );
    expect(el.loading).to.equal(false);
    expect(el).not.to.have.attribute('loading');
    expect(innerButton(el)).not.to.have.attribute('aria-busy');
    innerButton(el).click();
    await checkout.reached;
  });

  it('when a script assigns loading, throws: the element alone reports it', async () => {
    const el = await fixture<CheckoutButton>(html`<checkout-button></checkout-button>`);
    expect(() => Object.assign(el, { loading: true })).to.throw(TypeError);
    expect(el.loading).to.equal(false);
  });

  it('when the host has an aria-label, names the inner button with it, and follows changes', async function () {
    this.timeout(AXE_TIMEOUT_MS);
    const el = await fixture<CheckoutButton>(
      html`<checkout-button aria-label="Buy the black T-shirt, size M">Buy</checkout-button>`,
    );
    expect(innerButton(el).getAttribute('aria-label')).to.equal('Buy the black T-shirt, size M');
    await expect(el).to.be.accessible();
    el.ariaLabel = 'Buy the white T-shirt';
    await el.updateComplete;
    expect(el.getAttribute('aria-label')).to.equal('Buy the white T-shirt');
    expect(innerButton(el).getAttribute('aria-label')).to.equal('Buy the white T-shirt');
    el.removeAttribute('aria-label');
    await el.updateComplete;
    expect(innerButton(el)).not.to.have.attribute('aria-label');
  });

  it('in custom-elements.json, offers click() and checkout() as its only methods and loading as read-only', async () => {
    const response = await fetch('/custom-elements.json');
    expect(response.ok, 'npm run build:widget writes custom-elements.json').to.equal(true);
    interface Member {
      kind: string;
      name: string;
      privacy?: string;
      readonly?: boolean;
    }
    interface Declaration {
      tagName?: string;
      members: Member[];
      attributes: { name: string }[];
    }
    const { modules } = (await response.json()) as { modules: { declarations?: Declaration[] }[] };
    const button = modules
      .flatMap(({ declarations = [] }) => declarations)
      .find((d) => d.tagName === 'checkout-button')!;
    const api = button.members.filter(({ privacy }) => privacy === undefined || privacy === 'public');
    expect(api.filter(({ kind }) => kind === 'method').map(({ name }) => name)).to.deep.equal(['click', 'checkout']);
    expect(api.find(({ name }) => name === 'loading')).to.deep.include({ kind: 'field', readonly: true });
    expect(button.attributes.map(({ name }) => name)).not.to.include('loading');
  });

  it('when host.click() is called, does what a click does: one click event, one checkout', async () => {
    const proxy = fakeProxy();
    const checkout = await proxy.checkoutHere();
    const el = await buttonFor('SKU-OK', proxy.endpoint);
    let clicks = 0;
    el.addEventListener('click', () => clicks++);
    const start = oneEvent(el, 'checkout-start');
    el.click();
    await start;
    await checkout.reached;
    expect(clicks).to.equal(1);
    expect(await proxy.requests()).to.have.length(1);
  });

  it('when disabled, host.click() sends nothing', async () => {
    const proxy = fakeProxy();
    const el = await fixture<CheckoutButton>(
      html`<checkout-button disabled product="SKU-OK" endpoint=${proxy.endpoint}></checkout-button>`,
    );
    const fired: string[] = [];
    el.addEventListener('checkout-start', () => fired.push('checkout-start'));
    el.click();
    await el.checkout();
    expect(fired).to.deep.equal([]);
    expect(await proxy.requests()).to.deep.equal([]);
  });

  it('renders a native button part with the slotted label, and delegates focus to it', async () => {
    const el = await fixture<CheckoutButton>(html`<checkout-button>Pay R$ 10</checkout-button>`);
    const button = innerButton(el);
    expect(button.localName).to.equal('button');
    expect(button.type).to.equal('button');
    expect(el.shadowRoot!.querySelector('slot')!.assignedNodes()[0]!.textContent).to.equal('Pay R$ 10');
    expect(button.textContent!.trim()).to.equal('');
    el.focus();
    expect(el.shadowRoot!.activeElement).to.equal(button);
  });

  it('when no label is slotted, shows "Buy now"', async () => {
    const el = await fixture<CheckoutButton>(html`
      <checkout-button>
        <checkout-item product="SKU-A"></checkout-item>
      </checkout-button>
    `);
    expect(innerButton(el).textContent!.trim()).to.equal('Buy now');
  });

  it('when the nearest lang is pt-BR, shows "Comprar agora"', async () => {
    const wrapper = await fixture(html`<div lang="pt-BR"><section><checkout-button></checkout-button></section></div>`);
    const el = wrapper.querySelector('checkout-button')!;
    expect(innerButton(el).textContent!.trim()).to.equal('Comprar agora');
  });

  it('when disabled, renders a disabled button and fires nothing on click or checkout()', async () => {
    const proxy = fakeProxy();
    const el = await fixture<CheckoutButton>(
      html`<checkout-button disabled product="SKU-OK" endpoint=${proxy.endpoint}></checkout-button>`,
    );
    const fired: string[] = [];
    for (const type of ['checkout-start', 'checkout-success', 'checkout-error']) {
      el.addEventListener(type, () => fired.push(type));
    }
    expect(innerButton(el).disabled).to.equal(true);
    innerButton(el).click();
    await el.checkout();
    expect(fired).to.deep.equal([]);
    expect(await proxy.requests()).to.deep.equal([]);
  });

  // ' ' rather than 'Space': the one name for the space bar that puppeteer over WebDriver BiDi (Firefox) knows too.
  for (const [name, key] of [
    ['Enter', 'Enter'],
    ['Space', ' '],
  ] as const) {
    it(`when focused and ${name} is pressed, starts a checkout`, async () => {
      const proxy = fakeProxy();
      const checkout = await proxy.checkoutHere();
      const el = await buttonFor('SKU-OK', proxy.endpoint);
      el.focus();
      const success = oneEvent(el, 'checkout-success');
      await sendKeys({ press: key });
      expect((await success).detail.url).to.equal(checkout.url);
      await checkout.reached;
    });
  }

  it('passes an axe audit when idle, loading and showing an error', async function () {
    this.timeout(AXE_TIMEOUT_MS);
    const proxy = fakeProxy();
    const el = await buttonFor('SKU-SLOW', proxy.endpoint);
    await expect(el).to.be.accessible();

    el.addEventListener('checkout-success', (event) => event.preventDefault());
    const settled = oneEvent(el, 'checkout-success');
    innerButton(el).click();
    await el.updateComplete;
    expect(part(el, 'spinner')).to.exist;
    await expect(el).to.be.accessible();
    await settled;

    el.product = 'SKU-UNKNOWN';
    await el.checkout();
    await el.updateComplete;
    expect(part(el, 'error')!.textContent).not.to.equal('');
    await expect(el).to.be.accessible();
  });
});
