import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import request from 'supertest';
import { assertProblem } from '../support/problems.js';
import { testApp } from './support.js';

describe('GET /api/products', () => {
  it('answers the catalog as JSON, cacheable for a minute, with a strong ETag', async () => {
    const { app } = testApp();
    const response = await request(app).get('/api/products').set('accept-encoding', 'identity');
    assert.equal(response.status, 200);
    assert.equal(response.headers['content-type'], 'application/json; charset=utf-8');
    assert.equal(response.headers['cache-control'], 'public, max-age=60');
    assert.match(response.headers.etag!, /^"[\w-]{27}"$/);
    assert.equal(response.headers['content-encoding'], undefined);
    assert.equal(Number(response.headers['content-length']), Buffer.byteLength(response.text));
    assert.deepEqual(
      response.body.products.map((product: { id: string }) => product.id),
      ['SKU-A', 'SKU-B', 'SKU-E', 'SKU-USD'],
    );
  });

  it('when a client that takes no gzip asks with HEAD, answers the plain length and no body', async () => {
    const { app } = testApp();
    const plain = await request(app).get('/api/products').set('accept-encoding', 'identity');
    const head = await request(app).head('/api/products').set('accept-encoding', 'identity');
    assert.equal(head.status, 200);
    assert.equal(head.headers['content-length'], plain.headers['content-length']);
    assert.equal(head.headers.etag, plain.headers.etag);
    assert.equal(head.text, undefined);
  });

  it('when the browser revalidates its current copy, answers 304 with no body', async () => {
    const { app } = testApp();
    const { etag } = (await request(app).get('/api/products')).headers;
    const revalidated = await request(app).get('/api/products').set('if-none-match', etag!);
    assert.equal(revalidated.status, 304);
    assert.equal(revalidated.text, '');
  });

  it('when the browser holds an older copy, answers 200 with the catalog', async () => {
    const { app } = testApp();
    const response = await request(app).get('/api/products').set('if-none-match', '"an-older-catalog"');
    assert.equal(response.status, 200);
    assert.equal(response.body.products.length, 4);
  });

  it('when two proxies run the same catalog, they give it the same ETag', async () => {
    const etags = await Promise.all(
      [testApp(), testApp()].map(async ({ app }) => (await request(app).get('/api/products')).headers.etag),
    );
    assert.equal(etags[0], etags[1]);
  });

  it('when the browser accepts gzip, sends it compressed', async () => {
    const { app } = testApp();
    const response = await request(app).get('/api/products').set('accept-encoding', 'gzip');
    assert.equal(response.headers['content-encoding'], 'gzip');
    assert.equal(response.headers.vary, 'Origin, accept-encoding');
    assert.equal(response.body.products.length, 4, 'decompresses to the catalog');
  });

  it('when an allowed origin asks, answers with CORS headers, a revalidation too', async () => {
    const { app } = testApp({ ALLOWED_ORIGINS: 'https://shop.example' });
    const first = await request(app).get('/api/products').set('origin', 'https://shop.example');
    assert.equal(first.headers['access-control-allow-origin'], 'https://shop.example');
    const revalidated = await request(app)
      .get('/api/products')
      .set('origin', 'https://shop.example')
      .set('if-none-match', first.headers.etag!);
    assert.equal(revalidated.status, 304);
    assert.equal(revalidated.headers['access-control-allow-origin'], 'https://shop.example');
  });

  it('when another origin asks, answers 403 origin_not_allowed', async () => {
    const { app } = testApp();
    assertProblem(
      await request(app).get('/api/products').set('origin', 'https://elsewhere.example'),
      403,
      'origin_not_allowed',
    );
  });
});
