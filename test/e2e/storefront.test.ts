import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
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

/** Shows each checkout-error's detail: the shop's own script, a file, so that a policy without inline scripts runs it. */
const lastError = `document.addEventListener('checkout-error', (event) => {
  document.getElementById('last-error').textContent = JSON.stringify(event.detail);
});
`;

/** A shop page in `lang` whose one button, labelled `label`, names a product the catalog lacks. */
const failingPage = (proxyOrigin: string, lang: string, label: string) =>
  shopPage(
    proxyOrigin,
    'A shop with a retired product',
    `  <div lang="${lang}">
  <h1>Retired mug</h1>
  <checkout-button endpoint="${proxyOrigin}" product="SKU-RETIRED">${label}</checkout-button>
  <pre id="last-error"></pre>
  </div>
  <script type="module" src="/last-error.js"></script>`,
  );

/** Lets in the widget's script by its exact URL, and so nothing beside it: a path source matches exactly. */
const scriptOnlyPolicy = (proxyOrigin: string) =>
  `default-src 'none'; script-src ${proxyOrigin}/checkout-button.js 'self'; connect-src ${proxyOrigin}`;

/** Where test output goes: a failure message to be looked at in each engine. */
const screenshotPath = (engine: string) =>
  fileURLToPath(new URL(`../../test-results/failure-message-${engine}.png`, import.meta.url));

/** The button's label on the Portuguese pages. */
const PT_LABEL = 'Comprar um produto retirado';

/**
 * The demo storefront on a merchant's own site: served from another origin than the proxy, with
 * the widget's script tag and the no-script form pointing at the proxy, as a merchant embeds it.
 */
for (const engine of selectedEngines()) {
  describe(`a storefront on another origin, in ${engine}`, { timeout: SUITE_TIMEOUT_MS }, () => {
    const e2e = new E2E();
    let proxy: ProxyProcess;
    let allowed: Storefront;
    let notAllowed: Storefront;

    before(async () => {
      const proxyPort = await freePort();
      const proxyOrigin = `http://127.0.0.1:${proxyPort}`;
      const portuguese = failingPage(proxyOrigin, 'pt-BR', PT_LABEL);
      allowed = await e2e.startStorefront(proxyOrigin, {
        '/failing.html': { body: failingPage(proxyOrigin, 'en', 'Buy a retired product') },
        '/falha.html': { body: portuguese },
        '/falha-sem-mensagens.html': {
          body: portuguese,
          headers: { 'content-security-policy': scriptOnlyPolicy(proxyOrigin) },
        },
        '/last-error.js': { body: lastError, headers: { 'content-type': 'text/javascript; charset=utf-8' } },
      });
      notAllowed = await e2e.startStorefront(proxyOrigin);
      proxy = await e2e.startProxy(proxyPort, { ALLOWED_ORIGINS: allowed.origin });
      await e2e.launchBrowser(engine);
    });

    after(() => e2e.close());

    test('when its origin is allowed, a click reaches the sandbox checkout and the shopper can pay', async () => {
      const page = await e2e.newPage();
      await page.goto(allowed.origin);
      await page.click(byRole('button', 'Buy Logo mug'));

      const summary = await payOnSandbox(page, proxy.origin);
      assert.match(summary, /Logo mug/);
      assert.match(summary, /R\$\s?39\.90/);
      await proxy.flushLogs();
      assert.deepEqual(
        proxy.requests('POST', '/api/checkout', allowed.origin).map(({ res }) => res?.status),
        [201],
      );
    });

    test('when its origin is not allowed, the widget shows an error, fires checkout-error with origin_not_allowed and the proxy makes no link', async () => {
      const page = await e2e.newPage();
      await page.goto(notAllowed.origin);
      // What the merchant's own script hears: the refusal's reason, not a network failure.
      await page.evaluate(
        { css: 'body' },
        "(addEventListener('checkout-error', ({ detail }) => (element.dataset.checkoutError = detail.code)), true)",
      );
      // The catalog is refused too, so use a button written in the page.
      await page.click(byRole('button', 'Buy the starter bundle'));

      const alert = byRole('alert', undefined, '#bundle-button');
      await page.waitFor(alert);
      await assert.doesNotReject(
        (async () => {
          for (let tries = 0; !/\S/.test(await page.text(alert)); tries++) {
            assert.ok(tries < 100, 'the alert stayed empty');
            await new Promise((resolve) => setTimeout(resolve, 50));
          }
        })(),
      );
      assert.match(await page.text(alert), /\w/);
      assert.equal(await page.evaluate({ css: 'body' }, 'element.dataset.checkoutError'), 'origin_not_allowed');
      assert.equal(new URL(await page.url()).origin, notAllowed.origin);

      await proxy.flushLogs();
      // One preflight, the warm-up's when the pointer reached the button, or one more for the checkout in an
      // engine that keeps no preflights (the Firefox these tests drive sends one every time).
      const preflights = proxy.requests('OPTIONS', '/api/checkout', notAllowed.origin).map(({ res }) => res?.status);
      assert.ok(preflights.length >= 1, 'a preflight came');
      assert.deepEqual(
        preflights.filter((status) => status !== 204),
        [],
        'the preflights pass, so the browser lets the page read the refusal',
      );
      assert.deepEqual(
        proxy.requests('POST', '/api/checkout', notAllowed.origin).map(({ res }) => res?.status),
        [403],
        'the checkout was refused before any link was made',
      );
    });

    test('with JavaScript disabled, the plain form reaches the sandbox checkout and the shopper can pay', {
      // The engines run this form as they run any form; what they lack is a way for a test to drive a page with script
      // off. Firefox 153 ESR's WebDriver BiDi has no per-page switch (emulation.setScriptingEnabled), and with its
      // javascript.enabled preference off BiDi can script nothing, not even a test's reads. WebKitWebDriver never
      // finishes a navigation in MiniBrowser started with --enable-javascript=false.
      skip: engine !== 'chromium' && `the ${engine} driver cannot drive a page with JavaScript off`,
    }, async () => {
      const page = await e2e.newPage({ javaScript: false });
      await page.goto(allowed.origin);
      assert.equal(await page.isVisible(byRole('heading', 'Products')), false, 'what needs script is hidden');
      await page.select({ label: 'Product' }, 'SKU-STICKERS');
      await page.fill({ label: 'Quantity' }, '3');
      await page.click(byRole('button', 'Buy'));

      const summary = await payOnSandbox(page, proxy.origin);
      assert.match(summary, /Sticker pack\s+3\s+R\$\s?45\.00/);
    });

    test('when a checkout fails, the button says why, fires checkout-error and the page passes an axe audit', async () => {
      const page = await e2e.newPage();
      await page.goto(`${allowed.origin}/failing.html`);
      await page.click(byRole('button', 'Buy a retired product'));

      const alert = byRole('alert', undefined, 'checkout-button');
      await page.waitForText('This product is no longer available.', alert);
      await page.waitForText('unknown_product', { css: '#last-error' });
      const { status, code, message, problem } = JSON.parse(await page.text({ css: '#last-error' }));
      assert.deepEqual(
        { status, code, message, problemCode: problem.code },
        {
          status: 422,
          code: 'unknown_product',
          message: 'This product is no longer available.',
          problemCode: 'unknown_product',
        },
      );
      assert.deepEqual(await page.audit(), []);
    });

    test('when a checkout fails, the messages come from beside the script and read in the page language', async () => {
      const page = await e2e.newPage();
      await page.goto(`${allowed.origin}/falha.html`);
      await page.click(byRole('button', PT_LABEL));

      // Only the messages chunk has this sentence.
      await page.waitForText('Este produto não está mais disponível.', byRole('alert', undefined, 'checkout-button'));
      await page.waitForText('unknown_product', { css: '#last-error' });
      assert.equal(
        JSON.parse(await page.text({ css: '#last-error' })).message,
        'Este produto não está mais disponível.',
      );

      mkdirSync(dirname(screenshotPath(engine)), { recursive: true });
      await page.screenshot(screenshotPath(engine));
    });

    test('when the page may load the script but not its messages, the shopper still reads why in its language', async () => {
      const page = await e2e.newPage();
      await page.goto(`${allowed.origin}/falha-sem-mensagens.html`);
      await page.click(byRole('button', PT_LABEL));

      const unavailable = 'O pagamento está indisponível agora. Tente de novo em breve.';
      await page.waitForText(unavailable, byRole('alert', undefined, 'checkout-button'));
      await page.waitForText('unknown_product', { css: '#last-error' });
      const { status, code, message } = JSON.parse(await page.text({ css: '#last-error' }));
      assert.deepEqual({ status, code, message }, { status: 422, code: 'unknown_product', message: unavailable });
    });

    test('with the keyboard only, Tab and Enter reach the sandbox checkout', async () => {
      const page = await e2e.newPage();
      await page.goto(allowed.origin);
      const firstBuy = byRole('button', 'Buy Black T-shirt (M)');
      await page.waitFor(firstBuy);

      // Tab through the page, as a keyboard user does, until the first product's button has focus.
      let presses = 0;
      while (!(await page.isFocused(firstBuy))) {
        assert.ok(
          ++presses <= 20,
          `Tab did not reach the first Buy button in 20 presses (focus is on ${await page.focusDescription()})`,
        );
        await page.press('Tab');
      }
      await page.press('Enter');

      await payOnSandbox(page, proxy.origin);
    });
  });
}
