/**
 * A fake Pagou that answers every `POST /v2/checkout-links` with a 201 in Pagou's shape: at once by
 * default, so the proxy's own cost is what the bench measures. Runs in its own process (see run.ts).
 * CHECKOUT_URL_BASE sets the links it hands out (default https://checkout.example/link).
 *
 * With TLS_CERT_FILE and TLS_KEY_FILE it serves HTTPS, as a real provider does, and DELAY_MS holds
 * each answer that long, as a provider across the internet would. KEEP_ALIVE_MS is how long it keeps
 * an idle connection (75 s by default). Asked "handshakes" over IPC, it replies with the number of
 * TLS handshakes it has accepted. Any other request (the proxy's warm-up) gets the same answer.
 */
import { readFileSync } from 'node:fs';
import { createServer, type RequestListener } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';

const base = process.env.CHECKOUT_URL_BASE ?? 'https://checkout.example/link';
const delayMs = Number(process.env.DELAY_MS ?? 0);
let served = 0;
let handshakes = 0;

const answer: RequestListener = (req, res) => {
  req.resume();
  req.once('end', () => {
    served += 1;
    const body = JSON.stringify({ success: true, requestId: `req_${served}`, data: { url: `${base}/${served}` } });
    const send = () =>
      res.writeHead(201, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) }).end(body);
    if (delayMs > 0) setTimeout(send, delayMs);
    else send();
  });
};

const { TLS_CERT_FILE: certFile, TLS_KEY_FILE: keyFile } = process.env;
const server =
  certFile && keyFile
    ? createHttpsServer({ cert: readFileSync(certFile), key: readFileSync(keyFile) }, answer).on(
        'secureConnection',
        () => (handshakes += 1),
      )
    : createServer(answer);
// nginx's default: idle connections are the client's to reuse for 75 s (Node announces it in a Keep-Alive header).
server.keepAliveTimeout = Number(process.env.KEEP_ALIVE_MS ?? 75_000);
server.listen(0, '127.0.0.1', () => process.send?.({ port: (server.address() as AddressInfo).port }));
process.on('message', (message) => {
  if (message === 'handshakes') process.send?.({ handshakes });
});
process.once('SIGTERM', () => process.exit(0));
