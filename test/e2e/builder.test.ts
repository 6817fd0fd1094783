import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import type { Tab } from '../support/tabs.js';
import {
  byRole,
  E2E,
  type FixturePage,
  freePort,
  type ProxyProcess,
  payOnSandbox,
  type Storefront,
  SUITE_TIMEOUT_MS,
  selectedEngines,
} from './support.js';

/**
 * The page shows the proxy's random port, so the README's copy is rewritten only on request
 * (`UPDATE_SCREENSHOTS=1 npm run test:e2e`, Chromium's); other runs leave theirs in test-results/.
 */
const screenshotPath = (engine: string) =>
  fileURLToPath(
    new URL(
      process.env.UPDATE_SCREENSHOTS === '1' && engine === 'chromium'
        ? '../../docs/builder.png'
        : `../../test-results/builder-${engine}.png`,
      import.meta.url,
    ),
  );

/** A merchant's page that is nothing but the pasted snippet, optionally under a Content-Security-Policy. */
const pastedInto = (snippet: string, policy?: string): FixturePage => ({
  body: `<!doctype html>\n<html lang="en">\n<head><meta charset="utf-8"><title>My shop</title></head>\n<body>\n${snippet}</body>\n</html>\n`,
  ...(policy && { headers: { 'content-security-policy': policy } }),
});

/** Sets a colour field as the picker would. */
const pickColour = (page: Tab, css: string, value: string) =>
  page.evaluate(
    { css },
    `(element.value = ${JSON.stringify(value)}, element.dispatchEvent(new Event('input', { bubbles: true })), true)`,
  );

/** The snippet the builder shows, after a click on Copy snippet. */
async function copySnippet(page: Tab): Promise<string> {
  await page.click(byRole('button', 'Copy snippet'));
  assert.notEqual(await page.evaluate({ css: '#copied' }, 'element.textContent'), '');
  return page.evaluate({ css: '#snippet' }, 'element.value');
}

/** The text each <checkout-price> renders in its shadow root, once `count` of them show a price. */
async function renderedPrices(page: Tab, count: number): Promise<string[]> {
  const read = () =>
    page.evaluate<string[]>(
      { css: 'body' },
      "[...document.querySelectorAll('checkout-price')].map((price) => price.shadowRoot?.textContent ?? '')",
    );
  for (let attempt = 0; attempt < 100; attempt++) {
    const prices = await read();
    if (prices.filter(Boolean).length >= count) return prices;
    await delay(100);
  }
  return read();
}

for (const engine of selectedEngines()) {
  describe(`the snippet builder, in ${engine}`, { timeout: SUITE_TIMEOUT_MS }, () => {
    const e2e = new E2E();
    const pages: Record<string, FixturePage> = {};
    let proxy: ProxyProcess;
    let storefront: Storefront;

    before(async () => {
      const proxyPort = await freePort();
      storefront = await e2e.startStorefront(`http://127.0.0.1:${proxyPort}`, pages);
      proxy = await e2e.startProxy(proxyPort, { ALLOWED_ORIGINS: storefront.origin });
      await e2e.launchBrowser(engine);
    });

    after(() => e2e.close());

    test('when opened, lists the catalog and the allowed origins, breaks no CSP rule and passes axe (screenshot)', async () => {
      const page = await e2e.newPage();
      await page.goto(`${proxy.origin}/builder`);
      await page.waitFor(byRole('checkbox', 'Logo mug'));
      await page.waitForText('Sandbox: no money moves');
      assert.deepEqual(await page.texts({ css: '#origins li' }), [`${proxy.origin} (this proxy)`, storefront.origin]);

      await page.fill({ css: '#label' }, 'Buy the T-shirt');
      await pickColour(page, '#background', '#0a7d32');
      await renderedPrices(page, 5);
      assert.deepEqual(await page.audit(), []);
      assert.deepEqual(await page.cspViolations(), []);
      mkdirSync(dirname(screenshotPath(engine)), { recursive: true });
      await page.screenshot(screenshotPath(engine));
    });

    test('the snippet from Copy snippet, pasted into a page on an allowed origin, shows prices under a strict CSP and sells the cart', async () => {
      const page = await e2e.newPage();
      await page.goto(`${proxy.origin}/builder`);
      await page.click(byRole('checkbox', 'Logo mug'));
      await page.fill({ css: '[data-quantity-of="Logo mug"]' }, '2');
      await page.fill({ css: '#label' }, 'Pay for my cart');
      const snippet = await copySnippet(page);
      assert.match(snippet, new RegExp(`^<script type="module" src="${proxy.origin}/checkout-button.js"></script>\n`));

      // Strict, with Trusted Types: what the snippet needs is the proxy, and nothing inline.
      const policy = `default-src 'none'; script-src ${proxy.origin}; connect-src ${proxy.origin}; require-trusted-types-for 'script'; trusted-types lit-html`;
      pages['/shop.html'] = pastedInto(snippet, policy);
      await page.goto(`${storefront.origin}/shop.html`);
      assert.deepEqual(await renderedPrices(page, 2), ['was R$99.90now R$79.90', 'R$79.80']);
      await page.click(byRole('button', 'Pay for my cart'));
      const summary = await payOnSandbox(page, proxy.origin);
      assert.match(summary, /Black T-shirt \(M\)\s+1\s+R\$\s?79\.90/);
      assert.match(summary, /Logo mug\s+2\s+R\$\s?79\.80/);
      assert.match(summary, /Total\s+R\$\s?159\.70/);
      assert.deepEqual(
        (await page.cspViolations()).filter((violation) => !violation.includes('/favicon.ico')),
        [],
      );
    });

    test('the no-script form in the snippet sells with scripting off', {
      // As in the storefront test: the engines run this form as any form; the Firefox and WebKit drivers cannot
      // drive a page with JavaScript off.
      skip: engine !== 'chromium' && `the ${engine} driver cannot drive a page with JavaScript off`,
    }, async () => {
      const page = await e2e.newPage();
      await page.goto(`${proxy.origin}/builder`);
      await page.click(byRole('checkbox', 'Black T-shirt (M)'));
      await page.click(byRole('checkbox', 'Sticker pack'));
      await page.fill({ css: '[data-quantity-of="Sticker pack"]' }, '3');
      await page.click(byRole('checkbox', 'Add a plain form for shoppers without JavaScript'));
      pages['/no-script.html'] = pastedInto(await copySnippet(page));

      const noScript = await e2e.newPage({ javaScript: false });
      await noScript.goto(`${storefront.origin}/no-script.html`);
      await noScript.click({ css: 'form button[type="submit"]' });
      assert.match(await payOnSandbox(noScript, proxy.origin), /Sticker pack\s+3\s+R\$\s?45\.00/);
    });

    test('a click on the preview shows the request it would send and stays on the page', async () => {
      const page = await e2e.newPage();
      await page.goto(`${proxy.origin}/builder`);
      await page.waitFor(byRole('checkbox', 'Logo mug'));
      await page.click(byRole('button', 'Buy now', '#preview'));
      await page.waitForText('A click sends this to the proxy, and nothing more:');
      assert.match(await page.text({ css: '#would pre' }), /"product": "SKU-TSHIRT-BLACK-M"/);
      assert.equal(await page.url(), `${proxy.origin}/builder`);
    });

    test('when the colours are hard to read, says so', async () => {
      const page = await e2e.newPage();
      await page.goto(`${proxy.origin}/builder`);
      await page.waitFor(byRole('checkbox', 'Logo mug'));
      await pickColour(page, '#color', '#6b7280');
      await page.waitForText("The label's contrast is 3.0:1");
      await page.click(byRole('button', 'Reset colours'));
      // Empty, the hint is not displayed, so it is read through the document.
      assert.equal(await page.evaluate({ css: 'body' }, "document.getElementById('contrast').textContent"), '');
    });

    test('the language toggle switches to Portuguese and back', async () => {
      const page = await e2e.newPage();
      await page.goto(`${proxy.origin}/builder`);
      await page.click(byRole('button', 'Português'));
      await page.waitFor(byRole('heading', 'Crie um botão de compra para o seu site'));
      await page.waitFor(byRole('button', 'Copiar snippet'));
      assert.equal(await page.evaluate({ css: 'html' }, 'element.lang'), 'pt-BR');
      await page.click(byRole('button', 'English'));
      await page.waitFor(byRole('heading', 'Make a Buy button for your site'));
    });
  });
}

describe('the snippet builder on a proxy with a real provider key', { timeout: SUITE_TIMEOUT_MS }, () => {
  const e2e = new E2E();
  let proxy: ProxyProcess;

  before(async () => {
    // The key is never used: the preview must not call the provider, which is an unused loopback port.
    proxy = await e2e.startProxy(await freePort(), {
      PAGOU_API_KEY: 'pk_live_builder_test',
      PAGOU_API_URL: `http://127.0.0.1:${await freePort()}`,
      // A real key needs the operator's own catalog; the demo's stands in for it here.
      CATALOG_FILE: fileURLToPath(new URL('../../demo/catalog.json', import.meta.url)),
      BUILDER: 'on',
    });
    await e2e.launchBrowser(selectedEngines()[0]!);
  });

  after(() => e2e.close());

  test('a click on the preview creates no link: the proxy is never asked', async () => {
    const page = await e2e.newPage();
    await page.goto(`${proxy.origin}/builder`);
    await page.waitForText('Live: a real provider key is set');
    assert.equal(await page.isVisible({ css: '#follow-field' }), false);
    await page.click(byRole('button', 'Buy now', '#preview'));
    await page.waitForText('The preview never creates a link');
    await proxy.flushLogs();
    assert.deepEqual(proxy.requests('POST', '/api/checkout'), []);
  });
});
