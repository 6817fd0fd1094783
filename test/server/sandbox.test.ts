import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import request from 'supertest';
import { SandboxLinkStore } from '../../server/providers/sandbox/link-store.js';
import { postCheckout, testApp } from './support.js';

async function createLink(app: Parameters<typeof request>[0]): Promise<string> {
  const response = await postCheckout(app, { items: [{ product: 'SKU-A', quantity: 2 }, { product: 'SKU-E' }] });
  assert.equal(response.status, 201);
  return new URL(response.body.url).pathname;
}

describe('sandbox hosted checkout', () => {
  it("shows each line with its name, quantity and price, and the total, in the reader's locale", async () => {
    const { app } = testApp();
    const page = await request(app)
      .get(await createLink(app))
      .set('accept-language', 'pt-BR,pt;q=0.9');
    assert.equal(page.status, 200);
    assert.match(page.headers['content-type']!, /^text\/html/);
    assert.match(page.text, /<td>Alpha shirt<\/td><td>2<\/td><td>R\$\s159,80<\/td>/);
    assert.match(page.text, /<td>E-book<\/td><td>1<\/td><td>R\$\s29,00<\/td>/);
    assert.match(page.text, /Total R\$\s188,80/);
    assert.match(page.text, /Sandbox: no money moves/);
  });

  it('when the shopper pays, ends on a confirmation page, and paying again changes nothing', async () => {
    const { app } = testApp();
    const path = await createLink(app);
    const paid = await request(app).post(`${path}/pay`);
    assert.equal(paid.status, 303);
    assert.equal(paid.headers.location, `${path}/paid`);
    const confirmation = await request(app).get(`${path}/paid`);
    assert.match(confirmation.text, /<h1 class="done">Payment confirmed<\/h1>/);
    assert.match(confirmation.text, /You paid R\$188\.80/);
    assert.equal((await request(app).get(path)).headers.location, `${path}/paid`, 'a paid link shows the confirmation');
    assert.equal((await request(app).post(`${path}/pay`)).headers.location, `${path}/paid`);
  });

  it('when the checkout has return pages, links back to them as Stripe Checkout does, session id filled in', async () => {
    const { app } = testApp({
      CHECKOUT_SUCCESS_URL: 'https://shop.example/thanks?session={CHECKOUT_SESSION_ID}',
      CHECKOUT_CANCEL_URL: 'https://shop.example/cart',
    });
    const created = await postCheckout(app, { items: [{ product: 'SKU-B' }], provider: 'stripe', reference: 'A-1' });
    assert.equal(created.status, 201, 'the sandbox stands in for Stripe');
    const path = new URL(created.body.url).pathname;
    const id = path.split('/').at(-1);
    const checkout = await request(app).get(path);
    assert.match(
      checkout.text,
      /<a class="back" href="https:\/\/shop\.example\/cart">Cancel and return to the shop<\/a>/,
    );
    assert.match(checkout.text, /Order reference A-1/);
    await request(app).post(`${path}/pay`);
    const paid = await request(app).get(`${path}/paid`);
    assert.ok(paid.text.includes(`href="https://shop.example/thanks?session=${id}">Return to the shop</a>`));
  });

  it('when the checkout has no return pages, shows no way back', async () => {
    const { app } = testApp();
    const page = await request(app).get(await createLink(app));
    assert.doesNotMatch(page.text, /class="back"/);
  });

  it('when the confirmation is opened before paying, goes back to the checkout', async () => {
    const { app } = testApp();
    const path = await createLink(app);
    assert.equal((await request(app).get(`${path}/paid`)).headers.location, path);
  });

  it('when the proxy is reached over plain http on a host other than loopback, makes no link there: 502 upstream_bad_response', async () => {
    const { app } = testApp();
    for (const host of ['shop.example:3000', 'shop.localhost:3000', '10.0.0.7']) {
      const response = await postCheckout(app, { items: [{ product: 'SKU-A' }] }).set('host', host);
      assert.equal(response.status, 502, host);
      assert.equal(JSON.parse(response.text).code, 'upstream_bad_response');
      assert.match(JSON.parse(response.text).detail, /PUBLIC_URL/);
    }
  });

  it('when the link is unknown, answers a 404 page', async () => {
    const { app } = testApp();
    const page = await request(app).get('/sandbox/checkout/00000000-0000-0000-0000-000000000000');
    assert.equal(page.status, 404);
    assert.match(page.text, /does not exist or has expired/);
  });

  it('escapes catalog text in the page', async () => {
    const { app } = testApp();
    const response = await postCheckout(app, { items: [{ product: 'SKU-B' }], title: '<img src=x onerror=alert(1)>' });
    const page = await request(app).get(new URL(response.body.url).pathname);
    assert.ok(!page.text.includes('<img src=x'));
    assert.match(page.text, /&lt;img src=x onerror=alert\(1\)&gt;/);
  });

  it('serves its stylesheet so the pages need no inline style', async () => {
    const { app } = testApp();
    const css = await request(app).get('/sandbox/sandbox.css');
    assert.equal(css.status, 200);
    assert.match(css.headers['content-type']!, /^text\/css/);
  });

  it('when a real provider is configured, serves no sandbox pages', async () => {
    const { app } = testApp({ PAGOU_API_KEY: 'pk_test_1' });
    assert.equal((await request(app).get('/sandbox/sandbox.css')).status, 404);
  });
});

describe('SandboxLinkStore', () => {
  const checkout = {
    kind: 'checkout' as const,
    checkout: { kind: 'amount' as const, amount: 100, currency: 'BRL' as const },
  };

  it('when full, forgets the oldest link first', () => {
    const store = new SandboxLinkStore({ capacity: 2 });
    const first = store.add(checkout);
    const second = store.add(checkout);
    const third = store.add(checkout);
    assert.equal(store.size, 2);
    assert.equal(store.get(first.id), undefined);
    assert.ok(store.get(second.id) && store.get(third.id));
  });

  it('when a link is older than its lifetime, forgets it', () => {
    let now = 0;
    const store = new SandboxLinkStore({ ttlMs: 1000, now: () => now });
    const link = store.add(checkout);
    now = 1000;
    assert.ok(store.get(link.id));
    now = 1001;
    assert.equal(store.get(link.id), undefined);
    assert.equal(store.size, 0);
  });
});
