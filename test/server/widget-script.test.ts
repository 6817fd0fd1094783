import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, it, type TestContext } from 'node:test';
import { gzipSync } from 'node:zlib';
import request from 'supertest';
import { widgetBundlePath } from '../../server/lib/paths.js';
import { assertProblem } from '../support/problems.js';
import { widgetBudgets } from '../support/widget-budgets.js';
import { tempFile, testApp } from './support.js';

/** A built widget in a temporary directory: the script, and a chunk beside it with this name. */
const builtWidget = (t: TestContext, script: string, chunk: { name: string; source: string }): string => {
  const path = tempFile(t, 'checkout-button.js', script);
  writeFileSync(join(dirname(path), chunk.name), chunk.source);
  return path;
};

describe('GET /checkout-button.js', () => {
  const source = 'export const hello = "world";\n'.repeat(50);

  it('serves the module to any origin, cross-origin loadable, cacheable with a strong ETag', async (t) => {
    const { app } = testApp({}, { widgetBundlePath: tempFile(t, 'checkout-button.js', source) });
    const response = await request(app)
      .get('/checkout-button.js')
      .set('origin', 'https://any-shop.example')
      .set('accept-encoding', 'identity');
    assert.equal(response.status, 200);
    assert.equal(response.headers['content-type'], 'text/javascript; charset=utf-8');
    assert.equal(response.headers['access-control-allow-origin'], '*');
    assert.equal(response.headers['cross-origin-resource-policy'], 'cross-origin');
    assert.match(response.headers['cache-control']!, /^public, max-age=\d+/);
    assert.match(response.headers.etag!, /^"[\w-]{27}"$/);
    assert.equal(response.text, source);
  });

  it('when the browser has the current version, answers 304 with no body', async (t) => {
    const { app } = testApp({}, { widgetBundlePath: tempFile(t, 'checkout-button.js', source) });
    const { etag } = (await request(app).get('/checkout-button.js')).headers;
    const revalidated = await request(app).get('/checkout-button.js').set('if-none-match', etag!);
    assert.equal(revalidated.status, 304);
    assert.equal(revalidated.text, '');
  });

  it('when the browser accepts gzip, sends it compressed', async (t) => {
    const { app } = testApp({}, { widgetBundlePath: tempFile(t, 'checkout-button.js', source) });
    const response = await request(app).get('/checkout-button.js').set('accept-encoding', 'gzip, br');
    assert.equal(response.headers['content-encoding'], 'gzip');
    assert.equal(response.headers.vary, 'accept-encoding');
    assert.equal(response.text, source, 'decompresses to the module');
  });

  it('serves a chunk beside it the same way, to any origin, gzipped, and cacheable for good', async (t) => {
    const chunk = { name: 'checkout-button-messages-Cq3x_9Zk.js', source: 'export const e = "later";\n'.repeat(50) };
    const { app } = testApp({}, { widgetBundlePath: builtWidget(t, source, chunk) });
    const response = await request(app)
      .get(`/${chunk.name}`)
      .set('origin', 'https://any-shop.example')
      .set('accept-encoding', 'gzip');
    assert.equal(response.status, 200);
    assert.equal(response.headers['content-type'], 'text/javascript; charset=utf-8');
    assert.equal(response.headers['access-control-allow-origin'], '*');
    assert.equal(response.headers['cross-origin-resource-policy'], 'cross-origin');
    assert.equal(response.headers['cache-control'], 'public, max-age=31536000, immutable');
    assert.equal(response.headers['content-encoding'], 'gzip');
    assert.match(response.headers.etag!, /^"[\w-]{27}"$/);
    assert.equal(response.text, chunk.source);

    const revalidated = await request(app).get(`/${chunk.name}`).set('if-none-match', response.headers.etag!);
    assert.equal(revalidated.status, 304);
  });

  it('when no chunk by that name was built, answers 404 not_found', async (t) => {
    const chunk = { name: 'checkout-button-messages-Cq3x_9Zk.js', source: 'export {};\n' };
    const { app } = testApp({}, { widgetBundlePath: builtWidget(t, source, chunk) });
    for (const path of ['/checkout-button-messages-OLDHASH1.js', '/checkout-button-..%2Fpackage.json.js']) {
      assertProblem(await request(app).get(path), 404, 'not_found', path);
    }
  });

  it('when the bundle has not been built, says how to build it', async () => {
    const { app } = testApp({}, { widgetBundlePath: '/nonexistent/checkout-button.js' });
    const response = await request(app).get('/checkout-button.js');
    assert.equal(response.status, 404);
    assert.match(JSON.parse(response.text).detail, /npm run build/);
  });
});

describe('the built widget', () => {
  const directory = dirname(widgetBundlePath);
  const built = (name: string) => {
    const path = join(directory, name);
    assert.ok(existsSync(path), `${path} is missing: npm test builds it first (npm run build)`);
    return readFileSync(path);
  };
  const chunks = () => readdirSync(directory).filter((name) => /^checkout-button-.+\.js$/.test(name));
  const gzipped = (name: string) => gzipSync(built(name), { level: 9 }).byteLength;

  const { firstDownloadBytes, totalBytes } = widgetBudgets;

  it(`downloads at most ${firstDownloadBytes} bytes gzipped before the button works, Lit included`, () => {
    const size = gzipped('checkout-button.js');
    assert.ok(
      size <= firstDownloadBytes,
      `the script is ${size} bytes gzipped; the budget is ${firstDownloadBytes} (see npm run report:widget)`,
    );
  });

  it(`is at most ${totalBytes} bytes gzipped with every chunk it can load`, () => {
    const size = ['checkout-button.js', ...chunks()].reduce((sum, name) => sum + gzipped(name), 0);
    assert.ok(
      size <= totalBytes,
      `the script and its chunks are ${size} bytes gzipped; the budget is ${totalBytes} (see npm run report:widget)`,
    );
  });

  it("is Lit's production build, and the script imports only its own chunks, on demand", () => {
    const code = built('checkout-button.js').toString('utf8');
    assert.ok(!code.includes('Lit is in dev mode'), 'no dev-mode warning');
    assert.doesNotMatch(code, /(?:^|[;}\n])\s*import[\s{*"']/, 'no static imports');
    const imported = [...code.matchAll(/\bimport\((.*?)\)/g)].map(([, specifier]) => specifier);
    assert.deepEqual(
      imported,
      chunks().map((name) => `\`./${name}\``),
      'one dynamic import per chunk, beside the script',
    );
  });

  it('has chunks that import nothing, so a page runs one copy of the widget whatever URL it loaded it by', () => {
    assert.notDeepEqual(chunks(), [], 'the failure messages are a chunk');
    for (const name of chunks()) {
      assert.doesNotMatch(built(name).toString('utf8'), /\bimport\b/, name);
    }
  });

  it('as served, carries no provider key', async () => {
    const key = 'pk_live_NEVER_IN_THE_BUNDLE_77';
    const { app } = testApp({ PAGOU_API_KEY: key });
    for (const name of ['checkout-button.js', ...chunks()]) {
      const response = await request(app).get(`/${name}`).set('accept-encoding', 'identity');
      assert.equal(response.status, 200, name);
      assert.ok(!response.text.includes(key), name);
    }
  });
});
