/**
 * The widget as a shopper meets it: its compressed size as the proxy serves it, and in headless
 * Chromium the time from navigation to a rendered button and from a click to the navigation to
 * the checkout page. The storefront is a loopback static server on another origin, as on a real
 * shop; the checkout page it is sent to is on that server too, so nothing leaves the machine.
 */
import { once } from 'node:events';
import { readdirSync } from 'node:fs';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { chromiumArgs } from '../test/support/browsers.js';
import { percentile } from './load.js';

const widgetDirectory = fileURLToPath(new URL('../dist/widget/', import.meta.url));

export interface WidgetResult {
  /** The script: what a storefront downloads before the button works. */
  gzipBytes: number;
  plainBytes: number;
  /** The script and every chunk beside it (the failure messages, fetched after a failure), as served. */
  totalGzipBytes: number;
  /** Navigation start → first frame with the button in the shadow root, cold cache, per page load. */
  renderMs: { p50: number; runs: number[] };
  /** Click → navigation start of the checkout page; first click cold, then warm (script and preflight cached). */
  clickMs: { first: number; p50: number; p90: number; runs: number[] };
}

const storefront = (proxyUrl: string, product: string) => `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Storefront</title>
<script type="module" src="${proxyUrl}/checkout-button.js"></script>
<script>
  customElements.whenDefined('checkout-button').then(async () => {
    await document.querySelector('checkout-button').updateComplete;
    requestAnimationFrame(() => { window.renderedAt = performance.now(); });
  });
</script></head>
<body><checkout-button product="${product}">Buy</checkout-button></body></html>`;

/** The storefront and the "hosted checkout" page it is sent to, on one loopback origin. */
export async function startStorefront(): Promise<{
  url: string;
  setProxy(url: string, product: string): void;
  close(): Promise<void>;
}> {
  let page = '';
  const server: Server = createServer((req, res) => {
    if (req.url === '/')
      return void res
        .writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' })
        .end(page);
    if (req.url?.startsWith('/checkout/'))
      return void res
        .writeHead(200, { 'content-type': 'text/html; charset=utf-8' })
        .end('<!doctype html><title>Checkout</title><p>Hosted checkout</p>');
    res.writeHead(404).end();
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    setProxy: (proxyUrl, product) => (page = storefront(proxyUrl, product)),
    async close() {
      server.closeAllConnections();
      server.close();
      await once(server, 'close');
    },
  };
}

/** Bytes on the wire for a file of the widget, compressed (as browsers ask for it) and not. */
function scriptBytes(proxyUrl: string, encoding: 'gzip' | 'identity', file = 'checkout-button.js'): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(`${proxyUrl}/${file}`, { headers: { 'accept-encoding': encoding } }, (res) => {
      if (res.statusCode !== 200)
        return reject(new Error(`GET /${file} answered ${res.statusCode}; is the widget built?`));
      if (encoding === 'gzip' && res.headers['content-encoding'] !== 'gzip')
        return reject(new Error(`/${file} was not served gzipped`));
      let bytes = 0;
      res.on('data', (chunk: Buffer) => (bytes += chunk.byteLength));
      res.once('end', () => resolve(bytes));
    });
    req.once('error', reject);
    req.end();
  });
}

export async function measureWidget(options: {
  proxyUrl: string;
  storefrontUrl: string;
  renders: number;
  clicks: number;
}): Promise<WidgetResult> {
  const gzipBytes = await scriptBytes(options.proxyUrl, 'gzip');
  const plainBytes = await scriptBytes(options.proxyUrl, 'identity');
  const chunks = readdirSync(widgetDirectory).filter((name) => /^checkout-button-.+\.js$/.test(name));
  let totalGzipBytes = gzipBytes;
  for (const chunk of chunks) totalGzipBytes += await scriptBytes(options.proxyUrl, 'gzip', chunk);
  const browser = await chromium.launch({
    executablePath: process.env.CHROME_PATH ?? '/usr/bin/chromium',
    args: chromiumArgs,
    headless: true,
  });
  try {
    const renders: number[] = [];
    for (let run = 0; run < options.renders; run += 1) {
      const context = await browser.newContext();
      const page = await context.newPage();
      await page.goto(options.storefrontUrl);
      renders.push(
        await page
          .waitForFunction(() => (window as unknown as { renderedAt?: number }).renderedAt, undefined, {
            timeout: 10_000,
          })
          .then((handle) => handle.jsonValue() as Promise<number>),
      );
      await context.close();
    }

    const clicks: number[] = [];
    const context = await browser.newContext();
    const page = await context.newPage();
    for (let run = 0; run < options.clicks; run += 1) {
      await page.goto(options.storefrontUrl);
      await page.waitForFunction(() => (window as unknown as { renderedAt?: number }).renderedAt, undefined, {
        timeout: 10_000,
      });
      const clickedAt = await page.evaluate(() => {
        const at = performance.timeOrigin + performance.now();
        document.querySelector('checkout-button')!.shadowRoot!.querySelector('button')!.click();
        return at;
      });
      await page.waitForURL('**/checkout/**', { timeout: 10_000 });
      clicks.push((await page.evaluate(() => performance.timeOrigin)) - clickedAt);
    }
    await context.close();

    const sortedRenders = [...renders].sort((a, b) => a - b);
    const warm = clicks.slice(1).sort((a, b) => a - b);
    return {
      gzipBytes,
      plainBytes,
      totalGzipBytes,
      renderMs: { p50: percentile(sortedRenders, 0.5), runs: renders },
      clickMs: { first: clicks[0]!, p50: percentile(warm, 0.5), p90: percentile(warm, 0.9), runs: clicks },
    };
  } finally {
    await browser.close();
  }
}
