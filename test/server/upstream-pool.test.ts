import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { startProxy } from '../support/processes.js';
import { selfSignedCertificate } from '../support/tls.js';
import { created, PAGOU_TEST_KEY, startFakePagou } from './fake-pagou.js';
import { fixtureCatalog } from './support.js';

/** Longer than Node's global agent keeps an idle socket (5 s), which the proxy used before its own pool. */
const QUIET_MS = 6_000;

describe('connections to an HTTPS provider', () => {
  it(`when a checkout comes ${QUIET_MS / 1000} s after the previous one, both go over one TLS connection`, {
    timeout: 60_000,
  }, async (t) => {
    const tls = selfSignedCertificate();
    // A provider that keeps an idle connection for a minute, as many do behind their load balancers.
    const pagou = await startFakePagou(created('https://pay.example/c/pooled'), PAGOU_TEST_KEY, {
      tls,
      keepAliveTimeoutMs: 60_000,
    });
    t.after(() => pagou.close());
    const proxy = await startProxy({
      fromSource: true,
      env: {
        CATALOG_FILE: fixtureCatalog,
        PAGOU_API_KEY: PAGOU_TEST_KEY,
        PAGOU_API_URL: pagou.url,
        // The proxy trusts the fake's certificate as it would a real provider's: verification stays on.
        NODE_EXTRA_CA_CERTS: tls.certFile,
      },
      // From source, tsx compiles it first: slow on a busy machine.
      startTimeoutMs: 30_000,
    });
    t.after(() => proxy.stop());
    const checkout = () =>
      fetch(`${proxy.origin}/api/checkout`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ items: [{ product: 'SKU-A' }] }),
      });

    assert.equal((await checkout()).status, 201);
    await sleep(QUIET_MS);
    assert.equal((await checkout()).status, 201);

    assert.equal(pagou.requests.length, 2);
    assert.equal(pagou.connections(), 1, 'TLS handshakes the fake Pagou accepted');
    assert.deepEqual(pagou.schemaFailures, []);
  });
});
