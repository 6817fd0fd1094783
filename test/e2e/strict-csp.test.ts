import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  byRole,
  E2E,
  freePort,
  type ProxyProcess,
  payOnSandbox,
  type Storefront,
  SUITE_TIMEOUT_MS,
  selectedEngines,
  shopPage,
} from './support.js';

/**
 * A merchant page under the strictest policy that still lets the widget in: scripts and requests
 * only to the proxy, no styles at all, no inline anything, and Trusted Types enforced.
 */
const strictPolicy = (proxyOrigin: string) =>
  [
    "default-src 'none'",
    `script-src ${proxyOrigin}`,
    `connect-src ${proxyOrigin}`,
    "style-src 'none'",
    "img-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
    "require-trusted-types-for 'script'",
    // The widget writes no HTML, so it needs no policy: none may be created.
    "trusted-types 'none'",
  ].join('; ');

const strictPage = (proxyOrigin: string) =>
  shopPage(
    proxyOrigin,
    'A shop with a strict policy',
    `  <h1>Logo mug</h1>
  <checkout-button endpoint="${proxyOrigin}" product="SKU-MUG-LOGO" quantity="2">Buy two mugs</checkout-button>`,
  );

for (const engine of selectedEngines()) {
  describe(`a storefront with a strict Content-Security-Policy and Trusted Types, in ${engine}`, {
    timeout: SUITE_TIMEOUT_MS,
  }, () => {
    const e2e = new E2E();
    let proxy: ProxyProcess;
    let storefront: Storefront;

    before(async () => {
      const proxyPort = await freePort();
      const proxyOrigin = `http://127.0.0.1:${proxyPort}`;
      storefront = await e2e.startStorefront(proxyOrigin, {
        '/strict.html': {
          body: strictPage(proxyOrigin),
          headers: { 'content-security-policy': strictPolicy(proxyOrigin) },
        },
      });
      proxy = await e2e.startProxy(proxyPort, { ALLOWED_ORIGINS: storefront.origin });
      await e2e.launchBrowser(engine);
    });

    after(() => e2e.close());

    test('when the shopper buys, no violation is reported and the checkout still completes', async () => {
      const page = await e2e.newPage();
      await page.goto(`${storefront.origin}/strict.html`);

      const button = byRole('button', 'Buy two mugs');
      // The widget's own styles apply (constructed style sheets are not inline styles): it is laid out as a button.
      assert.equal(await page.evaluate(button, 'getComputedStyle(element).cursor'), 'pointer');
      await page.click(button);

      const summary = await payOnSandbox(page, proxy.origin);
      assert.match(summary, /Logo mug\s+2\s+R\$\s?79\.80/);
      // Firefox asks for /favicon.ico on its own, and the page's img-src 'none' blocks it: the browser's request, not the widget's.
      const violations = await page.cspViolations();
      assert.deepEqual(
        violations.filter((violation) => !violation.includes('/favicon.ico ')),
        [],
      );
    });
  });
}
