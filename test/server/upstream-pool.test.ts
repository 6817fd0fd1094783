import assert from 'node:assert/strict';
import { describe, it, type TestContext } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ProxyProcess } from '../support/processes.js';
import { selfSignedCertificate } from '../support/tls.js';
import { created, type FakePagou, PAGOU_TEST_KEY, startFakePagou } from './fake-pagou.js';
import { proxyToPagou } from './support.js';

/** Longer than Node's global agent keeps an idle socket (5 s), which the proxy used before its own pool. */
const QUIET_MS = 6_000;

/** An HTTPS fake Pagou that keeps an idle connection `keepAliveTimeoutMs`, and the proxy in front of it. */
async function proxyToHttpsPagou(
  t: TestContext,
  keepAliveTimeoutMs: number,
): Promise<{ pagou: FakePagou; proxy: ProxyProcess }> {
  const tls = selfSignedCertificate();
  const pagou = await startFakePagou(created('https://pay.example/c/pooled'), PAGOU_TEST_KEY, {
    tls,
    keepAliveTimeoutMs,
  });
  t.after(() => pagou.close());
  // The proxy trusts the fake's certificate as it would a real provider's: verification stays on.
  const proxy = await proxyToPagou(t, pagou.url, { NODE_EXTRA_CA_CERTS: tls.certFile });
  return { pagou, proxy };
}

const checkoutAt = (proxy: ProxyProcess) =>
  fetch(`${proxy.origin}/api/checkout`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ items: [{ product: 'SKU-A' }] }),
  });

describe('connections to an HTTPS provider', () => {
  it(`when a checkout comes ${QUIET_MS / 1000} s after the previous one, both go over one TLS connection`, {
    timeout: 60_000,
  }, async (t) => {
    // A provider that keeps an idle connection for a minute, as many do behind their load balancers.
    const { pagou, proxy } = await proxyToHttpsPagou(t, 60_000);
    const checkout = () => checkoutAt(proxy);

    assert.equal((await checkout()).status, 201);
    await sleep(QUIET_MS);
    assert.equal((await checkout()).status, 201);

    assert.equal(pagou.requests.length, 2);
    assert.equal(pagou.connections(), 1, 'TLS handshakes the fake Pagou accepted');
    assert.deepEqual(pagou.schemaFailures, []);
  });
});

describe('warming the way to a checkout (GET /api/checkout)', () => {
  it('opens a connection to the provider when none is open, so the checkout after it pays no TLS handshake', {
    timeout: 60_000,
  }, async (t) => {
    // A provider that closes an idle connection after two seconds (announced, so the proxy drops it a
    // second before): a quiet store's next checkout finds none open.
    const { pagou, proxy } = await proxyToHttpsPagou(t, 2_000);
    const warm = async () => assert.equal((await fetch(`${proxy.origin}/api/checkout`)).status, 204);
    const warmUps = () => pagou.requests.filter(({ method }) => method === 'OPTIONS');
    const opened = async (count: number) => {
      const deadline = Date.now() + 5_000;
      while (pagou.connections() < count && Date.now() < deadline) await sleep(10);
      assert.equal(pagou.connections(), count, 'TLS handshakes once the warm-up is in');
    };

    await warm();
    await opened(1);
    // Open already (idle in the pool): nothing more is sent.
    await warm();
    await sleep(300);
    assert.equal(warmUps().length, 1);
    assert.equal((await checkoutAt(proxy)).status, 201);
    assert.equal(pagou.connections(), 1, 'TLS handshakes after the warm-up and the checkout');

    // The provider closes the idle connection; the next warm-up opens another, and the checkout takes it.
    await sleep(2_500);
    await warm();
    await opened(2);
    assert.equal((await checkoutAt(proxy)).status, 201);
    assert.equal(pagou.connections(), 2, 'TLS handshakes after the second warm-up and checkout');

    assert.equal(warmUps().length, 2);
    for (const { url, headers, body } of warmUps()) {
      assert.equal(url, '/');
      assert.equal(headers.authorization, undefined, 'a warm-up carries no key');
      assert.equal(body, '');
    }
    assert.deepEqual(pagou.schemaFailures, []);
  });
});
