/**
 * Upstream chaos: a fake Pagou and a fake Lago answer a random mix of faults while the proxy
 * serves 20 requests at a time. Every request must end with the answer its fault calls for (201,
 * or problem+json with the right code) within UPSTREAM_TIMEOUT_MS + HANG_MARGIN_MS, with no unhandled
 * rejection and bounded memory. The mix is drawn from a seed printed with any failure; set
 * CHAOS_SEED to replay one.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';
import type { ProblemCode } from '../../contract/problems.js';
import { signCustomerToken } from '../../server/checkout/customer-token.js';
import { type FakeUpstream, sendJson, startFakeUpstream } from '../support/http.js';
import type { LogCapture } from '../support/logs.js';
import { answerOf, assertProblem } from '../support/problems.js';
import { startNodeFlags, startProxy } from '../support/processes.js';
import { lagoCustomer, lagoCustomerIdOf, TOKEN_SECRET } from './fake-lago.js';
import { PAGOU_TEST_KEY } from './fake-pagou.js';
import { fixtureCatalog, listenInFrontOf } from './support.js';

// Long enough that a loaded CI machine still inflates the gzip bomb's first megabyte in time,
// short enough that the hangs keep the file quick.
const UPSTREAM_TIMEOUT_MS = 2_000;
/**
 * How long past the proxy's own timeout an answer may take before it counts as a hang. A bound on
 * hangs, not on speed: other test files share the two cores, and at 1 s a stalled upstream's
 * timeout answer missed it under that load.
 */
const HANG_MARGIN_MS = 5_000;
const REQUESTS = 200;
const CONCURRENCY = 20;
const ONE_MEGABYTE = 1024 * 1024;
const seed = Number(process.env.CHAOS_SEED) || Date.now() % 2 ** 31;

type Provider = 'pagou' | 'lago';
type Expected = { status: 201 } | { code: ProblemCode };

interface Fault {
  name: string;
  /** Answers the upstream request; `success` is the provider's own success body. */
  answer(res: ServerResponse, success: Buffer, successStatus: number): void;
  expect: Expected;
}

const json = (value: unknown) => Buffer.from(JSON.stringify(value));
// Built once: compressing 20 MB per request would block the event loop the proxy shares with the fakes.
const oversized = Buffer.alloc(2 * ONE_MEGABYTE, 32);
const gzipBomb = gzipSync(Buffer.alloc(20 * ONE_MEGABYTE, 32));
const ignoreHangUp = (res: ServerResponse) => res.on('error', () => {});

/** Every fault, and what the proxy must answer to it (the same for both providers). */
const faults: Fault[] = [
  {
    name: 'success',
    expect: { status: 201 },
    answer: (res, body, status) => res.writeHead(status, { 'content-type': 'application/json' }).end(body),
  },
  {
    name: 'success after 150 ms',
    expect: { status: 201 },
    answer: (res, body, status) =>
      void setTimeout(() => res.writeHead(status, { 'content-type': 'application/json' }).end(body), 150),
  },
  {
    name: 'success after an early hint',
    expect: { status: 201 },
    answer: (res, body, status) => {
      res.writeEarlyHints({ link: '</x>; rel=preload' });
      res.writeHead(status, { 'content-type': 'application/json' }).end(body);
    },
  },
  {
    name: 'gzipped success',
    expect: { status: 201 },
    answer: (res, body, status) =>
      res.writeHead(status, { 'content-type': 'application/json', 'content-encoding': 'gzip' }).end(gzipSync(body)),
  },
  {
    name: '500 json',
    expect: { code: 'upstream_unavailable' },
    answer: (res) => sendJson(res, 500, { status: 500, error: 'Internal Server Error' }),
  },
  {
    name: '502 html',
    expect: { code: 'upstream_unavailable' },
    answer: (res) => res.writeHead(502, { 'content-type': 'text/html' }).end('<h1>502 Bad Gateway</h1>'),
  },
  { name: '503 empty', expect: { code: 'upstream_unavailable' }, answer: (res) => res.writeHead(503).end() },
  {
    name: '401',
    expect: { code: 'upstream_auth_failed' },
    answer: (res) => sendJson(res, 401, { status: 401, error: 'Unauthorized' }),
  },
  {
    name: '403',
    expect: { code: 'upstream_auth_failed' },
    answer: (res) => sendJson(res, 403, { status: 403, error: 'Forbidden' }),
  },
  { name: '418', expect: { code: 'upstream_rejected' }, answer: (res) => sendJson(res, 418, { error: 'teapot' }) },
  {
    name: '429 retry-after',
    expect: { code: 'upstream_rate_limited' },
    answer: (res) => sendJson(res, 429, { error: 'slow down' }, { 'retry-after': '3' }),
  },
  {
    name: '429 bad retry-after',
    expect: { code: 'upstream_rate_limited' },
    answer: (res) => sendJson(res, 429, { error: 'slow down' }, { 'retry-after': 'soon' }),
  },
  {
    name: '302 redirect',
    expect: { code: 'upstream_unavailable' },
    answer: (res) => res.writeHead(302, { location: 'https://evil.example/' }).end(),
  },
  {
    name: '2xx html',
    expect: { code: 'upstream_bad_response' },
    answer: (res, _body, status) => res.writeHead(status, { 'content-type': 'text/html' }).end('<html>ok</html>'),
  },
  {
    name: '2xx truncated json',
    expect: { code: 'upstream_bad_response' },
    answer: (res, body, status) =>
      res.writeHead(status, { 'content-type': 'application/json' }).end(body.subarray(0, body.length - 3)),
  },
  {
    name: '2xx null',
    expect: { code: 'upstream_bad_response' },
    answer: (res, _body, status) => sendJson(res, status, null),
  },
  {
    name: '2xx javascript: url',
    expect: { code: 'upstream_bad_response' },
    answer: (res, body, status) =>
      res
        .writeHead(status, { 'content-type': 'application/json' })
        .end(Buffer.from(body.toString().replace(/https:\/\/[^"]+/, 'javascript:alert(1)'))),
  },
  {
    name: '2xx plain http url',
    expect: { code: 'upstream_bad_response' },
    answer: (res, body, status) =>
      res
        .writeHead(status, { 'content-type': 'application/json' })
        .end(Buffer.from(body.toString().replace(/https:/, 'http:'))),
  },
  { name: '204', expect: { code: 'upstream_bad_response' }, answer: (res) => res.writeHead(204).end() },
  {
    name: 'invalid gzip',
    expect: { code: 'upstream_unavailable' },
    answer: (res, body, status) =>
      res.writeHead(status, { 'content-type': 'application/json', 'content-encoding': 'gzip' }).end(body),
  },
  {
    name: 'over 1 MB with content-length',
    expect: { code: 'upstream_bad_response' },
    answer: (res, _body, status) => {
      ignoreHangUp(res);
      res
        .writeHead(status, { 'content-type': 'application/json', 'content-length': String(2 * ONE_MEGABYTE) })
        .end(oversized);
    },
  },
  {
    name: 'over 1 MB chunked',
    expect: { code: 'upstream_bad_response' },
    answer: (res, _body, status) => {
      ignoreHangUp(res);
      res.writeHead(status, { 'content-type': 'application/json' });
      for (let sent = 0; sent < oversized.length; sent += 64 * 1024)
        res.write(oversized.subarray(sent, sent + 64 * 1024));
      res.end();
    },
  },
  {
    name: 'gzip bomb',
    expect: { code: 'upstream_bad_response' },
    answer: (res, _body, status) => {
      ignoreHangUp(res);
      res.writeHead(status, { 'content-type': 'application/json', 'content-encoding': 'gzip' }).end(gzipBomb);
    },
  },
  { name: 'reset', expect: { code: 'upstream_unavailable' }, answer: (res) => res.socket!.resetAndDestroy() },
  {
    name: 'drop mid-body',
    expect: { code: 'upstream_unavailable' },
    answer: (res, body, status) => {
      res.writeHead(status, { 'content-type': 'application/json', 'content-length': String(body.length) });
      res.write(body.subarray(0, 10), () => res.socket!.destroy());
    },
  },
  { name: 'hang', expect: { code: 'upstream_timeout' }, answer: () => {} },
  {
    name: 'slow body within the timeout',
    expect: { status: 201 },
    answer: (res, body, status) => {
      ignoreHangUp(res);
      res.writeHead(status, { 'content-type': 'application/json' });
      const quarter = Math.ceil(body.length / 4);
      for (let part = 0; part < 4; part += 1) {
        setTimeout(
          () =>
            part < 3
              ? res.write(body.subarray(part * quarter, (part + 1) * quarter))
              : res.end(body.subarray(part * quarter)),
          40 * part,
        );
      }
    },
  },
  {
    // Headers in time, then silence: only the proxy's overall timeout can end this one.
    name: 'stall after headers',
    expect: { code: 'upstream_timeout' },
    answer: (res, body, status) => {
      ignoreHangUp(res);
      res.writeHead(status, { 'content-type': 'application/json' }).write(body.subarray(0, 10));
    },
  },
];

/** A small seeded generator (mulberry32), so a failing mix can be replayed. */
function random(state: number): () => number {
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Planned {
  index: number;
  provider: Provider;
  fault: Fault;
}

const next = random(seed);
const plan: Planned[] = Array.from({ length: REQUESTS }, (_, index) => ({
  index,
  provider: next() < 0.5 ? 'pagou' : 'lago',
  fault: faults[Math.floor(next() * faults.length)]!,
}));
const planFor = (index: number) => plan[index]!;

let pagou: FakeUpstream;
let lago: FakeUpstream;
let proxy: { url: string; close(): Promise<void> };
let logs: LogCapture;
const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => unhandled.push(reason);

before(async () => {
  process.on('unhandledRejection', onUnhandled);
  // Pagou's title and Lago's customer id carry the request's index, so each upstream knows its fault.
  pagou = await startFakeUpstream((request, res) => {
    const { index } = /^chaos-(?<index>\d+)$/.exec((JSON.parse(request.body) as { title: string }).title)!.groups!;
    const success = json({ success: true, requestId: randomUUID(), data: { url: `https://pay.example/c/${index}` } });
    planFor(Number(index)).fault.answer(res, success, 201);
  });
  lago = await startFakeUpstream((request, res) => {
    const customerId = lagoCustomerIdOf(request.url)!;
    const success = json({
      customer: lagoCustomer(customerId, { checkout_url: `https://checkout.stripe.com/c/${customerId}` }),
    });
    planFor(Number(customerId.replace('chaos-', ''))).fault.answer(res, success, 200);
  });
  ({ logs, ...proxy } = await listenInFrontOf(pagou, lago, {
    UPSTREAM_TIMEOUT_MS: String(UPSTREAM_TIMEOUT_MS),
    RATE_LIMIT_PER_MINUTE: '1000000',
  }));
});

after(async () => {
  process.off('unhandledRejection', onUnhandled);
  await proxy?.close();
  await pagou?.close();
  await lago?.close();
});

async function bodyFor({ index, provider }: Planned): Promise<object> {
  if (provider === 'pagou') return { items: [{ product: 'SKU-A', quantity: 1 }], title: `chaos-${index}` };
  return { customer_token: await signCustomerToken(`chaos-${index}`, { secret: TOKEN_SECRET }) };
}

/** One request, with a hard client-side deadline: an answer later than that is a failure. */
async function send(planned: Planned): Promise<string | undefined> {
  const context = `request ${planned.index} (${planned.provider}, ${planned.fault.name}; CHAOS_SEED=${seed})`;
  let response: Response;
  try {
    response = await fetch(`${proxy.url}/api/checkout`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(await bodyFor(planned)),
      signal: AbortSignal.timeout(UPSTREAM_TIMEOUT_MS + HANG_MARGIN_MS),
    });
  } catch (error) {
    return `${context}: no answer within ${UPSTREAM_TIMEOUT_MS + HANG_MARGIN_MS} ms (${(error as Error).name})`;
  }
  const answer = await answerOf(response);
  try {
    const { expect } = planned.fault;
    if ('status' in expect) {
      assert.equal(answer.status, 201, `${context}: ${answer.text}`);
      assert.match((JSON.parse(answer.text) as { url: string }).url, /^https:\/\//);
    } else {
      assert.equal(assertProblem(answer, context).code, expect.code, context);
    }
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
}

describe('the proxy under upstream chaos', { timeout: 90_000 }, () => {
  it(`when ${REQUESTS} requests meet a random mix of upstream faults ${CONCURRENCY} at a time, each gets its well-formed answer in time`, async (t) => {
    t.diagnostic(`CHAOS_SEED=${seed}`);
    const queue = [...plan];
    const failures: string[] = [];
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        for (let planned = queue.shift(); planned; planned = queue.shift()) {
          const failure = await send(planned);
          if (failure) failures.push(failure);
        }
      }),
    );
    assert.deepEqual(failures, []);
  });

  it('afterwards, the proxy still answers, nothing was unhandled, nothing was an internal error and memory is bounded', async () => {
    const health = await fetch(`${proxy.url}/healthz`);
    assert.equal(health.status, 200);
    assert.deepEqual(unhandled, []);
    assert.deepEqual(
      logs.entries.filter((entry) => entry.code === 'internal_error'),
      [],
    );
    // Generous: the test process holds the runner, both fakes and every log line too.
    assert.ok(process.memoryUsage().heapUsed < 256 * ONE_MEGABYTE, `heap ${process.memoryUsage().heapUsed} bytes`);
  });
});

/** The most memory a process has held at once (Linux's VmHWM), in bytes. */
function peakResidentBytes(pid: number): number {
  const peak = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
  assert.ok(peak, `no VmHWM for process ${pid}`);
  return Number(peak) * 1024;
}

const BOMB_ROUNDS = 3;
const AT_ONCE = 200;

describe('memory against a provider that answers gzip bombs', { timeout: 120_000 }, () => {
  it(`when ${AT_ONCE} checkouts at once meet gzip-bomb answers, ${BOMB_ROUNDS} times over, the proxy as npm start runs it peaks under 150 MB`, async (t) => {
    const bombs = await startFakeUpstream((_request, res) => {
      ignoreHangUp(res);
      res.writeHead(201, { 'content-type': 'application/json', 'content-encoding': 'gzip' }).end(gzipBomb);
    });
    t.after(() => bombs.close());
    // Its own process, built and with the start script's node flags: the test runner's memory is not the proxy's.
    const proxy = await startProxy({
      nodeFlags: startNodeFlags,
      env: {
        CATALOG_FILE: fixtureCatalog,
        PAGOU_API_KEY: PAGOU_TEST_KEY,
        PAGOU_API_URL: bombs.url,
        RATE_LIMIT_PER_MINUTE: '1000000',
        LOG_LEVEL: 'warn',
      },
    });
    t.after(() => proxy.stop());

    for (let round = 0; round < BOMB_ROUNDS; round += 1) {
      const codes = await Promise.all(
        Array.from({ length: AT_ONCE }, async () => {
          const response = await fetch(`${proxy.origin}/api/checkout`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: '{"items":[{"product":"SKU-A"}]}',
          });
          return assertProblem(await answerOf(response)).code;
        }),
      );
      assert.deepEqual(new Set(codes), new Set(['upstream_bad_response']), `round ${round}`);
    }
    const peak = peakResidentBytes(proxy.pid);
    t.diagnostic(`peak RSS ${(peak / ONE_MEGABYTE).toFixed(1)} MB`);
    assert.ok(peak < 150 * ONE_MEGABYTE, `peak RSS ${(peak / ONE_MEGABYTE).toFixed(1)} MB`);
  });
});
