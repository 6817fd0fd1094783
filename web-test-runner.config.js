import { esbuildPlugin } from '@web/dev-server-esbuild';
import { widgetBrowsers } from './test/support/widget-browsers.js';

/**
 * A fake checkout proxy at the test server, so no test touches the network. Each test picks its
 * own session, `/fake/<session>`, as the button's `endpoint`: requests are recorded per session
 * (read them at `GET /fake/<session>/requests`), which keeps test files running in parallel apart.
 * Like the real proxy it refuses a body without a cart, a quantity over 99, a cart of more than 25
 * different products and an unknown currency;
 * otherwise the first product id of the cart chooses the answer, and `attempt` counts the session's
 * requests so far, for answers that change on a retry.
 *
 * The checkout pages it creates are its own `GET /fake/<session>/pay`, on the host the request came
 * to (loopback http, which the widget accepts). It records each visit with the browser's
 * `Sec-Fetch-Dest` (`document` for a page or tab, `iframe` inside a frame) and answers 204 No
 * Content. (For product SKU-IN-NEW-TAB the page is `pay?tab`, which closes the tab it opens in.)
 * `GET /fake/<session>/visits?count=n` waits for n visits.
 *
 * A test that lets the test page itself go to the checkout gives its session another checkout page
 * with `PUT /fake/<session>/checkout-page` (the URL as the body): the test page under a fragment,
 * which the page reaches without leaving its document (`checkoutHere()` in helpers.ts).
 *
 * `GET /fake/<session>/api/checkout` is the widget's warm-up: 204, counted with the session's CORS
 * preflights (cached for ten minutes, as the real proxy's are) at `GET /fake/<session>/warm-ups`.
 *
 * `GET /fake/<session>/api/products` answers with a small catalog in three currencies (their
 * headers are listed at `GET /fake/<session>/catalog-requests`); a session named `unavailable-…`
 * answers 503 instead.
 *
 * Answers carry CORS headers for any origin, as the real proxy does for an allowed one, so a page
 * on the other loopback name (localhost or 127.0.0.1) can post here too.
 */
const received = new Map();
const catalogRequests = new Map();
const visits = new Map();
const visitWaiters = new Map();
const checkoutPages = new Map();
/** Per session: `{ warmUps, preflights }`, the GETs and OPTIONS of `api/checkout`. */
const warmUps = new Map();
const countWarmUp = (session, kind) => {
  const counts = warmUps.get(session) ?? { warmUps: 0, preflights: 0 };
  warmUps.set(session, { ...counts, [kind]: counts[kind] + 1 });
};

const catalog = {
  products: [
    { id: 'SKU-MUG', name: 'Logo mug', price: 3990, currency: 'BRL' },
    { id: 'SKU-SALE', name: 'Black T-shirt', price: 7990, compare_price: 9990, currency: 'BRL' },
    { id: 'SKU-YEN', name: 'Green tea', price: 1200, currency: 'JPY' },
    { id: 'SKU-DINAR', name: 'Dates', price: 12345, currency: 'BHD' },
  ],
};

/** Chrome keeps a click's user activation for 5 s, Firefox too, Safari for 1 s: this answer comes after all of them. */
const AFTER_USER_ACTIVATION_MS = 5_500;

const created = (payUrl) => ({ status: 201, body: { url: payUrl, provider: 'sandbox' } });

const problem = (status, code, detail, errors) => ({
  status,
  type: 'application/problem+json',
  body: { type: `urn:checkout-button:problem:${code}`, title: code, status, detail, code, ...(errors && { errors }) },
});

const invalid = (field, message) =>
  problem(422, 'validation_error', `The request is not valid: ${field} ${message}.`, [{ field, message }]);

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** The real proxy's validation, for the few rules the widget's messages tell apart. */
const validationProblem = (body) => {
  if (!body.items && body.amount === undefined && body.customer_token === undefined) {
    return invalid('(body)', 'Send one of items (a cart), amount (a value-only link) or customer_token.');
  }
  const line = body.items?.findIndex(({ quantity }) => quantity > 99) ?? -1;
  if (line >= 0) return invalid(`items[${line}].quantity`, 'Too big: expected number to be <=99');
  const distinct = new Set(body.items?.map(({ product }) => product)).size;
  if (distinct > 25) {
    return problem(422, 'cart_too_large', 'A cart holds at most 100 lines and 25 different products.', [
      { field: 'items', message: `${distinct} different products; at most 25` },
    ]);
  }
  if (body.currency !== undefined && !['BRL', 'USD', 'EUR', 'MXN', 'COP', 'ARS'].includes(body.currency)) {
    return invalid('currency', 'Invalid option');
  }
  if (body.amount > 100_000) return problem(422, 'amount_out_of_range', 'The amount must be at most 100000.');
  return undefined;
};

const answers = {
  'SKU-UNKNOWN': () => problem(422, 'unknown_product', 'No product SKU-UNKNOWN in the catalog.'),
  'SKU-RATE-LIMITED': () => problem(429, 'rate_limited', 'Too many requests from this address.'),
  'SKU-GATEWAY': () => ({ status: 502, type: 'text/html', body: '<h1>502 Bad Gateway</h1>' }),
  'SKU-GATEWAY-ONCE': ({ attempt, payUrl }) => (attempt === 1 ? answers['SKU-GATEWAY']() : created(payUrl)),
  'SKU-UNAVAILABLE-ONCE': ({ attempt, payUrl }) =>
    attempt === 1 ? problem(502, 'upstream_unavailable', 'The provider failed.') : created(payUrl),
  'SKU-BAD-KEY': () =>
    problem(
      502,
      'upstream_auth_failed',
      "Pagou refused the proxy's credentials (HTTP 401); the operator should check PAGOU_API_KEY and PAGOU_API_URL.",
    ),
  'SKU-PROVIDER-422': () => problem(502, 'upstream_rejected', 'Pagou refused the checkout link (HTTP 422).'),
  'SKU-ORIGIN-REFUSED': ({ origin }) =>
    problem(
      403,
      'origin_not_allowed',
      `The origin ${origin} may not call this API; the operator can add it to ALLOWED_ORIGINS.`,
    ),
  'SKU-IN-NEW-TAB': ({ payUrl }) => created(`${payUrl}?tab`),
  'SKU-JAVASCRIPT-URL': () => created('javascript:alert(1)'),
  'SKU-HTTP-URL': () => created('http://pay.example/c/1'),
  'SKU-UNNORMALIZED-URL': () => created('http:127.0.0.1:8080/c/2'),
  'SKU-SLOW': async ({ payUrl }) => {
    await sleep(300);
    return created(payUrl);
  },
  'SKU-AFTER-ACTIVATION': async ({ payUrl }) => {
    await sleep(AFTER_USER_ACTIVATION_MS);
    return created(payUrl);
  },
};

const readText = async (request) => {
  let text = '';
  for await (const chunk of request) text += chunk;
  return text;
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

const recordVisit = (session, visit) => {
  visits.set(session, [...(visits.get(session) ?? []), visit]);
  for (const wake of visitWaiters.get(session) ?? []) wake();
};

/** Resolves once the session has `count` visits, or after 10 s with what it has, so a failing test still ends. */
const visitsOf = (session, count) =>
  new Promise((resolve) => {
    const waiters = visitWaiters.get(session) ?? new Set();
    visitWaiters.set(session, waiters);
    const done = () => {
      if ((visits.get(session) ?? []).length < count) return;
      clearTimeout(timer);
      waiters.delete(done);
      resolve(visits.get(session) ?? []);
    };
    const timer = setTimeout(() => {
      waiters.delete(done);
      resolve(visits.get(session) ?? []);
    }, 10_000);
    waiters.add(done);
    done();
  });

async function fakeProxy(context, next) {
  const match =
    /^\/fake\/([\w-]+)\/(api\/checkout|api\/products|requests|catalog-requests|pay|visits|checkout-page|warm-ups)$/.exec(
      context.path,
    );
  if (!match) return next();
  const [, session, route] = match;
  const origin = context.get('origin');
  if (origin) context.set('access-control-allow-origin', origin);
  if (route === 'requests') {
    context.body = received.get(session) ?? [];
    return;
  }
  if (route === 'warm-ups') {
    context.body = warmUps.get(session) ?? { warmUps: 0, preflights: 0 };
    return;
  }
  if (route === 'catalog-requests') {
    context.body = catalogRequests.get(session) ?? [];
    return;
  }
  if (route === 'api/products') return fakeCatalog(context, session);
  if (route === 'checkout-page') {
    checkoutPages.set(session, await readText(context.req));
    context.status = 204;
    return;
  }
  if (route === 'visits') {
    context.body = await visitsOf(session, Number(context.query.count ?? 0));
    return;
  }
  if (route === 'pay') {
    recordVisit(session, { dest: context.get('sec-fetch-dest') });
    if (context.query.tab === undefined) {
      context.status = 204;
    } else {
      // Checkout pages meant for a new tab close it again: an open tab would take the test page's input.
      context.type = 'text/html';
      context.body = '<script>close()</script>';
    }
    return;
  }
  if (context.method === 'OPTIONS') {
    countWarmUp(session, 'preflights');
    context.set('access-control-allow-methods', 'GET, POST');
    context.set('access-control-allow-headers', 'content-type, idempotency-key');
    context.set('access-control-max-age', '600');
    context.status = 204;
    return;
  }
  if (context.method === 'GET') {
    countWarmUp(session, 'warmUps');
    context.status = 204;
    return;
  }
  if (context.method !== 'POST') {
    context.status = 405;
    return;
  }
  const body = JSON.parse(await readText(context.req));
  const headers = {
    'content-type': context.get('content-type'),
    cookie: context.get('cookie'),
    'idempotency-key': context.get('idempotency-key'),
  };
  received.set(session, [...(received.get(session) ?? []), { headers, body }]);
  const product = body.items?.[0]?.product;
  const attempt = received.get(session).filter((request) => request.body.items?.[0]?.product === product).length;
  if (product === 'SKU-DROP' || (product === 'SKU-DROP-ONCE' && attempt === 1)) {
    // A connection that dies without an answer: what the browser reports as a network error.
    context.req.socket.destroy();
    context.respond = false;
    // Handled, by hanging up; without a status the runner would list it among missing files (404).
    context.status = 204;
    return;
  }
  const payUrl = checkoutPages.get(session) ?? `${context.protocol}://${context.host}/fake/${session}/pay`;
  const answer = await (validationProblem(body) ?? answers[product]?.({ attempt, payUrl, origin }) ?? created(payUrl));
  context.status = answer.status;
  context.type = answer.type ?? 'application/json';
  context.body = answer.body;
}

export default {
  files: ['test/widget/**/*.test.ts'],
  nodeResolve: true,
  plugins: [esbuildPlugin({ ts: true })],
  middleware: [fakeProxy],
  // Tests run Lit's development build for its extra checks; its one-line banner is noise, and so are the
  // merchant's console hints that failing checkouts print (merchant-hints.test.ts checks them).
  filterBrowserLogs: ({ args }) => !/^(Lit is in dev mode|<checkout-button> )/.test(String(args[0])),
  browsers: widgetBrowsers(),
  // An axe audit takes a few seconds in WebKit under Xvfb, past mocha's default of 2 s.
  testFramework: { config: { timeout: 10_000 } },
  // Three browsers on two cores: a page may take longer than the default 30 s to start while the others run.
  browserStartTimeout: 90_000,
};
