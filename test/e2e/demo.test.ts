import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import {
  byRole,
  E2E,
  escapeRegExp,
  freePort,
  type ProxyProcess,
  payOnSandbox,
  SUITE_TIMEOUT_MS,
  selectedEngines,
} from './support.js';

/** docs/demo.png is Chromium's; the other engines' screenshots go where test output goes, to be looked at. */
const screenshotPath = (engine: string) =>
  fileURLToPath(
    new URL(engine === 'chromium' ? '../../docs/demo.png' : `../../test-results/demo-${engine}.png`, import.meta.url),
  );

/** The demo store as `npm start` serves it: from the proxy itself, under the proxy's own CSP. */
for (const engine of selectedEngines()) {
  describe(`the demo store served by the proxy, in ${engine}`, { timeout: SUITE_TIMEOUT_MS }, () => {
    const e2e = new E2E();
    let proxy: ProxyProcess;

    before(async () => {
      // As npm start runs it: sandbox mode, which also allows value-only links for the donate button.
      proxy = await e2e.startProxy(await freePort());
      await e2e.launchBrowser(engine);
    });

    after(() => e2e.close());

    test(`when loaded, it lists the catalog with formatted prices, breaks no CSP rule and passes an axe audit (screenshot: ${engine === 'chromium' ? 'docs/demo.png' : `test-results/demo-${engine}.png`})`, async () => {
      const page = await e2e.newPage();
      await page.goto(proxy.origin);

      await page.waitFor(byRole('button', 'Buy Field guide (e-book)'));
      const prices = await page.texts({ css: '.product-card .price' });
      assert.deepEqual(
        prices.map((price) => price.replace(/\s+/g, ' ')),
        ['R$79.90 was R$99.90', 'R$39.90', 'R$15.00', 'R$29.00'],
      );
      await page.waitForText('Signed in as demo-customer');
      assert.deepEqual(await page.cspViolations(), []);
      assert.deepEqual(await page.audit(), []);

      mkdirSync(dirname(screenshotPath(engine)), { recursive: true });
      await page.screenshot(screenshotPath(engine));
    });

    test('the Lago button gets a customer token from the demo backend, and the set-up page saves a payment method', async () => {
      const page = await e2e.newPage();
      await page.goto(proxy.origin);
      await page.waitForText('Signed in as demo-customer');
      await page.click(byRole('button', 'Add a payment method'));

      await page.waitForURL(new RegExp(`^${escapeRegExp(proxy.origin)}/sandbox/setup/[\\w-]+$`));
      assert.match(await page.text({ css: 'main' }), /demo-customer/);
      await page.click(byRole('button', 'Save payment method'));
      await page.waitForURL(/\/sandbox\/setup\/[\w-]+\/saved$/);
      assert.equal(await page.text({ css: 'h1.done' }), 'Payment method saved');
    });

    test('the cart the page updates through items checks out exactly what its steppers show', async () => {
      const page = await e2e.newPage();
      await page.goto(proxy.origin);
      await page.click(byRole('button', 'One more Logo mug'));
      await page.click(byRole('button', 'One more Logo mug'));
      await page.click(byRole('button', 'One less Sticker pack'));
      await page.click(byRole('button', 'One more Field guide (e-book)'));
      assert.match(await page.text({ css: '#cart-total' }), /^R\$\s?108\.80$/);

      await page.click(byRole('button', 'Check out'));
      const summary = await payOnSandbox(page, proxy.origin);
      assert.match(summary, /Logo mug\s+2\s+R\$\s?79\.80/);
      assert.match(summary, /Field guide \(e-book\)\s+1\s+R\$\s?29\.00/);
      assert.doesNotMatch(summary, /Sticker pack/);
      assert.match(summary, /Total R\$\s?108\.80/);
    });

    test('the donate button makes a value-only checkout for its amount', async () => {
      const page = await e2e.newPage();
      await page.goto(proxy.origin);
      await page.click(byRole('button', 'Donate R$ 25'));

      const summary = await payOnSandbox(page, proxy.origin);
      assert.match(summary, /Amount\s+R\$\s?25\.00/);
    });

    test('the new-tab button opens the checkout in a new tab, and the store stays open and logs the events', async () => {
      const page = await e2e.newPage();
      await page.goto(proxy.origin);
      const checkoutTab = await page.newTabFrom(() => page.click(byRole('button', 'Buy the e-book in a new tab')));

      await payOnSandbox(checkoutTab, proxy.origin);
      assert.equal(await page.url(), `${proxy.origin}/`);
      const log = byRole('list', 'Checkout events');
      await page.waitForText('checkout-success', log);
      assert.deepEqual(await page.texts({ css: '#event-log .event-name' }), ['checkout-success', 'checkout-start']);
    });
  });
}
