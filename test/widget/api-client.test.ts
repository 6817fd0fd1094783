import { expect } from '@open-wc/testing';
import { safeCheckoutUrl } from '../../contract/safe-url.js';
import { postCheckout } from '../../widget/api-client.js';
import { fakeProxy } from './helpers.js';

/** Posts a one-product cart to a fresh session of the fake proxy, which answers according to the product. */
const postFor = (product: string, timeout = 5_000) =>
  postCheckout(fakeProxy().endpoint, { items: [{ product, quantity: 1 }] }, timeout);

describe('postCheckout', () => {
  it('when the proxy answers 201 with a safe URL, resolves ok with the response', async () => {
    const { endpoint } = fakeProxy();
    expect(await postCheckout(endpoint, { items: [{ product: 'SKU-A', quantity: 1 }] }, 5_000)).to.deep.equal({
      ok: true,
      response: { url: new URL(`${endpoint}/pay`, location.href).href, provider: 'sandbox' },
    });
  });

  it('sends the request as JSON, without cookies, to {endpoint}/api/checkout even when the endpoint ends with a slash', async () => {
    const session = fakeProxy();
    await postCheckout(`${session.endpoint}/`, { items: [{ product: 'SKU-A', quantity: 2 }] }, 5_000);
    const [received] = await session.received();
    expect(received?.headers['content-type']).to.equal('application/json');
    expect(received?.headers.cookie).to.equal('');
    expect(received?.body).to.deep.equal({ items: [{ product: 'SKU-A', quantity: 2 }] });
  });

  for (const [product, status, code] of [
    ['SKU-UNKNOWN', 422, 'unknown_product'],
    ['SKU-RATE-LIMITED', 429, 'rate_limited'],
  ] as const) {
    it(`when the proxy answers a ${status} problem, resolves with its status, code and the problem`, async () => {
      const outcome = await postFor(product);
      expect(outcome).to.deep.include({ ok: false, status, code });
      expect(outcome.ok === false && outcome.problem?.code).to.equal(code);
      expect(outcome.ok === false && outcome.problem?.detail).to.be.a('string').and.not.be.empty;
    });
  }

  it('when a gateway answers 502 with an HTML page, resolves bad_response with the status', async () => {
    expect(await postFor('SKU-GATEWAY')).to.deep.equal({ ok: false, status: 502, code: 'bad_response' });
  });

  for (const product of ['SKU-JAVASCRIPT-URL', 'SKU-HTTP-URL']) {
    it(`when the proxy answers 201 with an unsafe URL (${product}), resolves unsafe_url`, async () => {
      expect(await postFor(product)).to.deep.equal({ ok: false, status: 201, code: 'unsafe_url' });
    });
  }

  it('when the proxy answers a URL the page would resolve its own way, resolves with the normalized URL the check read', async () => {
    const outcome = await postFor('SKU-UNNORMALIZED-URL');
    expect(outcome.ok && outcome.response.url).to.equal('http://127.0.0.1:8080/c/2');
  });

  it('when the connection drops without an answer, resolves network_error', async () => {
    expect(await postFor('SKU-DROP')).to.deep.equal({ ok: false, status: 0, code: 'network_error' });
  });

  it('when no answer comes within the timeout, resolves timeout', async () => {
    expect(await postFor('SKU-SLOW', 50)).to.deep.equal({ ok: false, status: 0, code: 'timeout' });
  });

  it('when the endpoint cannot be reached at all, resolves network_error', async () => {
    expect(
      await postCheckout('http://127.0.0.1:1', { items: [{ product: 'SKU-A', quantity: 1 }] }, 5_000),
    ).to.deep.equal({ ok: false, status: 0, code: 'network_error' });
  });
});

describe('safeCheckoutUrl', () => {
  const safe = [
    'https://pay.example/c/1',
    'https://pay.example:8443/c/1?x=1#y',
    'http://localhost:3000/sandbox/c/1',
    'http://127.0.0.1/c/1',
    'http://127.4.5.6:8080/c/1',
    'http://[::1]:3000/c/1',
  ];
  const unsafe = [
    'javascript:alert(1)',
    'JAVASCRIPT:alert(1)',
    'data:text/html,<script>alert(1)</script>',
    'http://pay.example/c/1',
    'http://localhost.evil.example/c/1',
    'http://shop.localhost:3000/c/1',
    'http://127.0.0.1.nip.io/c/1',
    'http://10.0.0.1/c/1',
    'https://shop.example@pay.evil.example/c/1',
    'https://user:secret@pay.example/c/1',
    'ftp://pay.example/c/1',
    '/sandbox/c/1',
    '',
  ];

  for (const url of safe) {
    it(`when given ${url}, answers it unchanged`, () => expect(safeCheckoutUrl(url)).to.equal(url));
  }
  for (const url of unsafe) {
    it(`when given ${JSON.stringify(url)}, answers undefined`, () => expect(safeCheckoutUrl(url)).to.equal(undefined));
  }
  it('when given something other than a string, answers undefined', () => {
    expect(safeCheckoutUrl(undefined)).to.equal(undefined);
    expect(safeCheckoutUrl({ href: 'https://pay.example' })).to.equal(undefined);
  });
  it('when the string is one a browser would resolve against the page, answers the URL it names, normalized', () => {
    expect(safeCheckoutUrl('https:/account/delete')).to.equal('https://account/delete');
    expect(safeCheckoutUrl('http:127.0.0.1:4600/x')).to.equal('http://127.0.0.1:4600/x');
    expect(safeCheckoutUrl('HTTPS://PAY.example/a/../c\\1')).to.equal('https://pay.example/c/1');
  });
});
