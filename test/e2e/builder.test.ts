import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import {
  E2E,
  type FixturePage,
  freePort,
  type ProxyProcess,
  payOnSandbox,
  recordCspViolations,
  type Storefront,
  SUITE_TIMEOUT_MS,
} from './support.js';

/**
 * The page shows the proxy's random port, so the README's copy is rewritten only on request
 * (`UPDATE_SCREENSHOTS=1 npm run test:e2e`); other runs leave theirs in test-results/ to look at.
 */
const screenshotPath = fileURLToPath(
  new URL(
    process.env.UPDATE_SCREENSHOTS === '1' ? '../../docs/builder.png' : '../../test-results/builder.png',
    import.meta.url,
  ),
);
const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** axe's violations on the page, as "rule: target" lines. Evaluated by the browser's devtools, so the page's CSP allows it. */
async function accessibilityViolations(page: Page): Promise<string[]> {
  await page.evaluate(axeSource);
  return page.evaluate(async () => {
    const { violations } = await (
      window as unknown as {
        axe: { run(): Promise<{ violations: Array<{ id: string; nodes: Array<{ target: string[] }> }> }> };
      }
    ).axe.run();
    return violations.flatMap(({ id, nodes }) => nodes.map(({ target }) => `${id}: ${target.join(' ')}`));
  });
}

/** A merchant's page that is nothing but the pasted snippet, optionally under a Content-Security-Policy. */
const pastedInto = (snippet: string, policy?: string): FixturePage => ({
  body: `<!doctype html>\n<html lang="en">\n<head><meta charset="utf-8"><title>My shop</title></head>\n<body>\n${snippet}</body>\n</html>\n`,
  ...(policy && { headers: { 'content-security-policy': policy } }),
});

// Five browser tests, two of them through the sandbox checkout: twice one suite's bound.
describe('the snippet builder', { timeout: 2 * SUITE_TIMEOUT_MS }, () => {
  const e2e = new E2E();
  const pages: Record<string, FixturePage> = {};
  let proxy: ProxyProcess;
  let storefront: Storefront;

  before(async () => {
    const proxyPort = await freePort();
    storefront = await e2e.startStorefront(`http://127.0.0.1:${proxyPort}`, pages);
    proxy = await e2e.startProxy(proxyPort, { ALLOWED_ORIGINS: storefront.origin });
    await e2e.launchBrowser();
  });

  after(() => e2e.close());

  test('when opened, lists the catalog and the allowed origins, breaks no CSP rule and passes axe (screenshot)', async () => {
    const page = await e2e.newPage({ colorScheme: 'light' });
    const violations = await recordCspViolations(page);
    await page.goto(`${proxy.origin}/builder`);
    await page.getByRole('checkbox', { name: 'Logo mug' }).waitFor();
    assert.equal(await page.getByText('Sandbox: no money moves').count(), 1);
    assert.deepEqual(await page.locator('#origins li').allInnerTexts(), [
      `${proxy.origin} (this proxy)`,
      storefront.origin,
    ]);

    await page.getByLabel('Button text').fill('Buy the T-shirt');
    await page.locator('#background').fill('#0a7d32');
    await page.getByText('R$39.90', { exact: true }).waitFor();
    assert.deepEqual(await accessibilityViolations(page), []);
    assert.deepEqual(violations, []);
    mkdirSync(dirname(screenshotPath), { recursive: true });
    await page.screenshot({ path: screenshotPath, fullPage: true, animations: 'disabled', caret: 'hide' });
  });

  test('the snippet copied with one click, pasted into a page on an allowed origin, shows prices under a strict CSP and sells the cart', async () => {
    const page = await e2e.newPage({ permissions: ['clipboard-read', 'clipboard-write'] });
    await page.goto(`${proxy.origin}/builder`);
    await page.getByRole('checkbox', { name: 'Logo mug' }).check();
    await page.getByLabel('Quantity of Logo mug').fill('2');
    await page.getByLabel('Button text').fill('Pay for my cart');
    await page.getByRole('button', { name: 'Copy snippet' }).click();
    await page.getByText('Copied. Paste it into your site.').waitFor();
    const snippet = await page.evaluate(() => navigator.clipboard.readText());
    assert.match(snippet, new RegExp(`^<script type="module" src="${proxy.origin}/checkout-button.js"></script>\n`));

    // Strict, with Trusted Types: what the snippet needs is the proxy, and nothing inline.
    const policy = `default-src 'none'; script-src ${proxy.origin}; connect-src ${proxy.origin}; require-trusted-types-for 'script'; trusted-types lit-html`;
    pages['/shop.html'] = pastedInto(snippet, policy);
    const violations = await recordCspViolations(page);
    await page.goto(`${storefront.origin}/shop.html`);
    const prices = page.locator('checkout-price');
    await prices.nth(1).getByText('R$79.80').waitFor();
    assert.deepEqual(await prices.evaluateAll((elements) => elements.map((price) => price.shadowRoot?.textContent)), [
      'was R$99.90now R$79.90',
      'R$79.80',
    ]);
    assert.deepEqual(violations, []);
    await page.getByRole('button', { name: 'Pay for my cart' }).click();
    const summary = await payOnSandbox(page, proxy.origin);
    assert.match(summary, /Black T-shirt \(M\)\s+1\s+R\$\s?79\.90/);
    assert.match(summary, /Logo mug\s+2\s+R\$\s?79\.80/);
    assert.match(summary, /Total R\$\s?159\.70/);
  });

  test('the no-script form in the snippet sells with scripting off', async () => {
    const page = await e2e.newPage({ permissions: ['clipboard-read', 'clipboard-write'] });
    await page.goto(`${proxy.origin}/builder`);
    await page.getByRole('checkbox', { name: 'Black T-shirt (M)' }).uncheck();
    await page.getByRole('checkbox', { name: 'Sticker pack' }).check();
    await page.getByLabel('Quantity of Sticker pack').fill('3');
    await page.getByRole('checkbox', { name: 'Add a plain form for shoppers without JavaScript' }).check();
    await page.getByRole('button', { name: 'Copy snippet' }).click();
    pages['/no-script.html'] = pastedInto(await page.evaluate(() => navigator.clipboard.readText()));

    const noScript = await e2e.newPage({ javaScriptEnabled: false });
    await noScript.goto(`${storefront.origin}/no-script.html`);
    await noScript.getByRole('button', { name: 'Buy now' }).click();
    assert.match(await payOnSandbox(noScript, proxy.origin), /Sticker pack\s+3\s+R\$\s?45\.00/);
  });

  test('a click on the preview shows the request it would send and stays on the page', async () => {
    const page = await e2e.newPage();
    await page.goto(`${proxy.origin}/builder`);
    await page.getByRole('checkbox', { name: 'Logo mug' }).waitFor();
    await page.locator('#preview').getByRole('button', { name: 'Buy now' }).click();
    await page.getByText('A click sends this to the proxy, and nothing more:').waitFor();
    assert.match(await page.locator('#would pre').innerText(), /"product": "SKU-TSHIRT-BLACK-M"/);
    assert.equal(page.url(), `${proxy.origin}/builder`);
  });

  test('when the colours are hard to read, says so', async () => {
    const page = await e2e.newPage();
    await page.goto(`${proxy.origin}/builder`);
    await page.locator('#color').fill('#6b7280');
    await page.getByText("The label's contrast is 3.0:1").waitFor();
    await page.getByRole('button', { name: 'Reset colours' }).click();
    assert.equal(await page.locator('#contrast').textContent(), '');
  });

  test('under Accept-Language pt-BR, speaks Portuguese, and the toggle switches to English', async () => {
    const page = await e2e.newPage({ locale: 'pt-BR' });
    await page.goto(`${proxy.origin}/builder`);
    await page.getByRole('heading', { name: 'Crie um botão de compra para o seu site' }).waitFor();
    await page.getByText('R$ 39,90', { exact: true }).waitFor();
    assert.equal(await page.getByRole('button', { name: 'Copiar snippet' }).count(), 1);
    await page.getByRole('button', { name: 'English' }).click();
    await page.getByRole('heading', { name: 'Make a Buy button for your site' }).waitFor();
    assert.equal(await page.locator('html').getAttribute('lang'), 'en');
  });
});

describe('the snippet builder on a proxy with a real provider key', { timeout: SUITE_TIMEOUT_MS }, () => {
  const e2e = new E2E();
  let proxy: ProxyProcess;

  before(async () => {
    // The key is never used: the preview must not call the provider, which is an unused loopback port.
    proxy = await e2e.startProxy(await freePort(), {
      PAGOU_API_KEY: 'pk_live_builder_test',
      PAGOU_API_URL: `http://127.0.0.1:${await freePort()}`,
      BUILDER: 'on',
    });
    await e2e.launchBrowser();
  });

  after(() => e2e.close());

  test('a click on the preview creates no link: the proxy is never asked', async () => {
    const page = await e2e.newPage();
    await page.goto(`${proxy.origin}/builder`);
    await page.getByText('Live: a real provider key is set').waitFor();
    assert.equal(await page.getByText('Follow the link').isVisible(), false);
    await page.locator('#preview').getByRole('button', { name: 'Buy now' }).click();
    await page.getByText('The preview never creates a link').waitFor();
    await proxy.flushLogs();
    assert.deepEqual(proxy.requests('POST', '/api/checkout'), []);
  });
});
