/** Fixtures for the proxy's own tests: its configuration, a fresh app per test, a checkout request. */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { fileURLToPath } from 'node:url';
import request from 'supertest';
import { type AppDeps, createApp } from '../../server/app.js';
import { type Config, loadConfig } from '../../server/config/load-config.js';
import { createLogger } from '../../server/lib/logger.js';
import { createMetrics } from '../../server/lib/metrics.js';
import { createProviders } from '../../server/providers/registry.js';
import { redisStores } from '../../server/stores/redis-stores.js';
import { type FakeUpstream, listen } from '../support/http.js';
import { LogCapture } from '../support/logs.js';
import { type ProxyProcess, startProxy } from '../support/processes.js';
import { lagoEnv } from './fake-lago.js';
import { PAGOU_TEST_KEY } from './fake-pagou.js';

export const fixtureCatalog = fileURLToPath(new URL('../fixtures/catalog.json', import.meta.url));

/** A valid configuration on the fixture catalog, with the given variables on top. */
export function testConfig(env: Record<string, string | undefined> = {}): Config {
  return loadConfig({ CATALOG_FILE: fixtureCatalog, LOG_LEVEL: 'info', ...env });
}

/**
 * The proxy from source, in its own process, on the fixture catalog with Pagou at `pagouUrl` and
 * `env` on top; stopped after the test.
 */
export async function proxyToPagou(
  t: TestContext,
  pagouUrl: string,
  env: Record<string, string> = {},
): Promise<ProxyProcess> {
  const proxy = await startProxy({
    fromSource: true,
    env: { CATALOG_FILE: fixtureCatalog, PAGOU_API_KEY: PAGOU_TEST_KEY, PAGOU_API_URL: pagouUrl, ...env },
    // From source, tsx compiles it first: slow on a busy machine.
    startTimeoutMs: 30_000,
  });
  t.after(() => proxy.stop());
  return proxy;
}

/** Writes `contents` to `name` in a fresh temporary directory, removed after the test; returns the file's path. */
export function tempFile(t: TestContext, name: string, contents: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'checkout-button-test-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const path = join(dir, name);
  writeFileSync(path, contents);
  return path;
}

/** `POST /api/checkout` with a JSON body, as the widget sends it. */
export const postCheckout = (app: Parameters<typeof request>[0], body: unknown) =>
  request(app).post('/api/checkout').set('content-type', 'application/json').send(JSON.stringify(body));

/** A fresh app per test, logging into a capture, with the providers its configuration turns on unless `deps` has others. */
export function testApp(env: Record<string, string | undefined> = {}, deps: Partial<AppDeps> = {}) {
  const config = testConfig(env);
  const logs = new LogCapture();
  const logger = createLogger(config.logLevel, logs.stream);
  const metrics = deps.metrics ?? createMetrics();
  const providers = deps.providers ?? createProviders(config.providers, config);
  const app = createApp(config, { logger, metrics, ...deps, providers });
  return { app, config, logs, logger, metrics, providers };
}

/** An app whose stores live in the Redis at `redisUrl`, as one of several instances; its Redis client closes after the test. */
export function sharedApp(
  t: TestContext,
  redisUrl: string,
  env: Record<string, string | undefined> = {},
  deps: Partial<AppDeps> = {},
) {
  const logs = new LogCapture();
  const logger = createLogger('info', logs.stream);
  const metrics = createMetrics();
  const stores = redisStores(redisUrl, { logger, metrics });
  t.after(() => stores.close());
  const instance = testApp({ ...env, REDIS_URL: redisUrl }, { logger, stores, metrics, ...deps });
  return { ...instance, logs, stores };
}

/** Resolves once `condition` holds, checking every few milliseconds; fails after `timeoutMs`. */
export async function eventually(condition: () => boolean | Promise<boolean>, what: string, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) assert.fail(`gave up waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** The proxy on a loopback port in front of a fake Pagou and a fake Lago, with `env` on top. */
export async function listenInFrontOf(pagou: FakeUpstream, lago: FakeUpstream, env: Record<string, string>) {
  const { app, logs } = testApp({ PAGOU_API_KEY: PAGOU_TEST_KEY, PAGOU_API_URL: pagou.url, ...lagoEnv(lago), ...env });
  return { logs, ...(await listen(app)) };
}
