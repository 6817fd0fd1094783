/**
 * The `checkout-button` command, run as operators run it (a child process in an empty directory,
 * configured by its environment or a `.env` only): `start` with its graceful shutdown, `check` and
 * `token`.
 */
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { Agent, request } from 'node:http';
import { type AddressInfo, connect, createServer } from 'node:net';
import { describe, it } from 'node:test';
import { decodeJwt } from 'jose';
import { verifyCustomerToken } from '../../server/checkout/customer-token.js';
import { runEntry, startProxy } from '../support/processes.js';
import { assertNoSecrets, LAGO_API_KEY, TOKEN_SECRET } from './fake-lago.js';
import { created, PAGOU_TEST_KEY, startFakePagou } from './fake-pagou.js';
import { fixtureCatalog, proxyToPagou, tempFile } from './support.js';

const CUSTOMER_ID = 'cust_42';
const secretKey = new TextEncoder().encode(TOKEN_SECRET);

const IN_FLIGHT = 100;

interface Outcome {
  status: number;
  connection: string | undefined;
  body: string;
}

/** One checkout on `agent` (a keep-alive pool, as a reverse proxy sends them, or a fresh connection). */
function checkout(origin: string, agent: Agent | false): Promise<Outcome> {
  return new Promise((resolve, reject) => {
    const req = request(
      `${origin}/api/checkout`,
      { method: 'POST', agent, headers: { 'content-type': 'application/json' }, timeout: 15_000 },
      (res) => {
        let body = '';
        res
          .setEncoding('utf8')
          .on('data', (chunk: string) => (body += chunk))
          .once('end', () => resolve({ status: res.statusCode!, connection: res.headers.connection, body }));
      },
    );
    req.once('timeout', () => req.destroy(new Error('no answer within 15 s')));
    req.once('error', reject);
    req.end(JSON.stringify({ items: [{ product: 'SKU-A', quantity: 1 }] }));
  });
}

/** Resolves with the error code of a fresh connection attempt, or 'connected'. */
function tryConnect(origin: string): Promise<string> {
  const { hostname, port } = new URL(origin);
  return new Promise((resolve) => {
    const socket = connect({ host: hostname, port: Number(port) });
    socket.once('connect', () => {
      socket.destroy();
      resolve('connected');
    });
    socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
  });
}

async function waitFor(condition: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('checkout-button start', () => {
  it('when the configuration is bad, exits non-zero with one message listing every bad variable', async (t) => {
    const failure = await runEntry(t, [], {
      env: { PORT: 'x', PAGOU_API_KEY: 'pk_live_SECRET_9', PAGOU_API_URL: 'http://insecure.example' },
    });
    assert.equal(failure.code, 1);
    assert.match(failure.stderr, /Invalid configuration:\n {2}- PORT: .*\n {2}- PAGOU_API_URL: /);
    assert.ok(!`${failure.stderr}${failure.stdout}`.includes('pk_live_SECRET_9'));
  });

  it('when the port is in use, exits 1 with one readable line, not a log record with a stack', async (t) => {
    const taken = createServer().listen(0, '127.0.0.1');
    await once(taken, 'listening');
    t.after(() => taken.close());
    const { port } = taken.address() as AddressInfo;
    const failure = await runEntry(t, [], { env: { HOST: '127.0.0.1', PORT: String(port) } });
    assert.equal(failure.code, 1);
    assert.equal(
      failure.stderr,
      `Cannot start the checkout proxy: port ${port} on 127.0.0.1 is already in use by another program; stop it, or set PORT to a free port.\n`,
    );
  });

  it("when METRICS_TOKEN is set, GET /metrics carries the process's own metrics beside the proxy's", async (t) => {
    const token = 'metrics-token-0123456789';
    const proxy = await startProxy({ fromSource: true, env: { METRICS_TOKEN: token }, startTimeoutMs: 30_000 });
    t.after(() => proxy.stop());
    const response = await fetch(`${proxy.origin}/metrics`, { headers: { authorization: `Bearer ${token}` } });
    assert.equal(response.status, 200);
    const text = await response.text();
    for (const metric of [
      'checkout_button_checkouts_total',
      'process_resident_memory_bytes',
      'process_cpu_seconds_total',
      'nodejs_eventloop_lag_seconds',
    ]) {
      assert.match(text, new RegExp(`^# TYPE ${metric} `, 'm'), metric);
    }
  });

  it(`when SIGTERM arrives with ${IN_FLIGHT} checkouts in flight, finishes each with 201 and Connection: close, refuses new connections and exits 0`, {
    timeout: 40_000,
  }, async (t) => {
    const answer = created('https://pay.example/c/shutdown');
    // Pagou holds every checkout until the proxy is shutting down, so all of them are in flight at SIGTERM.
    const held: Array<() => void> = [];
    const pagou = await startFakePagou((req, res) => void held.push(() => answer(req, res)));
    t.after(() => pagou.close());
    const proxy = await proxyToPagou(t, pagou.url, { RATE_LIMIT_PER_MINUTE: '10000', SHUTDOWN_GRACE_MS: '12000' });
    const keepAlive = new Agent({ keepAlive: true, maxSockets: Infinity });
    t.after(() => keepAlive.destroy());

    const outcomes = Array.from({ length: IN_FLIGHT }, (_, index) =>
      checkout(proxy.origin, index % 2 === 0 ? keepAlive : false),
    );
    await waitFor(() => pagou.requests.length === IN_FLIGHT, `all ${IN_FLIGHT} checkouts to reach Pagou`);

    const exited = once(proxy.child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
    proxy.child.kill('SIGTERM');
    const shuttingDown = await proxy.waitForLog((entry) => entry.msg.startsWith('shutting down'), 'shutdown line');
    assert.equal(shuttingDown.graceMs, 12_000, 'the grace period is SHUTDOWN_GRACE_MS');
    assert.equal(await tryConnect(proxy.origin), 'ECONNREFUSED', 'a new connection after SIGTERM');
    for (const release of held) release();

    const answers = await Promise.all(outcomes);
    assert.deepEqual(
      answers.filter(({ status }) => status !== 201),
      [],
      'every in-flight checkout ends with 201',
    );
    for (const { body } of answers)
      assert.equal((JSON.parse(body) as { url: string }).url, 'https://pay.example/c/shutdown');
    // Or a keep-alive client would go on sending checkouts on them until the grace period cuts them.
    assert.deepEqual(
      answers.filter(({ connection }) => connection !== 'close'),
      [],
      'every answer after SIGTERM closes its connection',
    );

    const deadline = setTimeout(() => proxy.child.kill('SIGKILL'), 10_000);
    const [code, signal] = await exited;
    clearTimeout(deadline);
    assert.deepEqual({ code, signal }, { code: 0, signal: null }, 'exits 0 on its own within 10 s of SIGTERM');
    assert.ok(
      proxy.logs.some((entry) => entry.msg === 'stopped'),
      'stopped after draining, not at the end of the grace period',
    );
    assert.equal(pagou.requests.length, IN_FLIGHT, 'no checkout was retried or lost');
  });
});

describe('checkout-button check', () => {
  it('when checking, names the catalog that would be loaded and its product count', async (t) => {
    const run = await runEntry(t, ['check'], { env: { CATALOG_FILE: fixtureCatalog } });
    assert.equal(run.code, 0, run.stderr);
    assert.match(
      run.stdout,
      new RegExp(`^ {2}catalog: +${fixtureCatalog.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} \\(4 products\\)$`, 'm'),
    );
  });

  it('when the configuration is good, exits 0 with a summary that names the providers and prints no secret', async (t) => {
    const run = await runEntry(t, ['check'], {
      env: {
        CATALOG_FILE: fixtureCatalog,
        PAGOU_API_KEY: PAGOU_TEST_KEY,
        LAGO_API_KEY,
        CUSTOMER_TOKEN_SECRET: TOKEN_SECRET,
        AMOUNT_MAX: '5000',
        ALLOWED_ORIGINS: 'https://shop.example',
      },
    });
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.stderr, '');
    assert.match(run.stdout, /^Configuration OK\n/);
    assert.match(run.stdout, /providers: +pagou, lago\n/);
    assert.match(run.stdout, /catalog: +\S+catalog\.json \(4 products\)\n/);
    assert.match(run.stdout, /allowed origins: +https:\/\/shop\.example\n/);
    assert.match(run.stdout, /value-only links: +BRL 1 to 5000 \(minor units\)\n/);
    assert.ok(!run.stdout.includes(PAGOU_TEST_KEY), 'the Pagou key leaked');
    assertNoSecrets(run.stdout);
  });

  it('when nothing is set, exits 0 and says the sandbox and the demo catalog are in use', async (t) => {
    const run = await runEntry(t, ['check']);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /providers: +sandbox \(no provider key is set\)\n/);
    assert.match(run.stdout, /catalog: +\S+demo\/catalog\.json/);
  });

  it('when the variables and the catalog are bad, exits 1 listing every problem without printing a secret', async (t) => {
    const catalog = tempFile(t, 'catalog.json', '{"products":[{"id":"SKU-A","name":"","price":-1,"currency":"BRL"}]}');
    const run = await runEntry(t, ['check'], {
      env: {
        PORT: 'x',
        PAGOU_API_KEY: 'pk_live_SECRET_9',
        PAGOU_API_URL: 'http://insecure.example',
        LAGO_API_KEY,
        AMOUNT_MIN: '-5',
        CATALOG_FILE: catalog,
      },
    });
    assert.equal(run.code, 1);
    assert.equal(run.stdout, '');
    const listed = run.stderr.split('\n').filter((line) => line.startsWith('  - '));
    assert.deepEqual(
      listed.map((line) => /^ {2}- (\w+):/.exec(line)?.[1]),
      ['PORT', 'AMOUNT_MIN', 'PAGOU_API_URL', 'AMOUNT_MIN', 'CUSTOMER_TOKEN_SECRET', 'CATALOG_FILE', 'CATALOG_FILE'],
      run.stderr,
    );
    assert.match(run.stderr, /product "SKU-A" name/);
    assert.match(run.stderr, /product "SKU-A" price/);
    for (const secret of ['pk_live_SECRET_9', LAGO_API_KEY])
      assert.ok(!run.stderr.includes(secret), `${secret} leaked`);
  });
});

describe('checkout-button token', () => {
  it('when given an id and --ttl 15m, it prints only a token that verifies for 15 minutes', async (t) => {
    const run = await runEntry(t, ['token', CUSTOMER_ID, '--ttl', '15m'], {
      env: { CUSTOMER_TOKEN_SECRET: TOKEN_SECRET },
    });
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /^[\w-]+\.[\w-]+\.[\w-]+\n$/);
    const token = run.stdout.trim();
    assert.equal(await verifyCustomerToken(token, secretKey), CUSTOMER_ID);
    const claims = decodeJwt(token);
    assert.equal(claims.exp! - claims.iat!, 900);
    assertNoSecrets(run.stdout, run.stderr);
  });

  it('when CUSTOMER_TOKEN_SECRET is only in .env, reads it from there', async (t) => {
    const run = await runEntry(t, ['token', 'josé/ü?#. x'], { dotEnv: `CUSTOMER_TOKEN_SECRET=${TOKEN_SECRET}\n` });
    assert.equal(run.code, 0, run.stderr);
    assert.equal(await verifyCustomerToken(run.stdout.trim(), secretKey), 'josé/ü?#. x');
  });

  it('when CUSTOMER_TOKEN_SECRET is missing, exits 1 naming it and prints no token', async (t) => {
    const run = await runEntry(t, ['token', CUSTOMER_ID]);
    assert.equal(run.code, 1);
    assert.equal(run.stdout, '');
    assert.match(run.stderr, /CUSTOMER_TOKEN_SECRET/);
  });

  it('when CUSTOMER_TOKEN_SECRET is shorter than 32 bytes, exits 1 naming it without echoing it', async (t) => {
    const run = await runEntry(t, ['token', CUSTOMER_ID], { env: { CUSTOMER_TOKEN_SECRET: 'too-short-secret-value' } });
    assert.equal(run.code, 1);
    assert.equal(run.stdout, '');
    assert.match(run.stderr, /CUSTOMER_TOKEN_SECRET.*32 bytes/);
    assert.ok(!run.stderr.includes('too-short-secret-value'));
  });

  const badInvocations: Array<[string, string[], RegExp]> = [
    ['no customer id', [], /Usage: checkout-button token/],
    ['two customer ids', ['cust_1', 'cust_2'], /exactly one external customer id/],
    ['a --ttl over 24 h', [CUSTOMER_ID, '--ttl', '25h'], /ttl/],
    ['an unreadable --ttl', [CUSTOMER_ID, '--ttl', 'soon'], /ttl/],
    ['an unknown option', [CUSTOMER_ID, '--expires', '1h'], /Unknown option '--expires'/],
  ];

  for (const [what, args, message] of badInvocations) {
    it(`when given ${what}, it exits 1 with a message on stderr and nothing on stdout`, async (t) => {
      const run = await runEntry(t, ['token', ...args], { env: { CUSTOMER_TOKEN_SECRET: TOKEN_SECRET } });
      assert.equal(run.code, 1);
      assert.equal(run.stdout, '');
      assert.match(run.stderr, message);
      assertNoSecrets(run.stderr);
    });
  }
});

describe('checkout-button', () => {
  it('when given an unknown command, exits 1 with the usage', async (t) => {
    const run = await runEntry(t, ['serve']);
    assert.equal(run.code, 1);
    assert.match(run.stderr, /Unknown command "serve"[\s\S]*Usage: checkout-button \[command\]/);
  });
});
