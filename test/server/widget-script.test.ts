import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';
import request from 'supertest';
import { widgetBundlePath } from '../../server/lib/paths.js';
import { tempFile, testApp } from './support.js';

/**
 * The served module's budget, Lit included, gzipped (level 9). The widget issue set 10 KB; it became 11 KB when
 * <checkout-price>, the frame fallback, retries and messages in three languages outgrew that. Issue 18 asks for 8 KB
 * and is open: until it lands, this bound only keeps the widget from growing past 11 KB.
 */
const GZIP_BUDGET_BYTES = 11 * 1024;

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

  it('when the bundle has not been built, says how to build it', async () => {
    const { app } = testApp({}, { widgetBundlePath: '/nonexistent/checkout-button.js' });
    const response = await request(app).get('/checkout-button.js');
    assert.equal(response.status, 404);
    assert.match(JSON.parse(response.text).detail, /npm run build/);
  });
});

describe('the built widget bundle', () => {
  const built = () => {
    assert.ok(existsSync(widgetBundlePath), `${widgetBundlePath} is missing: npm test builds it first (npm run build)`);
    return readFileSync(widgetBundlePath);
  };

  it(`stays within ${GZIP_BUDGET_BYTES} bytes gzipped, Lit included`, () => {
    const size = gzipSync(built(), { level: 9 }).byteLength;
    assert.ok(size <= GZIP_BUDGET_BYTES, `the widget is ${size} bytes gzipped; the budget is ${GZIP_BUDGET_BYTES}`);
  });

  it("is Lit's production build, one self-contained module with no imports", () => {
    const code = built().toString('utf8');
    assert.ok(!code.includes('Lit is in dev mode'), 'no dev-mode warning');
    assert.doesNotMatch(code, /(?:^|[;}\n])\s*import[\s{*"']|\bimport\(/, 'no static or dynamic imports');
  });

  it('as served, carries no provider key', async () => {
    const key = 'pk_live_NEVER_IN_THE_BUNDLE_77';
    const { app } = testApp({ PAGOU_API_KEY: key });
    const response = await request(app).get('/checkout-button.js').set('accept-encoding', 'identity');
    assert.equal(response.status, 200);
    assert.ok(!response.text.includes(key));
  });
});
