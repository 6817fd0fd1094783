import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type OutgoingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { basename, extname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { Engine } from '../support/browsers.js';
import { byRole, type Driver, launch, STEP_TIMEOUT_MS, type Tab, type TabOptions } from '../support/tabs.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const proxyEntry = join(root, 'dist', 'server', 'cli', 'index.js');
const widgetBundle = join(root, 'dist', 'widget', 'checkout-button.js');
const demoPublic = join(root, 'demo', 'public');

/** A bound on one engine's run of a test file, so a hang fails the run instead of stalling it. */
export const SUITE_TIMEOUT_MS = 120_000;

export { selectedEngines } from '../support/browsers.js';

/** A pino line from the proxy, as far as these tests read it. */
export interface LogEntry {
  level: number;
  msg: string;
  req?: { id: string; method: string; url: string; origin?: string };
  res?: { status: number };
}

export { freePort } from '../support/processes.js';

/** The built proxy (`node dist/server/cli/index.js`) as a child process, with its log lines parsed. */
export class ProxyProcess {
  readonly logs: LogEntry[] = [];
  readonly #listeners = new Set<() => void>();
  #stderr = '';

  constructor(
    readonly origin: string,
    readonly child: ChildProcess,
  ) {
    createInterface({ input: child.stdout! }).on('line', (line) => {
      try {
        this.logs.push(JSON.parse(line) as LogEntry);
      } catch {
        return;
      }
      for (const listener of this.#listeners) listener();
    });
    child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (this.#stderr += chunk));
  }

  /** What the proxy printed to stderr, for failure messages. */
  get stderr(): string {
    return this.#stderr;
  }

  /** The access-log lines of requests to `path`, optionally from one `Origin`. */
  requests(method: string, path: string, origin?: string): LogEntry[] {
    return this.logs.filter(
      ({ req, res }) =>
        res !== undefined &&
        req?.method === method &&
        req.url === path &&
        (origin === undefined || req.origin === origin),
    );
  }

  /** The first log line, already written or still to come, that matches. */
  waitForLog(matches: (entry: LogEntry) => boolean, description: string): Promise<LogEntry> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const found = this.logs.find(matches);
        if (!found) return;
        this.#listeners.delete(check);
        clearTimeout(timer);
        resolve(found);
      };
      const timer = setTimeout(() => {
        this.#listeners.delete(check);
        reject(new Error(`the proxy logged no ${description} within ${STEP_TIMEOUT_MS} ms`));
      }, STEP_TIMEOUT_MS);
      this.#listeners.add(check);
      check();
    });
  }

  /**
   * Waits until every request the proxy has received so far is in `logs`: the proxy writes its
   * log in order, so once a request made now is logged, everything before it is too.
   */
  async flushLogs(): Promise<void> {
    const id = `flush-${Date.now()}-${Math.random().toString(36).slice(2)}`;
    await fetch(`${this.origin}/healthz`, {
      headers: { 'x-request-id': id },
      signal: AbortSignal.timeout(STEP_TIMEOUT_MS),
    });
    await this.waitForLog((entry) => entry.req?.id === id && entry.res !== undefined, `line for request ${id}`);
  }
}

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
   * The built proxy on `port` (on loopback only), configured by `env` and nothing else: it runs in
   * an empty working directory so a developer's `.env` cannot point the tests at a real provider.
   */
  async startProxy(port: number, env: Record<string, string> = {}): Promise<ProxyProcess> {
    for (const file of [proxyEntry, widgetBundle]) {
      if (!existsSync(file))
        throw new Error(
          `${file} is missing: the e2e tests run the built proxy; run \`npm run build\` first (npm test does).`,
        );
    }
    const cwd = mkdtempSync(join(tmpdir(), 'checkout-e2e-'));
    const child = spawn(process.execPath, [proxyEntry], {
      cwd,
      env: { PATH: process.env.PATH, HOST: '127.0.0.1', PORT: String(port), LOG_LEVEL: 'info', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const killOnExit = () => child.kill('SIGKILL');
    process.once('exit', killOnExit);
    this.#closers.push(async () => {
      process.off('exit', killOnExit);
      await stopChild(child);
      rmSync(cwd, { recursive: true, force: true });
    });

    const proxy = new ProxyProcess(`http://127.0.0.1:${port}`, child);
    await waitForHealth(proxy);
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

async function waitForHealth(proxy: ProxyProcess): Promise<void> {
  const deadline = Date.now() + STEP_TIMEOUT_MS;
  const exited = once(proxy.child, 'exit');
  for (;;) {
    if (proxy.child.exitCode !== null) {
      throw new Error(`the proxy exited with code ${proxy.child.exitCode} before it was healthy:\n${proxy.stderr}`);
    }
    const healthy = await fetch(`${proxy.origin}/healthz`, { signal: AbortSignal.timeout(1000) }).then(
      (response) => response.ok,
      () => false,
    );
    if (healthy) return;
    if (Date.now() > deadline)
      throw new Error(
        `the proxy was not healthy at ${proxy.origin}/healthz within ${STEP_TIMEOUT_MS} ms:\n${proxy.stderr}`,
      );
    // Retry when the proxy exits or after a short pause, whichever comes first.
    await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 50))]);
  }
}

/** SIGTERM (the proxy's graceful shutdown), then SIGKILL if it is still running after the step timeout. */
async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), STEP_TIMEOUT_MS);
  await exited;
  clearTimeout(timer);
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
