import { esbuildPlugin } from '@web/dev-server-esbuild';
import { widgetBrowsers } from './test/support/widget-browsers.js';

/**
 * A fake checkout proxy at the test server, so no test touches the network. Each test picks its
 * own session, `/fake/<session>`, as the button's `endpoint`: requests are recorded per session
 * (read them at `GET /fake/<session>/requests`), which keeps test files running in parallel apart.
 * The first product id of the cart chooses the answer.
 *
 * `GET /fake/<session>/api/products` answers with a small catalog in three currencies (their
 * headers are listed at `GET /fake/<session>/catalog-requests`); a session named `unavailable-…`
 * answers 503 instead.
 */
const received = new Map();
const catalogRequests = new Map();

const catalog = {
  products: [
    { id: 'SKU-MUG', name: 'Logo mug', price: 3990, currency: 'BRL' },
    { id: 'SKU-SALE', name: 'Black T-shirt', price: 7990, compare_price: 9990, currency: 'BRL' },
    { id: 'SKU-YEN', name: 'Green tea', price: 1200, currency: 'JPY' },
    { id: 'SKU-DINAR', name: 'Dates', price: 12345, currency: 'BHD' },
  ],
};

const created = (url) => ({ status: 201, body: { url, provider: 'sandbox' } });

const problem = (status, code, detail) => ({
  status,
  type: 'application/problem+json',
  body: { type: `urn:checkout-button:problem:${code}`, title: code, status, detail, code },
});

const answers = {
  'SKU-UNKNOWN': () => problem(422, 'unknown_product', 'No product SKU-UNKNOWN in the catalog.'),
  'SKU-RATE-LIMITED': () => problem(429, 'rate_limited', 'Too many requests from this address.'),
  'SKU-GATEWAY': () => ({ status: 502, type: 'text/html', body: '<h1>502 Bad Gateway</h1>' }),
  'SKU-JAVASCRIPT-URL': () => created('javascript:alert(1)'),
  'SKU-HTTP-URL': () => created('http://pay.example/c/1'),
  'SKU-LOOPBACK-URL': () => created('http://127.0.0.1:8080/c/1'),
  'SKU-SLOW': async () => {
    await new Promise((resolve) => setTimeout(resolve, 300));
    return created('https://pay.example/c/slow');
  },
};

const readJson = async (request) => {
  let text = '';
  for await (const chunk of request) text += chunk;
  return JSON.parse(text);
};

function fakeCatalog(context, session) {
  const headers = { origin: context.get('origin'), cookie: context.get('cookie') };
  catalogRequests.set(session, [...(catalogRequests.get(session) ?? []), headers]);
  if (session.startsWith('unavailable-')) {
    context.status = 503;
    return;
  }
  context.body = catalog;
}

async function fakeProxy(context, next) {
  const match = /^\/fake\/([\w-]+)\/(api\/checkout|api\/products|requests|catalog-requests)$/.exec(context.path);
  if (!match) return next();
  const [, session, route] = match;
  if (route === 'requests') {
    context.body = received.get(session) ?? [];
    return;
  }
  if (route === 'catalog-requests') {
    context.body = catalogRequests.get(session) ?? [];
    return;
  }
  if (route === 'api/products') return fakeCatalog(context, session);
  if (context.method !== 'POST') {
    context.status = 405;
    return;
  }
  const body = await readJson(context.req);
  const headers = { 'content-type': context.get('content-type'), cookie: context.get('cookie') };
  received.set(session, [...(received.get(session) ?? []), { headers, body }]);
  const product = body.items?.[0]?.product;
  if (product === 'SKU-DROP') {
    // A connection that dies without an answer: what the browser reports as a network error.
    context.req.socket.destroy();
    context.respond = false;
    // Handled, by hanging up; without a status the runner would list it among missing files (404).
    context.status = 204;
    return;
  }
  const answer = await (answers[product]?.() ?? created('https://pay.example/c/1'));
  context.status = answer.status;
  context.type = answer.type ?? 'application/json';
  context.body = answer.body;
}

export default {
  files: ['test/widget/**/*.test.ts'],
  nodeResolve: true,
  plugins: [esbuildPlugin({ ts: true })],
  middleware: [fakeProxy],
  // Tests run Lit's development build for its extra checks; its one-line banner is noise.
  filterBrowserLogs: ({ args }) => !String(args[0]).startsWith('Lit is in dev mode'),
  browsers: widgetBrowsers(),
  // An axe audit takes a few seconds in WebKit under Xvfb, past mocha's default of 2 s.
  testFramework: { config: { timeout: 10_000 } },
  // Three browsers on two cores: a page may take longer than the default 30 s to start while the others run.
  browserStartTimeout: 90_000,
};
