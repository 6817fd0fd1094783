/**
 * A fake Pagou that answers every `POST /v2/checkout-links` at once with a 201 in Pagou's shape,
 * so the proxy's own cost is what the bench measures. Runs in its own process (see run.ts).
 * CHECKOUT_URL_BASE sets the links it hands out (default https://checkout.example/link).
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

const base = process.env.CHECKOUT_URL_BASE ?? 'https://checkout.example/link';
let served = 0;

const server = createServer((req, res) => {
  req.resume();
  req.once('end', () => {
    served += 1;
    const body = JSON.stringify({ success: true, requestId: `req_${served}`, data: { url: `${base}/${served}` } });
    res.writeHead(201, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) }).end(body);
  });
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => process.send?.({ port: (server.address() as AddressInfo).port }));
process.once('SIGTERM', () => process.exit(0));
