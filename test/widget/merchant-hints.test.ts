import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import '../../widget/index.js';
import type { CheckoutButton } from '../../widget/index.js';
import { buttonFor, fakeProxy, innerButton, otherOrigin } from './helpers.js';

/**
 * Hints are once per cause per page, and this file is one page: each test uses a cause no other test here uses.
 */
describe('<checkout-button> console hints for the merchant', () => {
  const realWarn = console.warn;
  let warnings: string[];
  beforeEach(() => {
    warnings = [];
    console.warn = (...args: unknown[]) => warnings.push(args.join(' '));
  });
  afterEach(() => {
    console.warn = realWarn;
  });

  const fail = async (el: CheckoutButton) => {
    const error = oneEvent(el, 'checkout-error');
    innerButton(el).click();
    return (await error).detail;
  };

  it('when the origin is refused, warns once naming origin_not_allowed and ALLOWED_ORIGINS, however often it fails', async () => {
    const endpoint = fakeProxy(otherOrigin()).endpoint;
    const buttons = await fixture(html`
      <div>
        <checkout-button product="SKU-ORIGIN-REFUSED" endpoint=${endpoint}></checkout-button>
        <checkout-button product="SKU-ORIGIN-REFUSED" endpoint=${endpoint}></checkout-button>
      </div>
    `);
    for (const el of buttons.querySelectorAll('checkout-button')) {
      await fail(el);
      await fail(el);
    }
    expect(warnings).to.have.length(1);
    expect(warnings[0]).to.include('origin_not_allowed').and.include('ALLOWED_ORIGINS').and.include(location.origin);
  });

  it('when the quantity is refused, names the quantity attribute; a missing product is another cause', async () => {
    const endpoint = fakeProxy().endpoint;
    await fail(
      await fixture(html`<checkout-button product="SKU-OK" quantity="150" endpoint=${endpoint}></checkout-button>`),
    );
    await fail(await fixture(html`<checkout-button endpoint=${endpoint}></checkout-button>`));
    expect(warnings).to.have.length(2);
    expect(warnings[0]).to.match(/^<checkout-button> validation_error: check quantity\. /);
    expect(warnings[1]).to.match(/^<checkout-button> validation_error: check product, <checkout-item>, amount\. /);
  });

  for (const [product, code, hint] of [
    ['SKU-UNKNOWN', 'unknown_product', 'check product, CATALOG_FILE. No product SKU-UNKNOWN in the catalog.'],
    ['SKU-PROVIDER-422', 'upstream_rejected', 'check the proxy log. Pagou refused the checkout link (HTTP 422).'],
    // The proxy's detail names the settings already.
    [
      'SKU-BAD-KEY',
      'upstream_auth_failed',
      "Pagou refused the proxy's credentials (HTTP 401); the operator should check PAGOU_API_KEY and PAGOU_API_URL.",
    ],
  ] as const) {
    it(`when the proxy answers ${code}, warns with what fixes it`, async () => {
      await fail(await buttonFor(product));
      expect(warnings).to.deep.equal([`<checkout-button> ${code}: ${hint}`]);
    });
  }

  for (const [product, code] of [
    ['SKU-DROP', 'network_error'],
    ['SKU-RATE-LIMITED', 'rate_limited'],
  ] as const) {
    it(`when the failure is not the merchant's to fix (${code}), warns nothing`, async () => {
      expect((await fail(await buttonFor(product))).code).to.equal(code);
      expect(warnings).to.deep.equal([]);
    });
  }
});
