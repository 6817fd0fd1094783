/**
 * The baseline: a bare `node:http` server that does what the proxy does on the wire and nothing
 * else. It reads the request body, sends the same upstream request the proxy sends (same client,
 * headers and priced body, from UPSTREAM_BODY) and returns the URL. No validation, no middleware,
 * no logging. Runs in its own process (see run.ts).
 */
import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';

const upstream = `${process.env.UPSTREAM_URL}/v2/checkout-links`;
const apiKey = process.env.UPSTREAM_API_KEY ?? '';
const upstreamBody = process.env.UPSTREAM_BODY ?? '{}';
const upstreamHeaders = {
  authorization: `Bearer ${apiKey}`,
  accept: 'application/json',
  'accept-encoding': 'identity',
  'content-type': 'application/json',
  'content-length': String(Buffer.byteLength(upstreamBody)),
};

/** The upstream POST, as the proxy sends it: node:http on Node's keep-alive global agent. */
function post(): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const upstreamRequest = request(upstream, { method: 'POST', headers: upstreamHeaders, signal: AbortSignal.timeout(10_000) }, async (response) => {
      const chunks: Buffer[] = [];
      try {
        for await (const chunk of response) chunks.push(chunk as Buffer);
        resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')));
      } catch (error) {
        reject(error);
      }
    });
    upstreamRequest.once('error', reject);
    upstreamRequest.end(upstreamBody);
  });
}

const server = createServer(async (req, res) => {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  JSON.parse(Buffer.concat(chunks).toString('utf8'));
  try {
    const { data } = (await post()) as { data: { url: string } };
    const body = JSON.stringify({ url: data.url, provider: 'pagou' });
    res.writeHead(201, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) }).end(body);
  } catch {
    res.writeHead(502).end();
  }
});
server.listen(0, '127.0.0.1', () => process.send?.({ port: (server.address() as AddressInfo).port }));
process.once('SIGTERM', () => process.exit(0));
