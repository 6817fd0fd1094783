/**
 * Property tests: whatever a browser sends to `POST /api/checkout`, the proxy answers 201/303 (and
 * then it called the provider once, with catalog prices) or a 4xx problem+json with a code (and
 * then it called no provider). Never a 5xx, never a crash, never a polluted prototype.
 *
 * Bodies are generated as raw text, so they carry what `JSON.stringify` cannot produce: duplicate
 * keys, `__proto__` as a key, numbers past float range, deep nesting, invalid UTF-8.
 * fast-check prints the seed and the shrunk counterexample of any failure; replay it with
 * `fc.assert(..., { seed, path })`.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { brotliCompressSync, deflateSync, gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { signCustomerToken } from '../../server/checkout/customer-token.js';
import type { FakeUpstream } from '../support/http.js';
import type { LogCapture } from '../support/logs.js';
import { answerOf, assertProblem, type HttpAnswer } from '../support/problems.js';
import { lagoReplies, startFakeLago, TOKEN_SECRET } from './fake-lago.js';
import { created, type FakePagou, startFakePagou } from './fake-pagou.js';
import { fixtureCatalog, listenInFrontOf } from './support.js';

/** The fixture catalog's names and prices, read as plain JSON: the expectation, not the proxy's parse. */
const catalogPrices: Record<string, { name: string; price: number }> = Object.fromEntries(
  (
    JSON.parse(readFileSync(fixtureCatalog, 'utf8')) as { products: Array<{ id: string; name: string; price: number }> }
  ).products.map(({ id, name, price }) => [id, { name, price }]),
);
const AMOUNT_MIN = 100;
const AMOUNT_MAX = 100_000;

let pagou: FakePagou;
let lago: FakeUpstream;
let proxy: { url: string; close(): Promise<void> };
let logs: LogCapture;
let validToken: string;
const prototypeNames = Object.getOwnPropertyNames(Object.prototype).sort();

before(async () => {
  pagou = await startFakePagou(created('https://pay.example/c/property'));
  lago = await startFakeLago(lagoReplies.checkoutUrl);
  ({ logs, ...proxy } = await listenInFrontOf(pagou, lago, {
    AMOUNT_MIN: String(AMOUNT_MIN),
    AMOUNT_MAX: String(AMOUNT_MAX),
    RATE_LIMIT_PER_MINUTE: '1000000',
  }));
  validToken = await signCustomerToken('cus_property', { secret: TOKEN_SECRET });
});

after(async () => {
  await proxy?.close();
  await pagou?.close();
  await lago?.close();
});

const upstreamCalls = () => pagou.requests.length + lago.requests.length;

async function post(body: BodyInit, headers: Record<string, string>): Promise<HttpAnswer> {
  const response = await fetch(`${proxy.url}/api/checkout`, {
    method: 'POST',
    headers,
    body,
    redirect: 'manual',
    signal: AbortSignal.timeout(10_000),
  });
  return answerOf(response);
}

/**
 * The one property: a success made exactly one upstream call and sent only catalog prices; any
 * other answer is a well-formed 4xx problem and made none.
 */
async function assertHandled(send: () => Promise<HttpAnswer>, sent: unknown): Promise<HttpAnswer> {
  const callsBefore = upstreamCalls();
  const pagouBefore = pagou.requests.length;
  const answer = await send();
  const calls = upstreamCalls() - callsBefore;
  const context = `for ${JSON.stringify(sent)}: ${answer.status} ${answer.text.slice(0, 300)}`;
  if (answer.status === 201 || answer.status === 303) {
    assert.equal(calls, 1, `one upstream call ${context}`);
    if (pagou.requests.length > pagouBefore) assertCatalogPriced(JSON.parse(pagou.requests.at(-1)!.body), context);
    return answer;
  }
  assert.ok(answer.status >= 400 && answer.status < 500, `a 4xx ${context}`);
  assertProblem(answer, context);
  assert.equal(calls, 0, `no upstream call ${context}`);
  return answer;
}

/** What reached Pagou came from the catalog and the configured bounds, whatever the body said. */
function assertCatalogPriced(body: unknown, context: string): void {
  const { products, amount, currency } = body as {
    products?: Array<{ external_id: string; name: string; price: number; quantity: number }>;
    amount?: number;
    currency?: string;
  };
  if (amount !== undefined) {
    assert.ok(
      Number.isSafeInteger(amount) && amount >= AMOUNT_MIN && amount <= AMOUNT_MAX,
      `amount in bounds ${context}`,
    );
    assert.equal(currency, 'BRL', `the bounds are BRL's alone ${context}`);
    return;
  }
  for (const line of products ?? []) {
    const listed = catalogPrices[line.external_id];
    assert.ok(listed, `a catalog product ${context}`);
    assert.equal(line.price, listed.price, `catalog price ${context}`);
    assert.equal(line.name, listed.name, `catalog name ${context}`);
    assert.ok(
      Number.isInteger(line.quantity) && line.quantity >= 1 && line.quantity <= 99,
      `quantity in bounds ${context}`,
    );
  }
}

// ---- Arbitrary JSON text -------------------------------------------------------------------------

const knownKeys = ['items', 'amount', 'currency', 'title', 'provider', 'customer_token', 'product', 'quantity'];
const prototypeKeys = [
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'hasOwnProperty',
  'valueOf',
  '__defineGetter__',
  'then',
];
const catalogKeys = ['price', 'name', 'image_url', 'compare_price', 'type', 'description', 'external_id', 'products'];
const key = fc.oneof(
  fc.constantFrom(...knownKeys, ...prototypeKeys, ...catalogKeys),
  fc.string({ unit: 'grapheme', maxLength: 12 }),
  fc.string({ unit: 'binary', maxLength: 12 }),
);

/** Number texts JSON allows but JavaScript bends: overflow to Infinity, past 2^53, negative zero, exponents. */
const awkwardNumber = fc.constantFrom(
  '1e400',
  '-1e400',
  '9007199254740993',
  '1'.repeat(400),
  '-0',
  '0.1',
  '1.0',
  '1e2',
  '99',
  '100',
  '2.0000000000000001',
  '1E-400',
);
const scalar = fc.oneof(
  awkwardNumber,
  fc.integer().map(String),
  fc.double({ noNaN: true, noDefaultInfinity: true }).map((value) => JSON.stringify(value)),
  fc.bigInt({ min: -(10n ** 30n), max: 10n ** 30n }).map(String),
  fc.constantFrom(
    'true',
    'false',
    'null',
    '""',
    '"SKU-A"',
    '"SKU-B"',
    '"BRL"',
    '"USD"',
    '"pagou"',
    '"lago"',
    '"sandbox"',
  ),
  fc.string({ unit: 'grapheme', maxLength: 20 }).map((value) => JSON.stringify(value)),
  // Lone surrogates and control characters, escaped as JSON allows.
  fc.string({ unit: 'binary', maxLength: 20 }).map((value) => JSON.stringify(value)),
);

const object = (entries: Array<[string, string]>) =>
  `{${entries.map(([name, value]) => `${JSON.stringify(name)}:${value}`).join(',')}}`;

const { tree } = fc.letrec<{ tree: string; array: string; object: string }>((tie) => ({
  tree: fc.oneof({ depthSize: 'small' }, scalar, tie('array'), tie('object')),
  array: fc.array(tie('tree'), { maxLength: 5 }).map((items) => `[${items.join(',')}]`),
  object: fc.array(fc.tuple(key, tie('tree')), { maxLength: 6 }).map(object),
}));

/** Nesting far deeper than any cart, inside and outside the fields the proxy reads. */
const deep = fc
  .tuple(fc.integer({ min: 100, max: 5_000 }), fc.constantFrom('[', '{"items":'), fc.constantFrom('top', 'in-items'))
  .map(([depth, opener, where]) => {
    const closer = opener === '[' ? ']' : '}';
    const nested = `${opener.repeat(depth)}1${closer.repeat(depth)}`;
    return where === 'top' ? nested : `{"items":[{"product":${nested}}]}`;
  });

// ---- Bodies close to valid ones, so mutations reach the pricing and provider code ----------------

/** Mostly valid, so a good share of bodies reach pricing and the provider; `rarely` mutates. */
const mostly = <T>(valid: fc.Arbitrary<T>, rarely: fc.Arbitrary<T>) =>
  fc.oneof({ arbitrary: valid, weight: 3 }, { arbitrary: rarely, weight: 1 });

const productValue = mostly(
  fc.constantFrom('"SKU-A"', '"SKU-B"', '"SKU-E"'),
  fc.oneof(fc.constantFrom('"SKU-USD"', '"SKU-NOPE"', '" SKU-A"', '"sku-a"'), tree),
);
const quantityValue = mostly(
  fc.constantFrom('1', '2', '99', '1e1', '2.0'),
  fc.oneof(fc.constantFrom('100', '0', '-1', '1.5', '"2"', '1e400', '9007199254740993'), tree),
);
const extraEntry = fc.tuple(fc.oneof(fc.constantFrom(...prototypeKeys, ...catalogKeys), key), fc.oneof(scalar, tree));
const extras = mostly(fc.constant<Array<[string, string]>>([]), fc.array(extraEntry, { minLength: 1, maxLength: 2 }));

const cartLine = fc
  .tuple(productValue, fc.option(quantityValue), extras, fc.boolean())
  .map(([product, quantity, extras, duplicate]) => {
    const entries: Array<[string, string]> = [['product', product]];
    if (quantity !== null) entries.push(['quantity', quantity]);
    if (duplicate) entries.push(['product', '"SKU-B"']);
    return object([...entries, ...extras]);
  });

const topEntry: fc.Arbitrary<[string, string]> = fc.oneof(
  {
    arbitrary: fc
      .array(cartLine, { minLength: 1, maxLength: 4 })
      .map((lines): [string, string] => ['items', `[${lines.join(',')}]`]),
    weight: 4,
  },
  fc
    .oneof(
      fc.constantFrom('1500', '100', '99', '100000', '100001', '0', '-5', '1e400', '15.5', '"1500"'),
      fc.integer().map(String),
    )
    .map((amount): [string, string] => ['amount', amount]),
  fc.constantFrom('"BRL"', '"USD"', '"XXX"', '"brl"', '1').map((currency): [string, string] => ['currency', currency]),
  fc
    .oneof(
      fc.constantFrom('"Order #1"', '" "', '""', `"${'x'.repeat(256)}"`),
      fc.string({ unit: 'grapheme', maxLength: 30 }).map((title) => JSON.stringify(title)),
    )
    .map((title): [string, string] => ['title', title]),
  fc
    .constantFrom('"pagou"', '"lago"', '"sandbox"', '"stripe"', '""', 'null')
    .map((provider): [string, string] => ['provider', provider]),
  fc
    .constantFrom('valid', '"x"', '""', '"eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0."', '1')
    .map((token): [string, string] => ['customer_token', token]),
  extraEntry,
);
const nearlyValid = fc
  .tuple(topEntry, mostly(fc.constant<Array<[string, string]>>([]), fc.array(topEntry, { minLength: 1, maxLength: 3 })))
  .map(([first, rest]) => [first, ...rest]);

// A bound on a hang, not on speed: on a loaded 2-core machine the generated requests take a minute.
describe('POST /api/checkout under arbitrary input', { timeout: 180_000 }, () => {
  it('when the body is any JSON document, answers 201 after one upstream call or a 4xx problem after none', async () => {
    await fc.assert(
      fc.asyncProperty(fc.jsonValue({ maxDepth: 5 }), async (value) => {
        const text = JSON.stringify(value) ?? 'null';
        await assertHandled(() => post(text, { 'content-type': 'application/json' }), text);
      }),
      { numRuns: 600 },
    );
  });

  it('when the raw JSON text has duplicate keys, prototype keys, awkward numbers or unicode, still answers 201 or a 4xx problem', async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(tree, deep), async (text) => {
        await assertHandled(() => post(text, { 'content-type': 'application/json' }), text);
      }),
      { numRuns: 1_200 },
    );
  });

  it('when a nearly valid body is mutated (extra, duplicated or mistyped fields), prices only from the catalog or refuses with a 4xx problem', async () => {
    let successes = 0;
    await fc.assert(
      fc.asyncProperty(nearlyValid, async (entries) => {
        const text = object(
          entries.map(([name, value]) => [name, value === 'valid' ? JSON.stringify(validToken) : value]),
        );
        await assertHandled(async () => {
          const answer = await post(text, { 'content-type': 'application/json' });
          if (answer.status === 201) successes += 1;
          return answer;
        }, text);
      }),
      { numRuns: 1_200 },
    );
    assert.ok(successes > 0, 'the generator reaches the success path too');
  });

  it('when the bytes, content type or content encoding are arbitrary, answers 201 or a 4xx problem', async () => {
    const contentType = fc.constantFrom(
      'application/json',
      'application/json; charset=utf-8',
      'application/json; charset=latin1',
      'application/json; charset=utf-16',
      'APPLICATION/JSON',
      'application/json;',
      'application/x-www-form-urlencoded',
      'text/plain',
      'multipart/form-data; boundary=x',
      'application/merge-patch+json',
      '',
      'application/json, text/plain',
    );
    const encoding = fc.constantFrom(undefined, 'gzip', 'deflate', 'br', 'identity', 'x-unknown', 'gzip, gzip');
    const bytes = fc.oneof(
      fc.uint8Array({ maxLength: 300 }),
      fc
        .oneof(
          tree,
          nearlyValid.map((entries) => object(entries.filter(([, value]) => value !== 'valid'))),
        )
        .map((text) => new TextEncoder().encode(text)),
      fc
        .integer({ min: 16 * 1024 - 100, max: 40 * 1024 })
        .map((size) => new TextEncoder().encode(`{"items":[{"product":"SKU-A"}],"title":"${'x'.repeat(size)}"}`)),
    );
    await fc.assert(
      fc.asyncProperty(bytes, contentType, encoding, async (body, type, contentEncoding) => {
        const headers: Record<string, string> = {};
        if (type) headers['content-type'] = type;
        if (contentEncoding) headers['content-encoding'] = contentEncoding;
        await assertHandled(() => post(body, headers), {
          type,
          contentEncoding,
          body: Buffer.from(body).toString('base64').slice(0, 200),
        });
      }),
      { numRuns: 600 },
    );
  });

  it('when a plain HTML form posts arbitrary fields, answers 303 after one upstream call or a 4xx problem after none', async () => {
    const formKey = fc.oneof(
      fc.constantFrom(
        'product',
        'quantity',
        'amount',
        'currency',
        'title',
        'provider',
        'customer_token',
        'items[0][product]',
        'items',
        'price',
      ),
      fc.constantFrom(...prototypeKeys),
      fc.string({ unit: 'grapheme', maxLength: 10 }),
    );
    const formValue = fc.oneof(
      fc.constantFrom(
        'SKU-A',
        'SKU-B',
        'SKU-NOPE',
        '1',
        '2',
        '99',
        '100',
        '0',
        '1e3',
        '1.5',
        ' 2',
        '0x10',
        'BRL',
        'pagou',
        '',
        '1500',
      ),
      fc.string({ unit: 'grapheme', maxLength: 20 }),
    );
    const encoded = fc
      .array(fc.tuple(formKey, formValue), { maxLength: 25 })
      .map((fields) =>
        fields.map(([name, value]) => `${encodeURIComponent(name)}=${encodeURIComponent(value)}`).join('&'),
      );
    const malformed = fc
      .array(
        fc.oneof(
          fc.constantFrom('%', '%E0%A4%A', '%ZZ', '&', '=', '+', 'product=SKU-A', '%00', '%FF%FE'),
          fc.string({ maxLength: 8 }),
        ),
        { maxLength: 12 },
      )
      .map((parts) => parts.join(''));
    await fc.assert(
      fc.asyncProperty(fc.oneof(encoded, malformed), async (text) => {
        await assertHandled(() => post(text, { 'content-type': 'application/x-www-form-urlencoded' }), text);
      }),
      { numRuns: 1_000 },
    );
  });

  it("after all of it, no prototype was polluted, every upstream call met Pagou's contract and nothing was logged as an internal error", () => {
    assert.deepEqual(Object.getOwnPropertyNames(Object.prototype).sort(), prototypeNames);
    assert.equal(({} as Record<string, unknown>).price, undefined);
    assert.deepEqual(pagou.schemaFailures, []);
    assert.deepEqual(
      logs.entries.filter((entry) => (entry.level as number) >= 50),
      [],
    );
  });
});

describe('POST /api/checkout against the holes an outside review found', () => {
  /** Refused with `code` and no provider call, whatever else the answer says. */
  async function assertRefused(body: string, contentType: string, code: string): Promise<void> {
    const answer = await assertHandled(() => post(body, { 'content-type': contentType }), { body, contentType });
    assert.equal(assertProblem(answer, body).code, code, `${contentType} ${body}`);
  }
  const asJson = (body: unknown) => assertRefused(JSON.stringify(body), 'application/json', 'validation_error');
  const asForm = (body: string) => assertRefused(body, 'application/x-www-form-urlencoded', 'validation_error');

  it('when a value-only amount is in a currency the bounds were not set for, answers 422 currency_not_allowed by JSON and by form', async () => {
    for (const [amount, currency] of [
      [500, 'IDR'],
      [100_000, 'GBP'],
      [AMOUNT_MIN, 'USD'],
    ] as const) {
      await assertRefused(JSON.stringify({ amount, currency }), 'application/json', 'currency_not_allowed');
      await assertRefused(
        `amount=${amount}&currency=${currency}`,
        'application/x-www-form-urlencoded',
        'currency_not_allowed',
      );
    }
  });

  it('when a body is compressed, valid or not, answers 415 unsupported_media_type without calling a provider', async () => {
    const cart = '{"items":[{"product":"SKU-A"}]}';
    const compressed = { gzip: gzipSync(cart), deflate: deflateSync(cart), br: brotliCompressSync(cart) };
    for (const [encoding, valid] of Object.entries(compressed)) {
      for (const body of [valid, cart, '']) {
        const answer = await assertHandled(
          () => post(body, { 'content-type': 'application/json', 'content-encoding': encoding }),
          { encoding, body: String(body) },
        );
        assert.equal(assertProblem(answer, encoding).code, 'unsupported_media_type');
      }
    }
  });

  it('when a megabyte of empty gzip members precedes a real one, answers 415 without reading them', async () => {
    const emptyMember = gzipSync('');
    const members = Math.ceil((1024 * 1024) / emptyMember.length);
    const bomb = Buffer.concat([
      Buffer.alloc(members * emptyMember.length, emptyMember),
      gzipSync('{"items":[{"product":"SKU-A"}]}'),
    ]);
    const answer = await assertHandled(
      () => post(bomb, { 'content-type': 'application/json', 'content-encoding': 'gzip' }),
      'gzip members',
    );
    assert.equal(assertProblem(answer).code, 'unsupported_media_type');
  });

  it('when the body declares a charset other than UTF-8, answers 415 unsupported_media_type', async () => {
    const cart = '{"items":[{"product":"SKU-A"}]}';
    await assertRefused(
      Buffer.from(`\ufeff${cart}`, 'utf16le') as unknown as string,
      'application/json; charset=utf-16',
      'unsupported_media_type',
    );
    await assertRefused(cart, 'application/json; charset=utf-32', 'unsupported_media_type');
    await assertRefused(
      'product=SKU-A',
      'application/x-www-form-urlencoded; charset=iso-8859-1',
      'unsupported_media_type',
    );
    const declaredUtf8 = await post(cart, { 'content-type': 'application/json; charset=UTF-8' });
    assert.equal(declaredUtf8.status, 201, 'UTF-8, in any case, is the one charset taken');
  });

  it('when a form carries __proto__ or another field the README does not list, answers 422 naming it', async () => {
    for (const field of ['__proto__', 'constructor', 'items', 'price', 'customer_token']) {
      const answer = await post(`product=SKU-A&${encodeURIComponent(field)}=x`, {
        'content-type': 'application/x-www-form-urlencoded',
      });
      assert.equal(assertProblem(answer, field).code, 'validation_error', field);
      assert.deepEqual(
        (JSON.parse(answer.text) as { errors: Array<{ field: string }> }).errors.map((error) => error.field),
        [field],
      );
    }
  });

  it('when a form quantity or amount is anything but plain decimal digits, answers 422 validation_error', async () => {
    for (const number of ['0x10', '0b11', '0o7', '1e1', '.5e1', '2.0', ' 5', '5 ', '+5', '-1', '١٢', 'Infinity']) {
      await asForm(`product=SKU-A&quantity=${encodeURIComponent(number)}`);
      await asForm(`amount=${encodeURIComponent(number.replace('5', '500'))}&currency=BRL`);
    }
    const plain = await post('product=SKU-A&quantity=07', { 'content-type': 'application/x-www-form-urlencoded' });
    assert.equal(plain.status, 303, 'plain digits, leading zero and all, are a quantity');
  });

  it('when a title carries control, NUL or bidirectional-override characters, answers 422 validation_error', async () => {
    const deceptive = ['Order\u0000 1', 'Order\n1', 'Order \u202Eexe.1', 'Order \u2066x\u2069', 'Order \u0085'];
    for (const title of deceptive) {
      await asJson({ items: [{ product: 'SKU-A' }], title });
      await asForm(`product=SKU-A&title=${encodeURIComponent(title)}`);
    }
    // A form cannot carry a lone surrogate: percent-decoding turns it into U+FFFD.
    await asJson({ items: [{ product: 'SKU-A' }], title: 'x\uD800' });
    const html = await post(JSON.stringify({ items: [{ product: 'SKU-A' }], title: 'Order <b>#1042</b> — ✓ عربى' }), {
      'content-type': 'application/json',
    });
    assert.equal(html.status, 201, 'markup and right-to-left letters are text: providers escape them');
  });
});
