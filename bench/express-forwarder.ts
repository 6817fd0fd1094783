/**
 * The bare forwarder as one Express 5 route, with `express.json()` and nothing else: no logging,
 * security headers, CORS, rate limiting or validation. This is the floor of any proxy built on
 * Express 5; the bench measures it beside the bare forwarder to show how much of the throughput
 * budget the framework alone takes. Runs in its own process (see run.ts).
 */

import type { AddressInfo } from 'node:net';
import express from 'express';
import { createCheckoutLink } from './forward.js';

const app = express();
app.set('etag', false);
app.post('/api/checkout', express.json(), async (_req, res) => {
  try {
    res.status(201).json({ url: await createCheckoutLink(), provider: 'pagou' });
  } catch {
    res.status(502).end();
  }
});
const server = app.listen(0, '127.0.0.1', () => process.send?.({ port: (server.address() as AddressInfo).port }));
process.once('SIGTERM', () => process.exit(0));
