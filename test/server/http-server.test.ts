import assert from 'node:assert/strict';
import { once } from 'node:events';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { type AddressInfo, connect, type Socket } from 'node:net';
import { describe, it, type TestContext } from 'node:test';
import { setFlagsFromString } from 'node:v8';
import { createHttpServer, type HttpServerOptions, REQUEST_TIMEOUT_MS } from '../../server/http/http-server.js';
import { testApp } from './support.js';

/** The proxy on a loopback port behind the server `start` builds; closed after the test. */
async function listening(
  t: TestContext,
  options: HttpServerOptions,
  env: Record<string, string> = {},
): Promise<{ server: Server; port: number }> {
  const server = createHttpServer(testApp(env).app, options);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  t.after(() => {
    server.closeAllConnections();
    server.close();
  });
  return { server, port: (server.address() as AddressInfo).port };
}

/** A raw connection; resolves with everything the server sent once it closes the connection. */
function rawConnection(port: number): { socket: Socket; received: Promise<string> } {
  const socket = connect(port, '127.0.0.1');
  let text = '';
  socket.on('data', (chunk) => {
    text += chunk;
  });
  const received = new Promise<string>((resolve) => {
    socket.on('error', () => {}); // a reset is a close too
    socket.on('close', () => resolve(text));
  });
  return { socket, received };
}

const stalledCheckout = [
  'POST /api/checkout HTTP/1.1',
  'Host: 127.0.0.1',
  'Content-Type: application/json',
  'Content-Length: 16384',
  '',
  '{"items":[',
].join('\r\n');

describe('the HTTP server', () => {
  it('by default gives a request 5 s for its headers and 10 s in all, what a 16 KB body needs on a slow link', async (t) => {
    const { server } = await listening(t, { maxConnections: 10 });
    assert.equal(server.headersTimeout, 5_000);
    assert.equal(server.requestTimeout, REQUEST_TIMEOUT_MS);
    assert.equal(REQUEST_TIMEOUT_MS, 10_000);
  });

  it('when a client stalls in the middle of its body, answers 408 and closes the connection once the request timeout passes', async (t) => {
    const { port } = await listening(t, { maxConnections: 10, requestTimeoutMs: 500 });
    const { socket, received } = rawConnection(port);
    socket.write(stalledCheckout);
    assert.match(await received, /^HTTP\/1\.1 408 /);
  });

  it('when MAX_CONNECTIONS connections are open, closes a further one unanswered, and serves again once one ends', async (t) => {
    const { server, port } = await listening(t, { maxConnections: 2 });
    const held: Array<{ client: Socket; server: Socket }> = [];
    for (let index = 0; index < 2; index += 1) {
      const accepted = once(server, 'connection') as Promise<[Socket]>;
      const { socket } = rawConnection(port);
      socket.write(stalledCheckout);
      held.push({ client: socket, server: (await accepted)[0] });
    }
    const extra = rawConnection(port);
    extra.socket.write('GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
    assert.equal(await extra.received, '', 'dropped before any answer');

    // Not events.once: the server side also emits the parse error of a request cut short.
    const freed = new Promise((resolve) => held[0]!.server.on('close', resolve));
    held[0]!.client.destroy();
    await freed;
    const health = await fetch(`http://127.0.0.1:${port}/healthz`);
    assert.equal(health.status, 200);
    held[1]!.client.destroy();
  });

  it("gives every checkout's request one hidden class, and its response another, so that reading their properties stays fast", async (t) => {
    // V8's own checks, which functions compiled after this flag may call.
    setFlagsFromString('--allow-natives-syntax');
    const sameHiddenClass = new Function('a', 'b', 'return %HaveSameMap(a, b)') as (a: object, b: object) => boolean;
    const hasFastProperties = new Function('a', 'return %HasFastProperties(a)') as (a: object) => boolean;
    const origin = 'https://shop.example';
    const { server, port } = await listening(
      t,
      { maxConnections: 10 },
      { ALLOWED_ORIGINS: origin, RATE_LIMIT_PER_MINUTE: '1000' },
    );
    const answered: Array<{ req: IncomingMessage; res: ServerResponse }> = [];
    server.on('request', (req: IncomingMessage, res: ServerResponse) =>
      res.once('finish', () => answered.push({ req, res })),
    );
    for (let index = 0; index < 16; index += 1) {
      const response = await fetch(`http://127.0.0.1:${port}/api/checkout`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', origin, 'idempotency-key': `shape-${index}` },
        body: JSON.stringify({ items: [{ product: 'SKU-A' }] }),
      });
      assert.equal(response.status, 201);
    }
    // The first ones may still see V8 settle a field's representation.
    const [last, ...earlier] = answered.slice(8).reverse();
    assert.ok(hasFastProperties(last!.req), 'the request keeps fast properties');
    assert.ok(hasFastProperties(last!.res), 'the response keeps fast properties');
    for (const { req, res } of earlier) {
      assert.ok(sameHiddenClass(req, last!.req), 'requests share a hidden class');
      assert.ok(sameHiddenClass(res, last!.res), 'responses share a hidden class');
    }
  });
});
