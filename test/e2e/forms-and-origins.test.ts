import assert from 'node:assert/strict';
import { networkInterfaces } from 'node:os';
import { after, before, describe, test } from 'node:test';
import {
  byRole,
  E2E,
  escapeRegExp,
  freePort,
  type ProxyProcess,
  payOnSandbox,
  type Storefront,
  SUITE_TIMEOUT_MS,
  selectedEngines,
} from './support.js';

/** This machine's address on its local network, as a phone on the same Wi-Fi would reach the demo. */
const lanAddress = Object.values(networkInterfaces())
  .flat()
  .find((address) => address?.family === 'IPv4' && !address.internal)?.address;

/** A shop page whose referrer policy hides its origin, with the no-script form pointing at the proxy. */
const hiddenOriginPage = (proxyOrigin: string) => `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Hidden origin shop</title></head>
<body><form method="post" action="${proxyOrigin}/api/checkout">
<input type="hidden" name="product" value="SKU-MUG-LOGO"><button type="submit">Buy</button>
</form></body></html>`;

/**
 * Where merchants really meet the proxy's forms and origin checks: the demo's own no-script form, a shop page that
 * hides its origin, and the demo opened over plain http at a LAN address. (A shop missing from ALLOWED_ORIGINS is in
 * storefront.test.ts.)
 */
for (const engine of selectedEngines()) {
  describe(`forms and origins, in ${engine}`, { timeout: SUITE_TIMEOUT_MS }, () => {
    const e2e = new E2E();
    let proxy: ProxyProcess;
    let shop: Storefront;

    before(async () => {
      const proxyPort = await freePort();
      const proxyOrigin = `http://127.0.0.1:${proxyPort}`;
      shop = await e2e.startStorefront(proxyOrigin, {
        '/hidden': { body: hiddenOriginPage(proxyOrigin), headers: { 'referrer-policy': 'no-referrer' } },
      });
      proxy = await e2e.startProxy(proxyPort, { ALLOWED_ORIGINS: shop.origin });
      await e2e.launchBrowser(engine);
    });

    after(() => e2e.close());

    test('the demo\'s "Without JavaScript" form, served by the proxy, reaches the sandbox checkout', async () => {
      const page = await e2e.newPage();
      await page.goto(proxy.origin);
      await page.select({ label: 'Product' }, 'SKU-STICKERS');
      await page.click(byRole('button', 'Buy'));

      const summary = await payOnSandbox(page, proxy.origin);
      assert.match(summary, /Sticker pack\s+1\s+R\$\s?15\.00/);
    });

    test('when a shop page hides its origin, its form gets a page that tells the owner why and how to fix it, and no link is made', async () => {
      const page = await e2e.newPage();
      await page.goto(`${shop.origin}/hidden`);
      await page.click(byRole('button', 'Buy'));

      await page.waitForURL(new RegExp(`^${escapeRegExp(proxy.origin)}/api/checkout$`));
      await page.waitFor(byRole('heading', 'We could not start the checkout'));
      const owner = await page.text({ css: '.owner' });
      assert.match(owner, /For the store owner/);
      assert.match(owner, /"no-referrer"/);
      assert.match(owner, /"strict-origin-when-cross-origin"/);
      await proxy.flushLogs();
      assert.deepEqual(
        proxy.requests('POST', '/api/checkout', 'null').map(({ res }) => res?.status),
        [403],
      );
    });

    test('over plain http at a LAN address, the demo loads its styles and scripts and breaks no CSP rule', {
      skip: lanAddress === undefined && 'this machine has no LAN address (a non-loopback IPv4 interface)',
    }, async () => {
      const lanProxy = await e2e.startProxy(await freePort(), { HOST: lanAddress! });
      const page = await e2e.newPage();
      await page.goto(lanProxy.origin);

      await page.waitFor(byRole('button', 'Buy Field guide (e-book)'));
      const background = await page.evaluate({ css: 'html' }, 'getComputedStyle(element).backgroundColor');
      assert.equal(background, 'rgb(246, 247, 251)', 'demo.css applied');
      assert.deepEqual(await page.cspViolations(), []);
    });
  });
}
