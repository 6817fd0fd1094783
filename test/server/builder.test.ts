import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import request from 'supertest';
import { assertProblem } from '../support/problems.js';
import { testApp } from './support.js';

describe('GET /builder', () => {
  it('in sandbox mode, serves the page under the same CSP as the demo, with no inline script or style', async () => {
    const { app } = testApp();
    const response = await request(app).get('/builder');
    assert.equal(response.status, 200);
    assert.match(response.headers['content-type']!, /^text\/html/);
    assert.match(response.headers['content-security-policy']!, /script-src 'self';/);
    assert.match(response.text, /<script type="module" src="builder\/builder\.js"><\/script>/);
    assert.doesNotMatch(response.text, /<script(?![^>]*\ssrc=)|<style|\sstyle=/);
    for (const asset of ['/builder/builder.js', '/builder/builder.css']) {
      assert.equal((await request(app).get(asset)).status, 200, asset);
    }
  });

  it('tells the page the mode, the providers that make checkout links and the allowed origins', async () => {
    const { app } = testApp({ ALLOWED_ORIGINS: 'https://shop.example,https://www.shop.example' });
    const response = await request(app).get('/builder/settings.json');
    assert.equal(response.status, 200);
    assert.deepEqual(response.body, {
      sandbox: true,
      providers: ['sandbox'],
      allowed_origins: ['https://shop.example', 'https://www.shop.example'],
    });
  });

  it('with a real provider key and BUILDER=on, says it is not the sandbox and never shows the key', async () => {
    const key = 'pk_live_NEVER_ON_THE_BUILDER_42';
    const { app } = testApp({
      PAGOU_API_KEY: key,
      LAGO_API_KEY: 'lk',
      CUSTOMER_TOKEN_SECRET: 'x'.repeat(32),
      BUILDER: 'on',
    });
    const response = await request(app).get('/builder/settings.json');
    assert.deepEqual(response.body, { sandbox: false, providers: ['pagou'], allowed_origins: [] });
    assert.ok(!response.text.includes(key));
    assert.equal((await request(app).get('/builder')).status, 200);
  });

  it('with a real provider key and no BUILDER, answers 404 not_found', async () => {
    const { app } = testApp({ PAGOU_API_KEY: 'pk' });
    assertProblem(await request(app).get('/builder'), 404, 'not_found');
    assertProblem(await request(app).get('/builder/settings.json'), 404, 'not_found');
  });

  it('with BUILDER=off, answers 404 even where the demo is on', async () => {
    const { app } = testApp({ BUILDER: 'off' });
    assertProblem(await request(app).get('/builder'), 404, 'not_found');
    assert.equal((await request(app).get('/')).status, 200);
  });
});
