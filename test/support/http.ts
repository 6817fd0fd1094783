/** HTTP servers on loopback for tests: an app on a real port, and a fake upstream that records what it receives. */
import { once } from 'node:events';
import { createServer, type IncomingMessage, type RequestListener, Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer, Server as HttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { Certificate } from './tls.js';

export interface Listening {
  url: string;
  server: Server | HttpsServer;
  close(): Promise<void>;
}

/**
 * A request listener (an Express app) on a loopback port, for tests that send many requests (a
 * real socket is several times faster than supertest's server per request), many at once, or
 * need the server itself.
 */
export async function listen(listener: RequestListener | Server | HttpsServer): Promise<Listening> {
  const server = listener instanceof Server || listener instanceof HttpsServer ? listener : createServer(listener);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const scheme = server instanceof HttpsServer ? 'https' : 'http';
  return {
    url: `${scheme}://127.0.0.1:${(server.address() as AddressInfo).port}`,
    server,
    async close() {
      server.closeAllConnections();
      if (!server.listening) return;
      server.close();
      await once(server, 'close');
    },
  };
}

export interface RecordedRequest {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

export interface FakeUpstream {
  url: string;
  requests: RecordedRequest[];
  /** Connections accepted so far; over HTTPS, each one is a TLS handshake. */
  connections(): number;
  close(): Promise<void>;
}

export interface FakeServerOptions {
  /** Serve HTTPS with this certificate (the client must trust it). */
  tls?: Certificate;
  /** How long an idle connection stays open; Node's default is 5 s. */
  keepAliveTimeoutMs?: number;
}

/**
 * A real HTTP server on loopback that stands in for a provider, or an HTTPS one with `tls`. The
 * handler sees each request with its body already read; everything received is recorded for assertions.
 */
export async function startFakeUpstream(
  handler: (request: RecordedRequest, res: ServerResponse) => void | Promise<void>,
  { tls, keepAliveTimeoutMs }: FakeServerOptions = {},
): Promise<FakeUpstream> {
  const requests: RecordedRequest[] = [];
  const listener: RequestListener = async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const recorded = {
      method: req.method!,
      url: req.url!,
      headers: req.headers,
      body: Buffer.concat(chunks).toString('utf8'),
    };
    requests.push(recorded);
    await handler(recorded, res);
  };
  const server = tls ? createHttpsServer({ cert: tls.cert, key: tls.key }, listener) : createServer(listener);
  if (keepAliveTimeoutMs !== undefined) server.keepAliveTimeout = keepAliveTimeoutMs;
  let accepted = 0;
  server.on(tls ? 'secureConnection' : 'connection', () => (accepted += 1));
  const { url, close } = await listen(server);
  return { url, requests, connections: () => accepted, close };
}

/** Answers JSON with a status and optional headers. */
export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(body));
}
