import assert from 'node:assert/strict';
import { once } from 'node:events';
import { existsSync, readFileSync } from 'node:fs';
import { createServer, type OutgoingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { basename, extname, join } from 'node:path';
import type { Engine } from '../support/browsers.js';
import { type ProxyProcess, repoRoot, startProxy } from '../support/processes.js';
import { byRole, type Driver, launch, type Tab, type TabOptions } from '../support/tabs.js';

const widgetBundle = join(repoRoot, 'dist', 'widget', 'checkout-button.js');
const demoPublic = join(repoRoot, 'demo', 'public');

/** A bound on one engine's run of a test file, so a hang fails the run instead of stalling it. */
export const SUITE_TIMEOUT_MS = 120_000;

export { selectedEngines } from '../support/browsers.js';
export { freePort, type LogEntry, type ProxyProcess } from '../support/processes.js';

/** A merchant's page that loads the widget from the proxy, with `main` as its content. */
export const shopPage = (proxyOrigin: string, title: string, main: string): string => `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>${title}</title>
<script type="module" src="${proxyOrigin}/checkout-button.js"></script>
</head>
<body>
<main>
${main}
</main>
</body>
</html>
`;

export interface FixturePage {
  body: string;
  headers?: OutgoingHttpHeaders;
}

/** A static web server on its own port: a storefront on an origin other than the proxy's. */
export interface Storefront {
  origin: string;
}

/**
 * Starts servers and a browser and stops all of them in `close()`, whatever failed in between:
 * call `close()` from `after()` and no process or port outlives the test file.
 */
export class E2E {
  readonly #closers: Array<() => Promise<void>> = [];
  #driver: Driver | undefined;

  get driver(): Driver {
    assert.ok(this.#driver, 'launchBrowser() has not run');
    return this.#driver;
  }

  /**
   * The built proxy on `port` (on loopback, unless `env.HOST` names another of this machine's
   * addresses), configured by `env` and nothing else: it runs in an empty working directory so a
   * developer's `.env` cannot point the tests at a real provider.
   */
  async startProxy(port: number, env: Record<string, string> = {}): Promise<ProxyProcess> {
    if (!existsSync(widgetBundle))
      throw new Error(
        `${widgetBundle} is missing: the e2e tests run the built proxy; run \`npm run build\` first (npm test does).`,
      );
    const proxy = await startProxy({ port, env });
    this.#closers.push(async () => void (await proxy.stop()));
    return proxy;
  }

  /**
   * Serves `demo/public` at `/` the way a merchant's own site would embed the widget: the script
   * tag and the no-script form point at the proxy's origin. `pages` adds fixture pages by path.
   */
  async startStorefront(proxyOrigin: string, pages: Record<string, FixturePage> = {}): Promise<Storefront> {
    const server: Server = createServer((req, res) => {
      const path = new URL(req.url ?? '/', 'http://storefront').pathname;
      const page = pages[path] ?? (path === '/' ? { body: merchantIndex(proxyOrigin) } : undefined);
      if (page) {
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', ...page.headers }).end(page.body);
        return;
      }
      const file = join(demoPublic, basename(path));
      if (req.method !== 'GET' || path !== `/${basename(path)}` || !existsSync(file)) {
        res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
        return;
      }
      res
        .writeHead(200, { 'content-type': contentTypes[extname(file)] ?? 'application/octet-stream' })
        .end(readFileSync(file));
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    this.#closers.push(async () => {
      server.closeAllConnections();
      server.close();
      await once(server, 'close');
    });
    return { origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
  }

  async launchBrowser(engine: Engine): Promise<Driver> {
    const driver = await launch(engine);
    this.#driver = driver;
    this.#closers.push(() => driver.close());
    return driver;
  }

  /** A tab in a fresh browser context (no shared cookies or cache). */
  newPage(options: TabOptions = {}): Promise<Tab> {
    return this.driver.newTab(options);
  }

  /** Stops everything started, newest first; reports every failure once all are stopped. */
  async close(): Promise<void> {
    const failures: unknown[] = [];
    for (const close of this.#closers.splice(0).reverse()) {
      try {
        await close();
      } catch (error) {
        failures.push(error);
      }
    }
    if (failures.length > 0) throw new AggregateError(failures, 'cleanup failed');
  }
}

const contentTypes: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
};

function merchantIndex(proxyOrigin: string): string {
  const html = readFileSync(join(demoPublic, 'index.html'), 'utf8');
  const embedded = html
    .replace('src="/checkout-button.js"', `src="${proxyOrigin}/checkout-button.js"`)
    .replace('action="/api/checkout"', `action="${proxyOrigin}/api/checkout"`);
  assert.ok(
    embedded.includes(`${proxyOrigin}/checkout-button.js`) && embedded.includes(`${proxyOrigin}/api/checkout`),
    'demo/public/index.html no longer has the script tag or the form these tests point at the proxy',
  );
  return embedded;
}

/** From a sandbox checkout page: pays, and checks the confirmation. Returns the checkout page's text. */
export async function payOnSandbox(page: Tab, proxyOrigin: string): Promise<string> {
  await page.waitForURL(new RegExp(`^${escapeRegExp(proxyOrigin)}/sandbox/checkout/[\\w-]+$`));
  const summary = await page.text({ css: 'main' });
  await page.click(byRole('button', /^Pay /));
  await page.waitForURL(/\/sandbox\/checkout\/[\w-]+\/paid$/);
  assert.equal(await page.text({ css: 'h1.done' }), 'Payment confirmed');
  return summary;
}

export const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

export { byRole };
