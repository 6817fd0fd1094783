import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import request from 'supertest';
import { originMatcher } from '../../server/lib/origins.js';
import { testApp, testConfig } from './support.js';

const cart = JSON.stringify({ items: [{ product: 'SKU-A' }] });

describe('ALLOWED_ORIGINS with a wildcard', () => {
  const matches = originMatcher(['https://*.example.com', 'http://*.preview.test:8080']);
  const cases: Array<[string, boolean, string]> = [
    ['https://shop.example.com', true, 'one label'],
    ['https://pr-42.staging.example.com', true, 'several labels'],
    ['https://example.com', false, 'never the bare domain'],
    ['http://shop.example.com', false, 'never another scheme'],
    ['https://shop.example.com:8443', false, 'never another port'],
    ['https://example.com.evil.com', false, 'never a host that only contains the domain'],
    ['https://shop.example.com.evil.com', false, 'never the domain in the middle'],
    ['https://evilexample.com', false, 'never a label that only ends like the domain'],
    ['https://.example.com', false, 'never an empty label'],
    ['https://shop.example.com/', false, 'only an origin as browsers send it'],
    ['https://SHOP.example.com', false, 'browsers send the host in lower case'],
    ['http://pr-1.preview.test:8080', true, 'with its own port'],
    ['http://pr-1.preview.test', false, 'not without that port'],
    ['null', false, 'never a hidden origin'],
  ];
  for (const [origin, expected, why] of cases) {
    it(`${expected ? 'matches' : 'does not match'} ${origin} (${why})`, () => {
      assert.equal(matches(origin), expected);
    });
  }

  it('when a preview host posts, answers 201; when the bare domain posts, answers 403', async () => {
    const { app } = testApp({ ALLOWED_ORIGINS: 'https://*.example.com' });
    const post = (origin: string) =>
      request(app).post('/api/checkout').set('content-type', 'application/json').set('origin', origin).send(cart);
    const preview = await post('https://pr-7.example.com');
    assert.equal(preview.status, 201);
    assert.equal(preview.headers['access-control-allow-origin'], 'https://pr-7.example.com');
    assert.equal((await post('https://example.com')).status, 403);
    assert.equal((await post('https://example.com.evil.com')).status, 403);
  });

  it('is kept as written in the configuration, beside exact origins', () => {
    assert.deepEqual(testConfig({ ALLOWED_ORIGINS: 'https://*.example.com, https://shop.test' }).allowedOrigins, [
      'https://*.example.com',
      'https://shop.test',
    ]);
  });

  const refused: Array<[string, RegExp]> = [
    ['https://shop*.example.com', /whole leftmost label/],
    ['https://a.*.example.com', /whole leftmost label/],
    ['https://*.com', /in front of a domain/],
    ['https://*.example.com/path', /not an origin/],
  ];
  for (const [value, message] of refused) {
    it(`when ALLOWED_ORIGINS is ${value}, refuses it at start-up and says why`, () => {
      assert.throws(
        () => testConfig({ ALLOWED_ORIGINS: value }),
        (error: Error & { problems?: string[] }) => {
          assert.equal(error.problems?.length, 1);
          assert.match(error.problems[0]!, /^ALLOWED_ORIGINS: /);
          assert.match(error.problems[0]!, message);
          return true;
        },
      );
    });
  }
});
