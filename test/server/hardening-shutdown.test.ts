/**
 * Graceful shutdown under load, on the real entry point (`server/cli/index.ts`, as `npm start` runs it
 * once built): SIGTERM while 100 checkouts wait on a slow Pagou. Every one of them must still get
 * its 201 with `Connection: close`, new connections must be refused at once, and the process must
 * exit 0 on its own, as soon as they are answered rather than at the end of its 10 s grace period.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { created, type FakePagou, PAGOU_TEST_KEY, startFakePagou } from './fake-pagou.js';
import { fixtureCatalog } from './support.js';

const IN_FLIGHT = 100;
const UPSTREAM_DELAY_MS = 1_000;
const entry = fileURLToPath(new URL('../../server/cli/index.ts', import.meta.url));
const tsx = import.meta.resolve('tsx');

let pagou: FakePagou;
let proxy: ChildProcess | undefined;
// The proxy runs in a scratch directory, so no `.env` of the checkout is read.
const scratch = mkdtempSync(join(tmpdir(), 'checkout-shutdown-'));
const logLines: Array<Record<string, unknown>> = [];

before(async () => {
  const answer = created('https://pay.example/c/shutdown');
  pagou = await startFakePagou((req, res) => void setTimeout(() => answer(req, res), UPSTREAM_DELAY_MS));
});

after(async () => {
  if (proxy && proxy.exitCode === null && proxy.signalCode === null) {
    proxy.kill('SIGKILL');
    await once(proxy, 'exit');
  }
  await pagou?.close();
  rmSync(scratch, { recursive: true, force: true });
});

/** Starts the proxy in its own process and resolves with its port once it logs that it listens. */
async function startProxy(): Promise<number> {
  proxy = spawn(process.execPath, ['--import', tsx, entry], {
    cwd: scratch,
    env: {
      PATH: process.env.PATH,
      PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'info',
      CATALOG_FILE: fixtureCatalog,
      PAGOU_API_KEY: PAGOU_TEST_KEY,
      PAGOU_API_URL: pagou.url,
      RATE_LIMIT_PER_MINUTE: '10000',
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: proxy.stdout! });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the proxy did not start within 10 s')), 10_000);
    proxy!.once('exit', (code) => reject(new Error(`the proxy exited with ${code} before listening`)));
    lines.on('line', (line) => {
      const entry = JSON.parse(line) as Record<string, unknown>;
      logLines.push(entry);
      if (typeof entry.port === 'number' && entry.port > 0) {
        clearTimeout(timer);
        resolve(entry.port);
      }
    });
  });
}

interface Outcome {
  status: number;
  connection: string | undefined;
  body: string;
}

/** One checkout; half of them on keep-alive connections, as a reverse proxy would send them. */
function checkout(port: number, agent: Agent | false): Promise<Outcome> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        method: 'POST',
        path: '/api/checkout',
        agent,
        headers: { 'content-type': 'application/json' },
        timeout: 15_000,
      },
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
function tryConnect(port: number): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
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

describe('graceful shutdown under load', { timeout: 40_000 }, () => {
  it(`when SIGTERM arrives with ${IN_FLIGHT} checkouts in flight, finishes each with 201 and Connection: close, refuses new connections and exits 0`, async () => {
    const port = await startProxy();
    const keepAlive = new Agent({ keepAlive: true, maxSockets: Infinity });
    try {
      const outcomes = Array.from({ length: IN_FLIGHT }, (_, index) =>
        checkout(port, index % 2 === 0 ? keepAlive : false),
      );
      await waitFor(() => pagou.requests.length === IN_FLIGHT, `all ${IN_FLIGHT} checkouts to reach Pagou`);

      const exited = once(proxy!, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
      proxy!.kill('SIGTERM');
      await waitFor(
        () => logLines.some((entry) => String(entry.msg).startsWith('shutting down')),
        'the shutdown log line',
      );
      assert.equal(await tryConnect(port), 'ECONNREFUSED', 'a new connection after SIGTERM');

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

      const deadline = setTimeout(() => proxy!.kill('SIGKILL'), 10_000);
      const [code, signal] = await exited;
      clearTimeout(deadline);
      assert.deepEqual({ code, signal }, { code: 0, signal: null }, 'exits 0 on its own within 10 s of SIGTERM');
      assert.ok(
        logLines.some((entry) => entry.msg === 'stopped'),
        'stopped after draining, not at the end of the grace period',
      );
      assert.equal(pagou.requests.length, IN_FLIGHT, 'no checkout was retried or lost');
    } finally {
      keepAlive.destroy();
    }
  });
});
