import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { InFrame } from '../support/tabs.js';
import {
  byRole,
  E2E,
  escapeRegExp,
  type FixturePage,
  freePort,
  type ProxyProcess,
  payOnSandbox,
  type Storefront,
  SUITE_TIMEOUT_MS,
  selectedEngines,
  shopPage,
} from './support.js';

/** The frame a builder's page puts the shop's HTML block in. */
const BLOCK = 'iframe';

/** A no-code builder's page on its own origin, which frames the shop's HTML block with `sandbox` (if any). */
const builderPage = (blockUrl: string, sandbox?: string): FixturePage => ({
  body: `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>My site, made with a builder</title></head>
<body>
<h1>My site</h1>
<iframe title="Shop" src="${blockUrl}"${sandbox === undefined ? '' : ` sandbox="${sandbox}"`} style="width: 360px; height: 160px; border: 0"></iframe>
</body>
</html>
`,
});

/**
 * The shop's button where no-code builders put it: an HTML block that the builder serves in a frame, from another
 * origin than the page around it, often with a sandbox. The checkout page refuses frames, so it must never load in
 * the frame: the top-level page goes, or a new tab, or a link the shopper follows.
 */
for (const engine of selectedEngines()) {
  describe(`a shop's button in a builder's cross-origin frame, in ${engine}`, { timeout: SUITE_TIMEOUT_MS }, () => {
    const e2e = new E2E();
    let proxy: ProxyProcess;
    let shop: Storefront;
    let builder: Storefront;

    before(async () => {
      const proxyPort = await freePort();
      const proxyOrigin = `http://127.0.0.1:${proxyPort}`;
      shop = await e2e.startStorefront(proxyOrigin, {
        '/block.html': {
          body: shopPage(
            proxyOrigin,
            'HTML block',
            '<checkout-button product="SKU-MUG-LOGO">Buy the mug</checkout-button>',
          ),
        },
      });
      const block = `${shop.origin}/block.html`;
      builder = await e2e.startStorefront(proxyOrigin, {
        '/plain.html': builderPage(block),
        '/by-user-activation.html': builderPage(
          block,
          'allow-scripts allow-same-origin allow-top-navigation-by-user-activation',
        ),
        '/popups.html': builderPage(
          block,
          'allow-scripts allow-same-origin allow-popups allow-popups-to-escape-sandbox',
        ),
        '/closed.html': builderPage(block, 'allow-scripts allow-same-origin'),
      });
      // The block's origin is the one the merchant lists, not the builder's page around it.
      proxy = await e2e.startProxy(proxyPort, { ALLOWED_ORIGINS: shop.origin });
      await e2e.launchBrowser(engine);
    });

    after(() => e2e.close());

    const checkoutPage = () => new RegExp(`^${escapeRegExp(proxy.origin)}/sandbox/checkout/[\\w-]+$`);

    /** The statuses of the checkout requests the shop's block sent while `action` ran. */
    const checkoutsDuring = async (action: () => Promise<void>) => {
      await proxy.flushLogs();
      const before = proxy.requests('POST', '/api/checkout', shop.origin).length;
      await action();
      await proxy.flushLogs();
      return proxy
        .requests('POST', '/api/checkout', shop.origin)
        .slice(before)
        .map(({ res }) => res?.status);
    };

    /**
     * Buys as the shopper does in a frame whose sandbox lets user activation open the way. WebKit lets such a frame
     * navigate the top page or open a tab only while it handles the click itself, not when the proxy's answer comes
     * a moment later (though `navigator.userActivation` is still active): there the "Continue to payment" link takes
     * the button's place, and the shopper's click on it goes.
     */
    const buyInSandbox = async (frame: InFrame) => {
      await frame.click(byRole('button', 'Buy the mug'));
      if (engine === 'webkit') await frame.click(byRole('link', 'Continue to payment'));
    };

    test('when framed without a sandbox, a click sends the top-level page to the checkout, where the shopper pays', async () => {
      const page = await e2e.newPage();
      await page.goto(`${builder.origin}/plain.html`);
      const checkouts = await checkoutsDuring(async () => {
        await page.frame(BLOCK).click(byRole('button', 'Buy the mug'));
        assert.match(await payOnSandbox(page, proxy.origin), /Logo mug/);
      });
      assert.deepEqual(checkouts, [201]);
    });

    test('when framed in a sandbox with allow-top-navigation-by-user-activation, the top-level page goes to the checkout, where the shopper pays', async () => {
      const page = await e2e.newPage();
      await page.goto(`${builder.origin}/by-user-activation.html`);
      const checkouts = await checkoutsDuring(async () => {
        await buyInSandbox(page.frame(BLOCK));
        assert.match(await payOnSandbox(page, proxy.origin), /Logo mug/);
      });
      assert.deepEqual(checkouts, [201], 'one link, also when the shopper follows it with a second click');
    });

    test('when the sandbox allows popups but not top navigation, the checkout opens in a new tab', async () => {
      const page = await e2e.newPage();
      await page.goto(`${builder.origin}/popups.html`);
      const checkouts = await checkoutsDuring(async () => {
        const tab = await page.newTabFrom(() => buyInSandbox(page.frame(BLOCK)));
        await payOnSandbox(tab, proxy.origin);
      });
      assert.deepEqual(checkouts, [201], 'one link, also when the shopper follows it with a second click');
      assert.equal(await page.url(), `${builder.origin}/popups.html`);
    });

    test('when the sandbox allows neither top navigation nor popups, a "Continue to payment" link to the checkout takes the button\'s place (screenshot: test-results/continue-to-payment-<engine>.png)', async () => {
      const screenshot = fileURLToPath(
        new URL(`../../test-results/continue-to-payment-${engine}.png`, import.meta.url),
      );
      const page = await e2e.newPage();
      await page.goto(`${builder.origin}/closed.html`);
      const frame = page.frame(BLOCK);
      const link = byRole('link', 'Continue to payment');
      const checkouts = await checkoutsDuring(async () => {
        await frame.click(byRole('button', 'Buy the mug'));
        await frame.waitFor(link);
      });

      assert.deepEqual(checkouts, [201], 'one click, one link');
      assert.match(await frame.evaluate<string>(link, 'element.href'), checkoutPage());
      assert.equal(await page.url(), `${builder.origin}/closed.html`);
      mkdirSync(dirname(screenshot), { recursive: true });
      await page.screenshot(screenshot);
    });
  });
}
