import { expect } from '@open-wc/testing';
import { isSafeCheckoutUrl } from '../../contract/safe-url.js';

describe('isSafeCheckoutUrl', () => {
  const safe = [
    'https://pay.example/c/1',
    'https://pay.example:8443/c/1?x=1#y',
    'http://localhost:3000/sandbox/c/1',
    'http://127.0.0.1/c/1',
    'http://127.4.5.6:8080/c/1',
    'http://[::1]:3000/c/1',
    'http://shop.localhost:3000/c/1',
  ];
  const unsafe = [
    'javascript:alert(1)',
    'JAVASCRIPT:alert(1)',
    'data:text/html,<script>alert(1)</script>',
    'http://pay.example/c/1',
    'http://localhost.evil.example/c/1',
    'http://127.0.0.1.nip.io/c/1',
    'http://10.0.0.1/c/1',
    'ftp://pay.example/c/1',
    '/sandbox/c/1',
    '',
  ];

  for (const url of safe) {
    it(`when given ${url}, answers true`, () => expect(isSafeCheckoutUrl(url)).to.equal(true));
  }
  for (const url of unsafe) {
    it(`when given ${JSON.stringify(url)}, answers false`, () => expect(isSafeCheckoutUrl(url)).to.equal(false));
  }
  it('when given something other than a string, answers false', () => {
    expect(isSafeCheckoutUrl(undefined)).to.equal(false);
    expect(isSafeCheckoutUrl({ href: 'https://pay.example' })).to.equal(false);
  });
});
