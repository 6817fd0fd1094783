import { expect } from '@open-wc/testing';
import { sendMouse } from '@web/test-runner-commands';
import { engine, fakeProxy, otherOrigin } from './helpers.js';

/** A frame loads the widget's modules afresh from another origin, which takes longer than Mocha's 2 s. */
const FRAME_TIMEOUT_MS = 15_000;

interface FrameReport {
  type: string;
  loading: boolean;
  link: { href: string; target: string; text: string } | null;
}

/** The next report of `type` from the framed shop page. */
const report = (type: string) =>
  new Promise<FrameReport>((resolve) => {
    addEventListener('message', function listen({ data, origin }: MessageEvent<FrameReport>) {
      if (origin !== otherOrigin() || data.type !== type) return;
      removeEventListener('message', listen);
      resolve(data);
    });
  });

/**
 * This test page stands for the merchant's page on a no-code builder: it frames the shop's button from another
 * origin, with the builder's `sandbox`. Clicks go through the test runner's mouse, so they carry real user
 * activation. The checkout page is this test page under a fragment (`checkoutHere`), so only a navigation of the
 * top-level page reaches it; the one that opens a new tab is the fake proxy's own page, which records the visit.
 */
async function frameShop(product: string, sandbox?: string, target?: string) {
  const proxy = fakeProxy();
  const frame = document.createElement('iframe');
  if (sandbox !== undefined) frame.setAttribute('sandbox', sandbox);
  frame.style.cssText = 'position: fixed; inset: 0 auto auto 0; width: 320px; height: 120px; border: 0';
  frame.src = `${otherOrigin()}/test/widget/framed-shop.html?${new URLSearchParams({ product, endpoint: proxy.endpoint, ...(target && { target }) })}`;
  const ready = report('ready');
  document.body.append(frame);
  await ready;
  const click = () => sendMouse({ type: 'click', position: [20, 15] });
  return { proxy, click, payUrl: `${otherOrigin()}${proxy.endpoint}/pay` };
}

describe('<checkout-button> in a cross-origin frame', () => {
  afterEach(() => {
    for (const frame of document.querySelectorAll('iframe')) frame.remove();
  });

  /**
   * WebKit lets a sandboxed frame navigate the top page, or open a tab, only while the click itself is being handled,
   * not when the proxy's answer comes a moment later: there the link takes over, and the shopper's next click goes.
   */
  const goesAtOnce = engine !== 'webkit';

  it('when framed without a sandbox, a click sends the top-level page to the checkout page, never the frame', async function () {
    this.timeout(FRAME_TIMEOUT_MS);
    const { proxy, click } = await frameShop('SKU-OK');
    const checkout = await proxy.checkoutHere();
    const success = report('checkout-success');
    await click();
    expect(await success).to.deep.include({ loading: true, link: null });
    await checkout.reached;
    expect(await proxy.requests()).to.have.length(1);
  });

  it(`when sandboxed with allow-top-navigation-by-user-activation, the top-level page goes to the checkout page${goesAtOnce ? '' : ' at the click on the "Continue to payment" link'}`, async function () {
    this.timeout(FRAME_TIMEOUT_MS);
    const { proxy, click } = await frameShop(
      'SKU-OK',
      'allow-scripts allow-same-origin allow-top-navigation-by-user-activation',
    );
    const checkout = await proxy.checkoutHere();
    const success = report('checkout-success');
    await click();
    if (goesAtOnce) {
      expect(await success).to.deep.include({ loading: true, link: null });
    } else {
      expect(await success).to.deep.include({
        loading: false,
        link: { href: checkout.url, target: '_top', text: 'Continue to payment' },
      });
      await click();
    }
    await checkout.reached;
    expect(await proxy.requests()).to.have.length(1);
  });

  it('when sandboxed with neither top navigation nor popups, shows a "Continue to payment" link to the same page', async function () {
    this.timeout(FRAME_TIMEOUT_MS);
    const { proxy, click } = await frameShop('SKU-OK', 'allow-scripts allow-same-origin');
    const checkout = await proxy.checkoutHere();
    const success = report('checkout-success');
    await click();
    expect(await success).to.deep.equal({
      type: 'checkout-success',
      loading: false,
      link: { href: checkout.url, target: '_top', text: 'Continue to payment' },
    });
    expect(location.href).not.to.equal(checkout.url);
    expect(await proxy.requests()).to.have.length(1);
  });

  it('when target="_blank" and sandboxed with neither top navigation nor popups, shows the link too', async function () {
    // Firefox throws where a sandbox forbids a new tab; the other engines return null.
    this.timeout(FRAME_TIMEOUT_MS);
    const { proxy, click } = await frameShop('SKU-OK', 'allow-scripts allow-same-origin', '_blank');
    const checkout = await proxy.checkoutHere();
    const success = report('checkout-success');
    await click();
    expect(await success).to.deep.include({
      loading: false,
      link: { href: checkout.url, target: '_top', text: 'Continue to payment' },
    });
    expect(await proxy.requests()).to.have.length(1);
  });

  it("when the proxy answers after the click's user activation expired, the next click on the link goes, with one link made", async function () {
    this.timeout(FRAME_TIMEOUT_MS + 5_500);
    const { proxy, click } = await frameShop('SKU-AFTER-ACTIVATION');
    const checkout = await proxy.checkoutHere();
    const success = report('checkout-success');
    await click();
    expect(await success).to.deep.include({
      loading: false,
      link: { href: checkout.url, target: '_top', text: 'Continue to payment' },
    });
    expect(location.href).not.to.equal(checkout.url);
    await click();
    await checkout.reached;
    expect(await proxy.requests()).to.have.length(1);
  });

  // Last: the tab it opens closes itself, and an open tab would take this page's mouse input.
  it(`when sandboxed without top navigation but with popups, opens the checkout page in a new tab${goesAtOnce ? '' : ' at the click on the "Continue to payment" link'}`, async function () {
    this.timeout(FRAME_TIMEOUT_MS);
    const { proxy, click, payUrl } = await frameShop('SKU-IN-NEW-TAB', 'allow-scripts allow-same-origin allow-popups');
    const success = report('checkout-success');
    await click();
    if (goesAtOnce) {
      expect(await success).to.deep.include({ loading: false, link: null });
    } else {
      expect(await success).to.deep.include({
        loading: false,
        link: { href: `${payUrl}?tab`, target: '_top', text: 'Continue to payment' },
      });
      await click();
    }
    expect(await proxy.visits(1)).to.deep.equal([{ dest: 'document' }]);
  });
});
