import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import {
  E2E,
  escapeRegExp,
  freePort,
  type ProxyProcess,
  payOnSandbox,
  recordCspViolations,
  SUITE_TIMEOUT_MS,
} from './support.js';

const screenshotPath = fileURLToPath(new URL('../../docs/demo.png', import.meta.url));

/** The demo store as `npm start` serves it: from the proxy itself, under the proxy's own CSP. */
describe('the demo store served by the proxy', { timeout: SUITE_TIMEOUT_MS }, () => {
  const e2e = new E2E();
  let proxy: ProxyProcess;

  before(async () => {
    // As npm start runs it: sandbox mode, which also allows value-only links for the donate button.
    proxy = await e2e.startProxy(await freePort());
    await e2e.launchBrowser();
  });

  after(() => e2e.close());

  test('when loaded, it lists the catalog with formatted prices and breaks no CSP rule (screenshot: docs/demo.png)', async () => {
    const page = await e2e.newPage({ colorScheme: 'light' });
    const violations = await recordCspViolations(page);
    await page.goto(proxy.origin);

    await page.getByRole('button', { name: 'Buy Field guide (e-book)' }).waitFor();
    const prices = await page.locator('.product-card .price').allInnerTexts();
    assert.deepEqual(
      prices.map((price) => price.replace(/\s+/g, ' ')),
      ['R$79.90 was R$99.90', 'R$39.90', 'R$15.00', 'R$29.00'],
    );
    await page.getByText('Signed in as demo-customer').waitFor();
    assert.deepEqual(violations, []);

    mkdirSync(dirname(screenshotPath), { recursive: true });
    await page.screenshot({ path: screenshotPath, fullPage: true, animations: 'disabled', caret: 'hide' });
  });

  test('the Lago button gets a customer token from the demo backend, and the set-up page saves a payment method', async () => {
    const page = await e2e.newPage();
    await page.goto(proxy.origin);
    const button = page.getByRole('button', { name: 'Add a payment method' });
    await page.getByText('Signed in as demo-customer').waitFor();
    await button.click();

    await page.waitForURL(new RegExp(`^${escapeRegExp(proxy.origin)}/sandbox/setup/[\\w-]+$`));
    assert.match(await page.locator('main').innerText(), /demo-customer/);
    await page.getByRole('button', { name: 'Save payment method' }).click();
    await page.waitForURL(/\/sandbox\/setup\/[\w-]+\/saved$/);
    assert.equal(await page.locator('h1.done').innerText(), 'Payment method saved');
  });

  test('the cart the page updates through items checks out exactly what its steppers show', async () => {
    const page = await e2e.newPage();
    await page.goto(proxy.origin);
    await page.getByRole('button', { name: 'One more Logo mug' }).click();
    await page.getByRole('button', { name: 'One more Logo mug' }).click();
    await page.getByRole('button', { name: 'One less Sticker pack' }).click();
    await page.getByRole('button', { name: 'One more Field guide (e-book)' }).click();
    assert.match(await page.locator('#cart-total').innerText(), /^R\$\s?108\.80$/);

    await page.getByRole('button', { name: 'Check out' }).click();
    const summary = await payOnSandbox(page, proxy.origin);
    assert.match(summary, /Logo mug\s+2\s+R\$\s?79\.80/);
    assert.match(summary, /Field guide \(e-book\)\s+1\s+R\$\s?29\.00/);
    assert.doesNotMatch(summary, /Sticker pack/);
    assert.match(summary, /Total R\$\s?108\.80/);
  });

  test('the donate button makes a value-only checkout for its amount', async () => {
    const page = await e2e.newPage();
    await page.goto(proxy.origin);
    await page.getByRole('button', { name: 'Donate R$ 25' }).click();

    const summary = await payOnSandbox(page, proxy.origin);
    assert.match(summary, /Amount\s+R\$\s?25\.00/);
  });

  test('the new-tab button opens the checkout in a new tab, and the store stays open and logs the events', async () => {
    const page = await e2e.newPage();
    await page.goto(proxy.origin);
    const [checkoutTab] = await Promise.all([
      page.context().waitForEvent('page'),
      page.getByRole('button', { name: 'Buy the e-book in a new tab' }).click(),
    ]);

    await payOnSandbox(checkoutTab, proxy.origin);
    assert.equal(page.url(), `${proxy.origin}/`);
    const log = page.getByRole('list', { name: 'Checkout events' });
    await log.getByText('checkout-success').waitFor();
    assert.deepEqual(await log.locator('.event-name').allInnerTexts(), ['checkout-success', 'checkout-start']);
  });
});
