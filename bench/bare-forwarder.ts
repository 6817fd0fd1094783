/**
 * The baseline: a bare `node:http` server that does what the proxy does on the wire and nothing
 * else. It reads the request body, sends the same upstream request the proxy sends and returns the
 * URL. No validation, no middleware, no logging. Runs in its own process (see run.ts).
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createCheckoutLink } from './forward.js';

const server = createServer(async (req, res) => {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  JSON.parse(Buffer.concat(chunks).toString('utf8'));
  try {
    const body = JSON.stringify({ url: await createCheckoutLink(), provider: 'pagou' });
    res.writeHead(201, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) }).end(body);
  } catch {
    res.writeHead(502).end();
  }
});
server.listen(0, '127.0.0.1', () => process.send?.({ port: (server.address() as AddressInfo).port }));
process.once('SIGTERM', () => process.exit(0));
