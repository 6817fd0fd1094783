import assert from 'node:assert/strict';
import { once } from 'node:events';
import type { ServerResponse } from 'node:http';
import { type AddressInfo, createServer as createTcpServer } from 'node:net';
import { after, describe, it, type TestContext } from 'node:test';
import { brotliCompressSync, deflateRawSync, gzipSync } from 'node:zlib';
import { ProblemError } from '../../server/lib/problem-error.js';
import { checkoutUrlFrom, MAX_UPSTREAM_BODY_BYTES, postToUpstream } from '../../server/providers/upstream.js';
import { upstreamPool } from '../../server/providers/upstream-pool.js';
import { type RecordedRequest, startFakeUpstream } from '../support/http.js';
import { gzippedSuccess, hugeSuccess, type PagouScenario } from './fake-pagou.js';

const pool = upstreamPool(16);
after(() => pool.close());

const success = Buffer.from(JSON.stringify({ success: true, data: { url: 'https://pay.example/1' } }));

/** One call to a fake upstream that answers with `answer`; resolves with the call's outcome and what the fake saw. */
async function callAgainst(
  t: TestContext,
  answer: (res: ServerResponse, request: RecordedRequest) => void,
  timeoutMs = 2_000,
) {
  const upstream = await startFakeUpstream((request, res) => answer(res, request));
  t.after(() => upstream.close());
  const outcome = await postToUpstream({
    provider: 'Pagou',
    url: `${upstream.url}/v2/checkout-links`,
    apiKey: 'k',
    body: {},
    timeoutMs,
    pool,
  }).then(
    (answer) => ({ answer, error: undefined }),
    (error: unknown) => ({ answer: undefined, error }),
  );
  return { ...outcome, requests: upstream.requests };
}

function assertProblemError(error: unknown, code: string): void {
  assert.ok(error instanceof ProblemError, `expected a ProblemError, got ${String(error)}`);
  assert.equal(error.code, code, error.message);
}

describe('postToUpstream', () => {
  it('asks for an uncompressed answer and reads it', async (t) => {
    const { answer, requests } = await callAgainst(t, (res) =>
      res.writeHead(201, { 'content-type': 'application/json' }).end(success),
    );
    assert.equal(requests[0]!.headers['accept-encoding'], 'identity');
    assert.equal(answer!.status, 201);
    assert.deepEqual(answer!.json, JSON.parse(success.toString()));
  });

  it('undoes stacked content codings, outermost first', async (t) => {
    const body = brotliCompressSync(gzipSync(success));
    const { answer } = await callAgainst(t, (res) => res.writeHead(201, { 'content-encoding': 'gzip, br' }).end(body));
    assert.deepEqual(answer!.json, JSON.parse(success.toString()));
  });

  it('reads a deflate body sent raw, without the zlib wrapper', async (t) => {
    const { answer } = await callAgainst(t, (res) =>
      res.writeHead(201, { 'content-encoding': 'deflate' }).end(deflateRawSync(success)),
    );
    assert.deepEqual(answer!.json, JSON.parse(success.toString()));
  });

  it('when more than two content codings are stacked, answers upstream_bad_response without inflating them', async (t) => {
    const body = gzipSync(gzipSync(gzipSync(success)));
    const { error } = await callAgainst(t, (res) =>
      res.writeHead(201, { 'content-encoding': 'gzip, gzip, gzip' }).end(body),
    );
    assertProblemError(error, 'upstream_bad_response');
  });

  it("when an error answer's body does not decode, still reports its status and headers", async (t) => {
    const { answer } = await callAgainst(t, (res) =>
      res.writeHead(429, { 'content-encoding': 'gzip', 'retry-after': '7' }).end('not gzip'),
    );
    assert.equal(answer!.status, 429);
    assert.equal(answer!.header('Retry-After'), '7');
    assert.equal(answer!.json, undefined);
  });

  it('accepts an API URL whose scheme is in capitals', async (t) => {
    const upstream = await startFakeUpstream((_request, res) => void res.writeHead(201).end(success));
    t.after(() => upstream.close());
    const answer = await postToUpstream({
      provider: 'Pagou',
      url: upstream.url.replace('http:', 'HTTP:'),
      apiKey: 'k',
      timeoutMs: 2_000,
      pool,
    });
    assert.equal(answer.status, 201);
  });

  it('when the connection switches protocols instead of answering, answers upstream_unavailable at once', {
    timeout: 3_000,
  }, async (t) => {
    const server = createTcpServer((socket) =>
      socket.once('data', () =>
        socket.end('HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n'),
      ),
    );
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    t.after(() => server.close());
    const { port } = server.address() as AddressInfo;
    const call = postToUpstream({
      provider: 'Pagou',
      url: `http://127.0.0.1:${port}/v2/checkout-links`,
      apiKey: 'k',
      body: {},
      timeoutMs: 5_000,
      pool,
    });
    await assert.rejects(call, (error) => error instanceof ProblemError && error.code === 'upstream_unavailable');
  });

  it('when the content coding is one it cannot read, answers upstream_bad_response', async (t) => {
    const { error } = await callAgainst(t, (res) =>
      res.writeHead(201, { 'content-encoding': 'x-unknown' }).end(success),
    );
    assertProblemError(error, 'upstream_bad_response');
  });

  it('when redirected, answers upstream_unavailable and does not follow with the key', async (t) => {
    const { error, requests } = await callAgainst(t, (res, request) =>
      res
        .writeHead(request.url === '/elsewhere' ? 201 : 307, { location: '/elsewhere' })
        .end(request.url === '/elsewhere' ? success : undefined),
    );
    assertProblemError(error, 'upstream_unavailable');
    assert.deepEqual(
      requests.map(({ url }) => url),
      ['/v2/checkout-links'],
    );
  });

  it('when the body stalls after the headers, answers upstream_timeout once the timeout has passed', async (t) => {
    const started = performance.now();
    const { error } = await callAgainst(
      t,
      (res) => {
        res.writeHead(201, { 'content-type': 'application/json' });
        res.write('{"success": true, "data": {');
      },
      300,
    );
    assertProblemError(error, 'upstream_timeout');
    assert.ok(performance.now() - started >= 290);
  });
});

/**
 * An answer is read into memory, so its size is capped: at 64 KB as sent, and at 64 KB once
 * inflated. A provider's answer is a few hundred bytes; 100 KB passed the 1 MB cap this replaced.
 */
describe('the 64 KB cap on an upstream answer', () => {
  const PAST_THE_CAP = 100 * 1024;
  const overTheCap: Array<[string, PagouScenario]> = [
    ['sends a body over 64 KB with a content-length', hugeSuccess(PAST_THE_CAP, { contentLength: true })],
    ['streams a body over 64 KB without a content-length', hugeSuccess(PAST_THE_CAP, { contentLength: false })],
    ['sends a small gzip body that inflates past 64 KB', gzippedSuccess(PAST_THE_CAP)],
  ];
  for (const [what, scenario] of overTheCap) {
    it(`when the upstream ${what}, answers 502 upstream_bad_response after one call`, async (t) => {
      const { error, requests } = await callAgainst(t, (res, request) => scenario(request, res));
      assertProblemError(error, 'upstream_bad_response');
      assert.equal((error as ProblemError).status, 502);
      assert.equal(requests.length, 1, 'the POST must never be retried');
    });
  }

  it('when the answer is just under 64 KB, reads it', async (t) => {
    const padded = JSON.stringify({
      success: true,
      data: { url: 'https://pay.example/1' },
      pad: 'x'.repeat(MAX_UPSTREAM_BODY_BYTES - 100),
    });
    const { answer, error } = await callAgainst(t, (res) =>
      res.writeHead(201, { 'content-type': 'application/json' }).end(padded),
    );
    assert.equal(error, undefined);
    assert.equal(answer?.status, 201);
  });
});

describe('checkoutUrlFrom', () => {
  const key = 'pk_live_IN_THE_LINK_0042';

  it('when the URL is one a browser would resolve its own way, answers the URL it names, normalized', () => {
    assert.equal(checkoutUrlFrom('https:/pay.example/c/1', 'Pagou', key), 'https://pay.example/c/1');
    assert.equal(checkoutUrlFrom('http:127.0.0.1:4600/x', 'Pagou', key), 'http://127.0.0.1:4600/x');
    assert.equal(checkoutUrlFrom('HTTPS://PAY.example/a/../c', 'Pagou', key), 'https://pay.example/c');
  });

  it('when the URL carries the API key raw, URL-encoded or base64, answers upstream_bad_response', () => {
    const base64 = (text: string) => Buffer.from(text).toString('base64');
    for (const form of [
      key,
      encodeURIComponent(key),
      base64(key),
      Buffer.from(key).toString('base64url'),
      encodeURIComponent(base64(`Bearer ${key}`)),
    ]) {
      for (const url of [`https://pay.example/c/1?token=${form}`, `https://pay.example/${form}/c`]) {
        assert.throws(
          () => checkoutUrlFrom(url, 'Pagou', key),
          (error) => {
            assertProblemError(error, 'upstream_bad_response');
            assert.ok(!(error as Error).message.includes(key));
            return true;
          },
        );
      }
    }
    assert.throws(
      () => checkoutUrlFrom(`https://pay.example/c/${key.replace('_', '%5F')}`, 'Pagou', key),
      ProblemError,
      'percent-encoding what needs none hides nothing',
    );
  });
});
