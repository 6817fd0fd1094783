import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import request from 'supertest';
import { assertProblem } from '../support/problems.js';
import { postCheckout, tempFile, testApp } from './support.js';

const fieldsOf = (response: request.Response) =>
  (JSON.parse(response.text) as { errors: Array<{ field: string }> }).errors.map(({ field }) => field);

describe('POST /api/checkout with JSON', () => {
  it('when the cart names catalog products, answers 201 with the sandbox URL', async () => {
    const { app } = testApp();
    const response = await postCheckout(app, { items: [{ product: 'SKU-A', quantity: 2 }] });
    assert.equal(response.status, 201);
    assert.equal(response.body.provider, 'sandbox');
    assert.match(response.body.url, /^http:\/\/127\.0\.0\.1:\d+\/sandbox\/checkout\/[\w-]{36}$/);
    assert.equal(response.headers['cache-control'], 'no-store');
  });

  it('when a product is repeated, merges the lines and prices them from the catalog', async () => {
    const { app } = testApp();
    const created = await postCheckout(app, {
      items: [{ product: 'SKU-B' }, { product: 'SKU-A', quantity: 2 }, { product: 'SKU-B', quantity: 3 }],
      title: 'Order #1042',
    });
    const page = await request(app).get(new URL(created.body.url).pathname);
    assert.equal(page.status, 200);
    assert.match(page.text, /<h1>Order #1042<\/h1>/);
    assert.match(page.text, /<td>Beta mug<\/td><td>4<\/td><td>R\$159\.60<\/td>/);
    assert.match(page.text, /<td>Alpha shirt<\/td><td>2<\/td><td>R\$159\.80<\/td>/);
    assert.match(page.text, /Total R\$319\.40/);
  });

  const invalid: Array<[string, unknown, string[]]> = [
    ['a line carries a price', { items: [{ product: 'SKU-A', price: 1 }] }, ['items[0].price']],
    ['a line carries a name', { items: [{ product: 'SKU-A', name: 'Free shirt' }] }, ['items[0].name']],
    ['the body carries an unknown field', { items: [{ product: 'SKU-A' }], discount: 100 }, ['discount']],
    ['the quantity is zero', { items: [{ product: 'SKU-A', quantity: 0 }] }, ['items[0].quantity']],
    ['the quantity is 100', { items: [{ product: 'SKU-A', quantity: 100 }] }, ['items[0].quantity']],
    ['the quantity is fractional', { items: [{ product: 'SKU-A', quantity: 1.5 }] }, ['items[0].quantity']],
    ['the quantity is a string', { items: [{ product: 'SKU-A', quantity: '2' }] }, ['items[0].quantity']],
    ['the cart is empty', { items: [] }, ['items']],
    ['the product id is empty', { items: [{ product: '' }] }, ['items[0].product']],
    ['the body names nothing to buy', {}, ['(body)']],
    ['the body is an array', [{ product: 'SKU-A' }], ['(body)']],
    ['both items and amount are sent', { items: [{ product: 'SKU-A' }], amount: 100 }, ['(body)']],
    ['a cart carries a currency', { items: [{ product: 'SKU-A' }], currency: 'USD' }, ['currency']],
    ['the title is empty', { items: [{ product: 'SKU-A' }], title: ' ' }, ['title']],
    ['the title is over 255 characters', { items: [{ product: 'SKU-A' }], title: 'x'.repeat(256) }, ['title']],
    ['the currency is unknown', { amount: 100, currency: 'XYZ' }, ['currency']],
    ['a customer id is named in plain text', { provider: 'lago', customer_id: 'cus_1' }, ['(body)', 'customer_id']],
    ['the reference has a space', { items: [{ product: 'SKU-A' }], reference: 'order 1' }, ['reference']],
    ['the reference is empty', { items: [{ product: 'SKU-A' }], reference: '' }, ['reference']],
    [
      'the reference is over 200 characters',
      { items: [{ product: 'SKU-A' }], reference: 'x'.repeat(201) },
      ['reference'],
    ],
    ['the success URL is relative', { items: [{ product: 'SKU-A' }], success_url: '/thanks' }, ['success_url']],
    [
      'the cancel URL is plain http on a public host',
      { items: [{ product: 'SKU-A' }], cancel_url: 'http://shop.example/cart' },
      ['cancel_url'],
    ],
    [
      'a set-up carries a reference and return pages',
      { customer_token: 't', reference: 'r1', success_url: 'https://a.example/', cancel_url: 'https://a.example/' },
      ['reference', 'success_url', 'cancel_url'],
    ],
  ];
  for (const [when, body, fields] of invalid) {
    it(`when ${when}, answers 422 validation_error naming ${fields.join(', ')}`, async () => {
      const { app } = testApp();
      const response = await postCheckout(app, body);
      assertProblem(response, 422, 'validation_error');
      assert.deepEqual(fieldsOf(response).sort(), [...fields].sort());
    });
  }

  it('when the catalog lacks products, answers 422 unknown_product naming each', async () => {
    const { app } = testApp();
    const response = await postCheckout(app, {
      items: [{ product: 'SKU-A' }, { product: 'NOPE-1' }, { product: 'NOPE-2' }],
    });
    assertProblem(response, 422, 'unknown_product');
    assert.deepEqual(fieldsOf(response), ['items[1].product', 'items[2].product']);
  });

  it("when the merged quantity passes 99, answers 422 validation_error on the product's first line", async () => {
    const { app } = testApp();
    const response = await postCheckout(app, {
      items: [
        { product: 'SKU-B', quantity: 1 },
        { product: 'SKU-A', quantity: 60 },
        { product: 'SKU-A', quantity: 40 },
      ],
    });
    assertProblem(response, 422, 'validation_error');
    assert.match(JSON.parse(response.text).detail, /At most 99/);
    assert.deepEqual(fieldsOf(response), ['items[1].quantity']);
  });

  it('when the cart has more than 100 lines, answers 422 cart_too_large', async () => {
    const { app } = testApp();
    // Two products alternating, so no product adds up to more than 99.
    const lines = (count: number) =>
      Array.from({ length: count }, (_, index) => ({ product: `SKU-${'AB'[index % 2]}` }));
    assert.equal((await postCheckout(app, { items: lines(100) })).status, 201);
    const response = await postCheckout(app, { items: lines(101) });
    assertProblem(response, 422, 'cart_too_large');
    assert.deepEqual(fieldsOf(response), ['items']);
  });

  it('when the cart has more than 25 different products, answers 422 cart_too_large', async (t) => {
    const products = Array.from({ length: 26 }, (_, index) => ({
      id: `SKU-${index}`,
      name: `Item ${index}`,
      price: 100,
      currency: 'BRL',
    }));
    const catalog = tempFile(t, 'catalog.json', JSON.stringify({ products }));
    const { app } = testApp({ CATALOG_FILE: catalog });
    assert.equal(
      (await postCheckout(app, { items: products.slice(0, 25).map(({ id }) => ({ product: id })) })).status,
      201,
    );
    const response = await postCheckout(app, { items: products.map(({ id }) => ({ product: id })) });
    assertProblem(response, 422, 'cart_too_large');
    assert.deepEqual(fieldsOf(response), ['items']);
  });

  it('when the cart mixes currencies, answers 422 mixed_currencies', async () => {
    const { app } = testApp();
    assertProblem(
      await postCheckout(app, { items: [{ product: 'SKU-A' }, { product: 'SKU-USD' }] }),
      422,
      'mixed_currencies',
    );
  });

  it('when a provider key is set and AMOUNT_MAX is not, answers 422 amount_not_allowed', async () => {
    const { app } = testApp({ PAGOU_API_KEY: 'pk_test_1', PAGOU_API_URL: 'http://127.0.0.1:9' });
    assertProblem(await postCheckout(app, { amount: 15000, currency: 'BRL' }), 422, 'amount_not_allowed');
  });

  it('when in sandbox mode with no bounds set, allows value-only links up to 100000', async () => {
    const { app } = testApp();
    assert.equal((await postCheckout(app, { amount: 100000 })).status, 201);
    assertProblem(await postCheckout(app, { amount: 100001 }), 422, 'amount_out_of_range');
  });

  it('when the amount is outside AMOUNT_MIN..AMOUNT_MAX, answers 422 amount_out_of_range', async () => {
    const { app } = testApp({ AMOUNT_MIN: '500', AMOUNT_MAX: '100000' });
    assertProblem(await postCheckout(app, { amount: 499 }), 422, 'amount_out_of_range');
    assertProblem(await postCheckout(app, { amount: 100001 }), 422, 'amount_out_of_range');
  });

  it('when the amount is within bounds, creates a value-only link in BRL by default', async () => {
    const { app } = testApp({ AMOUNT_MIN: '500', AMOUNT_MAX: '100000' });
    const created = await postCheckout(app, { amount: 15000 });
    assert.equal(created.status, 201);
    const page = await request(app).get(new URL(created.body.url).pathname);
    assert.match(page.text, /<td>Amount<\/td><td>R\$150\.00<\/td>/);
  });

  it("when AMOUNT_LIMITS lists currencies, holds each amount to its own currency's bounds and refuses the others", async () => {
    const { app } = testApp({ AMOUNT_LIMITS: 'BRL:500-100000,USD:100-20000' });
    assert.equal((await postCheckout(app, { amount: 20_000, currency: 'USD' })).status, 201);
    assertProblem(await postCheckout(app, { amount: 20_001, currency: 'USD' }), 422, 'amount_out_of_range');
    assertProblem(await postCheckout(app, { amount: 499 }), 422, 'amount_out_of_range');
    const refused = await postCheckout(app, { amount: 500, currency: 'IDR' });
    assertProblem(refused, 422, 'currency_not_allowed');
    assert.deepEqual(fieldsOf(refused), ['currency']);
    const page = await request(app).get(new URL((await postCheckout(app, { amount: 500 })).body.url).pathname);
    assert.match(page.text, /<td>Amount<\/td><td>R\$5\.00<\/td>/, 'no currency means the first one listed');
  });

  it('when AMOUNT_CURRENCY is set, value-only links are in it alone', async () => {
    const { app } = testApp({ AMOUNT_MAX: '20000', AMOUNT_CURRENCY: 'USD' });
    assert.equal((await postCheckout(app, { amount: 20_000 })).status, 201);
    assertProblem(await postCheckout(app, { amount: 100, currency: 'BRL' }), 422, 'currency_not_allowed');
  });

  it('when the provider is unknown, answers 422 provider_unavailable', async () => {
    const { app } = testApp();
    assertProblem(
      await postCheckout(app, { items: [{ product: 'SKU-A' }], provider: 'mercadopago' }),
      422,
      'provider_unavailable',
    );
  });

  it('when a configured proxy is asked for a provider it has not enabled, answers 422 provider_unavailable naming the variable', async () => {
    const { app } = testApp({ PAGOU_API_KEY: 'pk_test_1', PAGOU_API_URL: 'http://127.0.0.1:9' });
    const response = await postCheckout(app, { items: [{ product: 'SKU-A' }], provider: 'sandbox' });
    assertProblem(response, 422, 'provider_unavailable');
    const lago = await postCheckout(app, { items: [{ product: 'SKU-A' }], provider: 'lago' });
    assertProblem(lago, 422, 'provider_unavailable');
    assert.match(JSON.parse(lago.text).detail, /LAGO_API_KEY/);
  });

  it('when the body is not JSON, answers 400 malformed_json', async () => {
    const { app } = testApp();
    assertProblem(
      await request(app).post('/api/checkout').set('content-type', 'application/json').send('{"items": ['),
      400,
      'malformed_json',
    );
  });

  it('when the content type is neither JSON nor a form, answers 415 unsupported_media_type', async () => {
    const { app } = testApp();
    assertProblem(
      await request(app).post('/api/checkout').set('content-type', 'text/plain').send('SKU-A'),
      415,
      'unsupported_media_type',
    );
    assertProblem(await request(app).post('/api/checkout'), 415, 'unsupported_media_type');
  });

  it('when the body is over 16 KB, answers 413 payload_too_large', async () => {
    const { app } = testApp();
    const response = await postCheckout(app, { items: [{ product: 'SKU-A' }], title: 'x'.repeat(17 * 1024) });
    assertProblem(response, 413, 'payload_too_large');
  });

  it('when the method is neither POST nor GET, answers 405 with Allow', async () => {
    const { app } = testApp();
    const response = await request(app).put('/api/checkout');
    assertProblem(response, 405, 'method_not_allowed');
    assert.equal(response.headers.allow, 'GET, POST');
  });

  it('when an allowed page warms the way to a checkout (GET), answers 204 with nothing to keep', async () => {
    const { app } = testApp({ ALLOWED_ORIGINS: 'https://shop.example' });
    const response = await request(app).get('/api/checkout').set('origin', 'https://shop.example');
    assert.equal(response.status, 204);
    assert.equal(response.headers['cache-control'], 'no-store');
    assert.equal(response.headers['access-control-allow-origin'], 'https://shop.example');
    assert.equal(response.text, '');
  });

  it('when another page warms the way to a checkout, answers 403 origin_not_allowed', async () => {
    const { app } = testApp({ ALLOWED_ORIGINS: 'https://shop.example' });
    const response = await request(app).get('/api/checkout').set('origin', 'https://evil.example');
    assertProblem(response, 403, 'origin_not_allowed');
  });
});

describe('return pages and reference', () => {
  const cart = { items: [{ product: 'SKU-A' }] };
  const sandboxLinkOf = async (app: Parameters<typeof request>[0], body: object) => {
    const created = await postCheckout(app, body);
    assert.equal(created.status, 201, created.text);
    return (await request(app).get(new URL(created.body.url).pathname)).text;
  };

  it('when a button names return pages on an allowed origin, the checkout links back to them', async () => {
    const { app } = testApp({ ALLOWED_ORIGINS: 'https://shop.example' });
    const page = await sandboxLinkOf(app, {
      ...cart,
      reference: 'order-9',
      cancel_url: 'https://shop.example/cart?from=pay',
    });
    assert.match(page, /href="https:\/\/shop\.example\/cart\?from=pay"/);
    assert.match(page, /order-9/);
  });

  it("when a button names a return page on the proxy's own origin, accepts it", async () => {
    const { app } = testApp();
    const created = await request(app)
      .post('/api/checkout')
      .set('host', 'localhost:3000')
      .send({ ...cart, success_url: 'http://localhost:3000/thanks' });
    assert.equal(created.status, 201, created.text);
  });

  it('when a button names a return page on another origin, answers 422 return_url_not_allowed', async () => {
    const { app } = testApp({ ALLOWED_ORIGINS: 'https://shop.example' });
    const response = await postCheckout(app, {
      ...cart,
      success_url: 'https://evil.example/phish',
      cancel_url: 'https://shop.example.evil.example/',
    });
    assertProblem(response, 422, 'return_url_not_allowed');
    assert.deepEqual(fieldsOf(response), ['success_url', 'cancel_url']);
  });

  it('when ALLOWED_ORIGINS has a wildcard, a return page on a matching host is accepted and the bare domain is not', async () => {
    const { app } = testApp({ ALLOWED_ORIGINS: 'https://*.shop.example' });
    const preview = await postCheckout(app, { ...cart, success_url: 'https://pr-3.shop.example/thanks' });
    assert.equal(preview.status, 201, preview.text);
    const bare = await postCheckout(app, { ...cart, success_url: 'https://shop.example/thanks' });
    assertProblem(bare, 422, 'return_url_not_allowed');
  });

  it('when the button names none, the configured return pages apply', async () => {
    const { app } = testApp({ CHECKOUT_CANCEL_URL: 'https://shop.example/cart' });
    assert.match(await sandboxLinkOf(app, cart), /href="https:\/\/shop\.example\/cart"/);
  });
});

describe('POST /api/checkout from a plain HTML form', () => {
  const form = (app: Parameters<typeof request>[0], body: string) =>
    request(app)
      .post('/api/checkout')
      .set('content-type', 'application/x-www-form-urlencoded')
      .set('accept', 'text/html')
      .send(body);

  it('when the form names a product, answers 303 See Other to the hosted page', async () => {
    const { app } = testApp();
    const response = await form(app, 'product=SKU-A&quantity=2');
    assert.equal(response.status, 303);
    assert.match(response.headers.location!, /\/sandbox\/checkout\/[\w-]{36}$/);
    const page = await request(app).get(new URL(response.headers.location!).pathname);
    assert.match(page.text, /<td>Alpha shirt<\/td><td>2<\/td>/);
  });

  it('when the form leaves the quantity empty, buys one', async () => {
    const { app } = testApp();
    const response = await form(app, 'product=SKU-B&quantity=');
    assert.equal(response.status, 303);
    const page = await request(app).get(new URL(response.headers.location!).pathname);
    assert.match(page.text, /<td>Beta mug<\/td><td>1<\/td>/);
  });

  it('when the form carries an amount, answers 303 for a value-only link', async () => {
    const { app } = testApp({ AMOUNT_MAX: '100000' });
    assert.equal((await form(app, 'amount=2500&currency=BRL')).status, 303);
  });

  describe('when the checkout fails, the error page', () => {
    it('says what happened in plain words, gives the code and a way back, styled by its own stylesheet', async () => {
      const { app } = testApp();
      const response = await form(app, 'product=NOPE').set('referer', 'https://shop.example/p/1');
      assert.equal(response.status, 422);
      assert.match(response.headers['content-type']!, /^text\/html/);
      assert.match(response.text, /<html lang="en">/);
      assert.match(response.text, /<h1>We could not start the checkout<\/h1>/);
      assert.match(response.text, /<p>This product is not for sale at the moment\. Nothing was charged\.<\/p>/);
      assert.match(response.text, /Error code: <code>unknown_product<\/code>/);
      assert.match(response.text, /<a class="back" href="https:\/\/shop\.example\/p\/1">Back to the shop<\/a>/);

      const href = /<link rel="stylesheet" href="([^"]+)">/.exec(response.text)?.[1];
      assert.ok(href, 'the page links a stylesheet');
      const stylesheet = await request(app).get(href);
      assert.equal(stylesheet.status, 200);
      assert.match(stylesheet.headers['content-type']!, /^text\/css/);
      assert.match(stylesheet.text, /\.back \{/);
    });

    const languages: Array<[string, string, RegExp, RegExp]> = [
      ['pt-BR,pt;q=0.9,en;q=0.8', 'pt', /Não foi possível iniciar o pagamento/, /Voltar à loja/],
      ['es-MX,es;q=0.9', 'es', /No pudimos iniciar el pago/, /Volver a la tienda/],
      ['de-DE,de;q=0.9', 'en', /We could not start the checkout/, /Back to the shop/],
    ];
    for (const [acceptLanguage, lang, title, back] of languages) {
      it(`when Accept-Language is ${acceptLanguage}, is in ${lang}`, async () => {
        const { app } = testApp();
        const response = await form(app, 'product=NOPE')
          .set('accept-language', acceptLanguage)
          .set('referer', 'https://shop.example/');
        assert.match(response.text, new RegExp(`<html lang="${lang}">`));
        assert.match(response.text, title);
        assert.match(response.text, back);
      });
    }

    it('never shows the validation messages, which name fields and limits', async () => {
      const { app } = testApp();
      const response = await form(app, 'product=SKU-A&quantity=150').set('accept-language', 'pt-BR');
      assert.equal(response.status, 422);
      assert.match(response.text, /Algo no pedido não é válido, como a quantidade/);
      assert.match(response.text, /<code>validation_error<\/code>/);
      assert.doesNotMatch(response.text, /quantity|too big|<=|99/i);
    });

    it("when the store's setup refuses the order (a currency it does not take), says so rather than blaming the order", async () => {
      const { app } = testApp({ AMOUNT_MAX: '100000' });
      const response = await form(app, 'amount=500&currency=IDR').set('accept-language', 'pt-BR');
      assert.equal(response.status, 422);
      assert.match(response.text, /O pagamento não está configurado corretamente nesta loja\. Nada foi cobrado\./);
      assert.match(response.text, /<code>currency_not_allowed<\/code>/);
    });

    it('when the shop page hid its origin (Origin: null), tells the store owner the cause and the fix', async () => {
      const { app } = testApp({ ALLOWED_ORIGINS: 'https://shop.example' });
      const response = await form(app, 'product=SKU-A').set('origin', 'null');
      assert.equal(response.status, 403);
      assert.match(response.text, /<h2>For the store owner<\/h2>/);
      assert.match(response.text, /referrer policy is &quot;no-referrer&quot;/);
      assert.match(response.text, /strict-origin-when-cross-origin/);
      assert.doesNotMatch(response.text, /ALLOWED_ORIGINS/, 'adding "null" there is no fix: any site can send it');
    });

    it('when the shop is not in ALLOWED_ORIGINS, tells the store owner which origin to add', async () => {
      const { app } = testApp({ ALLOWED_ORIGINS: 'https://shop.example' });
      const response = await form(app, 'product=SKU-A')
        .set('origin', 'https://new-shop.example')
        .set('accept-language', 'es');
      assert.equal(response.status, 403);
      assert.match(response.text, /<h2>Para el comerciante<\/h2>/);
      assert.match(response.text, /Añada https:\/\/new-shop\.example a ALLOWED_ORIGINS/);
    });
  });

  it('when a script posts a form and accepts JSON, answers problem+json', async () => {
    const { app } = testApp();
    const response = await request(app)
      .post('/api/checkout')
      .set('content-type', 'application/x-www-form-urlencoded')
      .send('quantity=abc&product=SKU-A');
    assertProblem(response, 422, 'validation_error');
    assert.deepEqual(fieldsOf(response), ['quantity']);
  });

  it('when a form field is repeated, answers 422 instead of guessing', async () => {
    const { app } = testApp();
    const response = await request(app)
      .post('/api/checkout')
      .set('content-type', 'application/x-www-form-urlencoded')
      .send('product=SKU-A&product=SKU-B');
    assertProblem(response, 422, 'validation_error');
  });
});

describe('other routes', () => {
  it('GET /api/products lists only the public fields', async () => {
    const { app } = testApp();
    const response = await request(app).get('/api/products');
    assert.equal(response.status, 200);
    assert.deepEqual(response.body.products[0], {
      id: 'SKU-A',
      name: 'Alpha shirt',
      price: 7990,
      currency: 'BRL',
      compare_price: 9990,
      description: 'Cotton.',
      image_url: 'https://images.example/a.png',
      type: 'physical',
    });
    assert.deepEqual(
      response.body.products.map((product: { id: string }) => product.id),
      ['SKU-A', 'SKU-B', 'SKU-E', 'SKU-USD'],
    );
  });

  it('when no route matches, answers 404 not_found as problem+json', async () => {
    const { app } = testApp();
    assertProblem(await request(app).get('/api/nothing'), 404, 'not_found');
  });
});
