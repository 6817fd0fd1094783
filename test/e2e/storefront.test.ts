import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { E2E, freePort, type ProxyProcess, payOnSandbox, type Storefront, SUITE_TIMEOUT_MS } from './support.js';

/**
 * The demo storefront on a merchant's own site: served from another origin than the proxy, with
 * the widget's script tag and the no-script form pointing at the proxy, as a merchant embeds it.
 */
describe('a storefront on another origin', { timeout: SUITE_TIMEOUT_MS }, () => {
  const e2e = new E2E();
  let proxy: ProxyProcess;
  let allowed: Storefront;
  let notAllowed: Storefront;

  before(async () => {
    const proxyPort = await freePort();
    const proxyOrigin = `http://127.0.0.1:${proxyPort}`;
    allowed = await e2e.startStorefront(proxyOrigin);
    notAllowed = await e2e.startStorefront(proxyOrigin);
    proxy = await e2e.startProxy(proxyPort, { ALLOWED_ORIGINS: allowed.origin });
    await e2e.launchBrowser();
  });

  after(() => e2e.close());

  test('when its origin is allowed, a click reaches the sandbox checkout and the shopper can pay', async () => {
    const page = await e2e.newPage();
    await page.goto(allowed.origin);
    await page.getByRole('button', { name: 'Buy Logo mug' }).click();

    const summary = await payOnSandbox(page, proxy.origin);
    assert.match(summary, /Logo mug/);
    assert.match(summary, /R\$\s?39\.90/);
    await proxy.flushLogs();
    assert.deepEqual(
      proxy.requests('POST', '/api/checkout', allowed.origin).map(({ res }) => res?.status),
      [201],
    );
  });

  test('when its origin is not allowed, the widget shows an error and the proxy makes no link', async () => {
    const page = await e2e.newPage();
    await page.goto(notAllowed.origin);
    // The catalog is refused too, so use a button written in the page.
    await page.getByRole('button', { name: 'Buy the starter bundle' }).click();

    const alert = page.locator('#bundle-button').getByRole('alert');
    await assert.doesNotReject(alert.filter({ hasText: /\S/ }).waitFor());
    assert.match(await alert.innerText(), /\w/);
    assert.equal(new URL(page.url()).origin, notAllowed.origin);

    await proxy.flushLogs();
    const refused = proxy.requests('OPTIONS', '/api/checkout', notAllowed.origin);
    assert.deepEqual(
      refused.map(({ res }) => res?.status),
      [403],
      'the preflight reached the proxy and was refused',
    );
    assert.deepEqual(proxy.requests('POST', '/api/checkout', notAllowed.origin), [], 'no checkout request got through');
  });

  test('with JavaScript disabled, the plain form reaches the sandbox checkout and the shopper can pay', async () => {
    const page = await e2e.newPage({ javaScriptEnabled: false });
    await page.goto(allowed.origin);
    assert.equal(
      await page.getByRole('heading', { name: 'Products' }).isVisible(),
      false,
      'what needs script is hidden',
    );
    await page.getByLabel('Product', { exact: true }).selectOption('SKU-STICKERS');
    await page.getByLabel('Quantity', { exact: true }).fill('3');
    await page.getByRole('button', { name: 'Buy', exact: true }).click();

    const summary = await payOnSandbox(page, proxy.origin);
    assert.match(summary, /Sticker pack\s+3\s+R\$\s?45\.00/);
  });

  test('with the keyboard only, Tab and Enter reach the sandbox checkout', async () => {
    const page = await e2e.newPage();
    await page.goto(allowed.origin);
    const firstBuy = page.getByRole('button', { name: 'Buy Black T-shirt (M)' });
    await firstBuy.waitFor();

    // Tab through the page, as a keyboard user does, until the first product's button has focus.
    const focused = () => page.evaluate(() => document.activeElement?.outerHTML.slice(0, 80));
    let presses = 0;
    while (!(await firstBuy.evaluate((button) => button.matches(':focus')))) {
      assert.ok(
        ++presses <= 20,
        `Tab did not reach the first Buy button in 20 presses (focus is on ${await focused()})`,
      );
      await page.keyboard.press('Tab');
    }
    await page.keyboard.press('Enter');

    await payOnSandbox(page, proxy.origin);
  });
});
