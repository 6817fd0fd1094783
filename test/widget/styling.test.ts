import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import { emulateMedia } from '@web/test-runner-commands';
import '../../widget/index.js';
import type { CheckoutButton } from '../../widget/index.js';
import { buttonFor, engine, fakeProxy, innerButton, part } from './helpers.js';

const style = (element: Element) => getComputedStyle(element);

describe('<checkout-button> styling and embedding', () => {
  // Only Chromium's driver (CDP) emulates media features: puppeteer cannot over WebDriver BiDi (Firefox), nor
  // web-test-runner over WebDriver classic (WebKit), and neither engine can be switched per test from the page.
  const emulatesMedia = engine === 'chromium';

  afterEach(async () => {
    if (emulatesMedia) await emulateMedia({ reducedMotion: 'no-preference' });
  });

  it('when --checkout-button-* properties are set, the button uses them', async () => {
    const el = await fixture<CheckoutButton>(html`
      <checkout-button
        style="--checkout-button-background: rgb(1, 2, 3); --checkout-button-color: rgb(4, 5, 6);
          --checkout-button-radius: 7px; --checkout-button-padding: 8px; --checkout-button-font-weight: 700"
      ></checkout-button>
    `);
    const button = style(innerButton(el));
    expect(button.backgroundColor).to.equal('rgb(1, 2, 3)');
    expect(button.color).to.equal('rgb(4, 5, 6)');
    expect(button.borderTopLeftRadius).to.equal('7px');
    expect(button.paddingLeft).to.equal('8px');
    expect(button.fontWeight).to.equal('700');
  });

  it('when the page styles ::part(button), the button takes the style', async () => {
    const wrapper = await fixture(html`
      <div>
        <style>.themed::part(button) { text-transform: uppercase; }</style>
        <checkout-button class="themed"></checkout-button>
      </div>
    `);
    expect(style(innerButton(wrapper.querySelector('checkout-button')!)).textTransform).to.equal('uppercase');
  });

  it('when the shopper prefers reduced motion, the spinner does not spin', async function () {
    if (!emulatesMedia) this.skip();
    const el = await buttonFor('SKU-SLOW');
    el.addEventListener('checkout-success', (event) => event.preventDefault());
    const settled = oneEvent(el, 'checkout-success');
    innerButton(el).click();
    await el.updateComplete;
    expect(style(part(el, 'spinner')!).animationName).to.equal('spin');
    await emulateMedia({ reducedMotion: 'reduce' });
    expect(style(part(el, 'spinner')!).animationName).to.equal('none');
    await settled;
  });

  it('when a message shows and clears in a flex row, neither the button nor its neighbours move or resize', async () => {
    const row = await fixture<HTMLElement>(html`
      <div style="display: flex; align-items: center; gap: 8px; inline-size: 640px">
        <checkout-button product="SKU-UNKNOWN" endpoint=${fakeProxy().endpoint}>Buy</checkout-button>
        <span>R$ 79,90</span>
      </div>
      <p>What follows the row</p>
    `);
    const el = row.querySelector('checkout-button')!;
    const boxes = () =>
      [el, row.querySelector('span')!, row.nextElementSibling!].map((node) => node.getBoundingClientRect().toJSON());
    const before = boxes();
    const error = oneEvent(el, 'checkout-error');
    innerButton(el).click();
    await error;
    await el.updateComplete;
    expect(part(el, 'error')!.textContent).to.equal('This product is no longer available.');
    expect(part(el, 'error')!.getBoundingClientRect().width, 'the message is wider than the button').to.be.above(
      before[0].width,
    );
    expect(boxes()).to.deep.equal(before);
    el.product = 'SKU-OK';
    el.addEventListener('checkout-success', (event) => event.preventDefault());
    await el.checkout();
    await el.updateComplete;
    expect(part(el, 'error')!.textContent).to.equal('');
    expect(boxes()).to.deep.equal(before);
  });

  it('when the page enforces a strict CSP and Trusted Types, renders styled and reports errors', async () => {
    const proxy = fakeProxy();
    // The test server's origin spelled out, not 'self': Firefox does not match 'self' from an about:srcdoc frame.
    const self = location.origin;
    const policy = `default-src ${self}; script-src ${self}; style-src ${self}; require-trusted-types-for 'script'`;
    const frame = document.createElement('iframe');
    frame.srcdoc = `<!doctype html>
      <meta http-equiv="Content-Security-Policy" content="${policy}">
      <script type="module" src="${new URL('../../widget/index.ts', import.meta.url).href}"></script>
      <checkout-button product="SKU-UNKNOWN" endpoint="${proxy.endpoint}"></checkout-button>`;
    const loaded = oneEvent(frame, 'load');
    document.body.append(frame);
    try {
      await loaded;
      const el = frame.contentDocument!.querySelector('checkout-button')!;
      await el.updateComplete;
      expect(el.shadowRoot!.querySelector('style'), 'styles are adopted, not inlined').to.equal(null);
      expect(style(innerButton(el)).backgroundColor).to.equal('rgb(31, 41, 55)');
      const error = oneEvent(el, 'checkout-error');
      innerButton(el).click();
      await error;
      await el.updateComplete;
      expect(part(el, 'error')!.textContent).to.equal('This product is no longer available.');
    } finally {
      frame.remove();
    }
  });
});
