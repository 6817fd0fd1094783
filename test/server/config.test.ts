import assert from 'node:assert/strict';
import { dirname, join } from 'node:path';
import { describe, it } from 'node:test';
import { describeConfig } from '../../server/cli/check.js';
import { describeCatalog } from '../../server/config/load-catalog.js';
import { ConfigError, loadConfig } from '../../server/config/load-config.js';
import { fixtureCatalog, tempFile } from './support.js';

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig({ CATALOG_FILE: fixtureCatalog, ...env });
  } catch (error) {
    assert.ok(error instanceof ConfigError);
    return error.problems;
  }
  assert.fail('expected a ConfigError');
}

describe('loadConfig', () => {
  it('when nothing is set, uses the documented defaults and the sandbox', () => {
    const config = loadConfig({});
    assert.equal(config.port, 3000);
    assert.equal(config.trustProxy, 0);
    assert.deepEqual(config.allowedOrigins, []);
    assert.deepEqual(
      config.valueOnly,
      new Map([['BRL', { min: 1, max: 100_000 }]]),
      'no money moves in sandbox mode: value-only links work, in BRL',
    );
    assert.equal(config.host, undefined, 'listens on every interface');
    assert.equal(config.upstreamTimeoutMs, 10_000);
    assert.equal(config.upstreamConcurrency, 256);
    assert.equal(config.maxConnections, 512);
    assert.equal(config.shutdownGraceMs, 15_000, 'the upstream timeout and 5 s for the rest of the request');
    assert.equal(config.publicOrigin, undefined);
    assert.equal(config.customerTokenAudience, undefined);
    assert.equal(config.rateLimitPerMinute, 30);
    assert.deepEqual(config.providers, []);
    assert.equal(config.sandbox, true);
    assert.ok(config.catalog.get('SKU-TSHIRT-BLACK-M'), 'the demo catalog is the default');
    assert.equal(config.customerTokenSecret?.byteLength, 43, 'sandbox mode makes a random token secret');
    assert.equal(config.demo, true, 'the demo storefront is on in sandbox mode');
    assert.equal(config.redisUrl, undefined, 'state stays in memory');
    assert.equal(config.idempotencyTtlMs, 24 * 3600 * 1000);
    assert.equal(config.metricsToken, undefined, 'no metrics are served');
  });

  it('when a real provider is configured, turns the demo off unless DEMO=on', () => {
    assert.equal(loadConfig({ CATALOG_FILE: fixtureCatalog, PAGOU_API_KEY: 'pk' }).demo, false);
    assert.equal(loadConfig({ CATALOG_FILE: fixtureCatalog, PAGOU_API_KEY: 'pk', DEMO: 'on' }).demo, true);
    assert.equal(loadConfig({ CATALOG_FILE: fixtureCatalog, DEMO: 'off' }).demo, false);
  });

  it('serves the builder wherever the demo is on, unless BUILDER says otherwise', () => {
    const builder = (env: Record<string, string>) => loadConfig({ CATALOG_FILE: fixtureCatalog, ...env }).builder;
    assert.equal(builder({}), true, 'sandbox mode');
    assert.equal(builder({ PAGOU_API_KEY: 'pk' }), false);
    assert.equal(builder({ PAGOU_API_KEY: 'pk', DEMO: 'on' }), true);
    assert.equal(builder({ PAGOU_API_KEY: 'pk', BUILDER: 'on' }), true);
    assert.equal(builder({ BUILDER: 'off' }), false);
    assert.equal(builder({ DEMO: 'off' }), false);
    assert.equal(builder({ DEMO: 'off', BUILDER: 'on' }), true);
  });

  it('when variables are empty strings, treats them as unset', () => {
    const config = loadConfig({
      CATALOG_FILE: fixtureCatalog,
      PORT: '',
      PAGOU_API_KEY: '  ',
      LAGO_API_KEY: '',
      HOST: '',
    });
    assert.equal(config.port, 3000);
    assert.deepEqual(config.providers, []);
    assert.equal(config.host, undefined);
  });

  it('when a provider key is set and AMOUNT_MAX is not, refuses value-only links', () => {
    assert.equal(loadConfig({ CATALOG_FILE: fixtureCatalog, PAGOU_API_KEY: 'pk' }).valueOnly, undefined);
  });

  it('when values are valid, parses every variable', () => {
    const config = loadConfig({
      CATALOG_FILE: fixtureCatalog,
      PORT: '8080',
      PAGOU_API_KEY: 'pk_live_x',
      PAGOU_API_URL: 'https://api-sandbox.pagou.ai/',
      ALLOWED_ORIGINS: 'https://shop.example, http://localhost:5173',
      AMOUNT_MIN: '100',
      AMOUNT_MAX: '500000',
      AMOUNT_CURRENCY: 'USD',
      UPSTREAM_TIMEOUT_MS: '2500',
      UPSTREAM_CONCURRENCY: '16',
      MAX_CONNECTIONS: '100',
      SHUTDOWN_GRACE_MS: '4000',
      PUBLIC_URL: 'https://pay.shop.example/',
      CUSTOMER_TOKEN_AUDIENCE: 'https://pay.shop.example',
      RATE_LIMIT_PER_MINUTE: '5',
      TRUST_PROXY: '1',
      HOST: '127.0.0.1',
      REDIS_URL: 'redis://:pass@redis.internal:6379/2',
      IDEMPOTENCY_TTL: '90m',
      METRICS_TOKEN: 'metrics-token-0123456789',
    });
    assert.equal(config.port, 8080);
    assert.equal(config.redisUrl, 'redis://:pass@redis.internal:6379/2');
    assert.equal(config.idempotencyTtlMs, 90 * 60 * 1000);
    assert.equal(config.metricsToken, 'metrics-token-0123456789');
    assert.equal(config.host, '127.0.0.1');
    assert.deepEqual(
      config.providers.map(({ module, settings }) => [module.name, settings]),
      [['pagou', { apiKey: 'pk_live_x', apiUrl: 'https://api-sandbox.pagou.ai' }]],
    );
    assert.deepEqual(config.allowedOrigins, ['https://shop.example', 'http://localhost:5173']);
    assert.deepEqual(config.valueOnly, new Map([['USD', { min: 100, max: 500000 }]]));
    assert.equal(config.upstreamTimeoutMs, 2500);
    assert.equal(config.upstreamConcurrency, 16);
    assert.equal(config.maxConnections, 100);
    assert.equal(config.shutdownGraceMs, 4000);
    assert.equal(config.publicOrigin, 'https://pay.shop.example');
    assert.equal(config.customerTokenAudience, 'https://pay.shop.example');
    assert.equal(config.rateLimitPerMinute, 5);
    assert.equal(config.trustProxy, 1);
    assert.equal(config.customerTokenSecret, undefined, 'no random secret once a real provider is configured');
  });

  const badValues: Array<[string, string]> = [
    ['PORT', 'eighty'],
    ['PORT', '70000'],
    ['TRUST_PROXY', 'true'],
    ['UPSTREAM_TIMEOUT_MS', '-1'],
    ['RATE_LIMIT_PER_MINUTE', '0'],
    ['AMOUNT_MAX', '12.5'],
    ['PAGOU_API_URL', 'not a url'],
    ['PAGOU_API_URL', 'http://api.pagou.ai'],
    ['LAGO_API_URL', 'ftp://lago.example'],
    ['ALLOWED_ORIGINS', 'https://shop.example/path'],
    ['ALLOWED_ORIGINS', '*'],
    ['LOG_LEVEL', 'loud'],
    ['CUSTOMER_TOKEN_SECRET', 'too-short'],
    ['DEMO', 'yes'],
    ['BUILDER', 'always'],
    ['HOST', 'http://localhost'],
    ['STRIPE_API_URL', 'https://api.stripe.com/v1'],
    ['STRIPE_API_URL', 'http://api.stripe.com'],
    ['CHECKOUT_SUCCESS_URL', '/thanks'],
    ['CHECKOUT_CANCEL_URL', 'http://shop.example/cart'],
    ['REDIS_URL', 'redis.internal:6379'],
    ['REDIS_URL', 'https://redis.internal'],
    ['IDEMPOTENCY_TTL', '24 hours'],
    ['IDEMPOTENCY_TTL', '30s'],
    ['IDEMPOTENCY_TTL', '31d'],
    ['METRICS_TOKEN', 'short'],
    ['AMOUNT_CURRENCY', 'brl'],
    ['AMOUNT_LIMITS', 'BRL:500'],
    ['AMOUNT_LIMITS', 'BRL:500-100000,XXX:1-2'],
    ['AMOUNT_LIMITS', 'BRL:500-100,USD:1-2'],
    ['AMOUNT_LIMITS', 'BRL:0-100'],
    ['UPSTREAM_CONCURRENCY', '0'],
    ['MAX_CONNECTIONS', 'many'],
    ['SHUTDOWN_GRACE_MS', 'soon'],
    ['PUBLIC_URL', 'http://pay.shop.example'],
    ['PUBLIC_URL', 'https://pay.shop.example/checkout'],
  ];

  const durations: Array<[string, number]> = [
    ['3600', 3600],
    ['90s', 90],
    ['45m', 2700],
    ['24h', 86_400],
    ['7d', 604_800],
  ];
  for (const [value, seconds] of durations) {
    it(`when IDEMPOTENCY_TTL is "${value}", keeps records ${seconds} seconds`, () => {
      assert.equal(
        loadConfig({ CATALOG_FILE: fixtureCatalog, IDEMPOTENCY_TTL: value }).idempotencyTtlMs,
        seconds * 1000,
      );
    });
  }
  for (const [name, value] of badValues) {
    it(`when ${name} is "${value}", reports ${name}`, () => {
      const problems = problemsOf({ [name]: value });
      assert.equal(problems.length, 1, problems.join('\n'));
      assert.match(problems[0]!, new RegExp(`^${name}: `));
    });
  }

  it('when REDIS_URL carries a password, `check` names where state is shared and never the password', () => {
    const config = loadConfig({
      CATALOG_FILE: fixtureCatalog,
      REDIS_URL: 'rediss://:s3cret-pass@redis.internal:6380',
      IDEMPOTENCY_TTL: '2d',
      METRICS_TOKEN: 'metrics-token-0123456789',
    });
    const described = describeConfig(config);
    assert.match(described, /shared state: +Redis at redis\.internal:6380 \(records kept 48 h\)/);
    assert.match(described, /metrics: +GET \/metrics, with METRICS_TOKEN/);
    assert.ok(!described.includes('s3cret-pass') && !described.includes('metrics-token-0123456789'));
    assert.match(
      describeConfig(loadConfig({ CATALOG_FILE: fixtureCatalog })),
      /shared state: +this instance's memory \(records kept 24 h\)/,
    );
  });

  it('when AMOUNT_MIN is greater than AMOUNT_MAX, reports AMOUNT_MIN', () => {
    assert.deepEqual(problemsOf({ AMOUNT_MIN: '500', AMOUNT_MAX: '100' }), [
      'AMOUNT_MIN: must not be greater than AMOUNT_MAX',
    ]);
  });

  it('when AMOUNT_LIMITS lists several currencies, bounds each one and takes the first as the default', () => {
    const config = loadConfig({ CATALOG_FILE: fixtureCatalog, AMOUNT_LIMITS: 'USD:100-20000, BRL:500-100000' });
    assert.deepEqual(
      [...config.valueOnly!],
      [
        ['USD', { min: 100, max: 20_000 }],
        ['BRL', { min: 500, max: 100_000 }],
      ],
    );
  });

  it('when AMOUNT_LIMITS names a currency twice, reports the repeat', () => {
    assert.deepEqual(problemsOf({ AMOUNT_LIMITS: 'BRL:1-2,BRL:3-4' }), ['AMOUNT_LIMITS: "BRL:3-4" repeats BRL']);
  });

  it('when AMOUNT_LIMITS is set with AMOUNT_MIN, AMOUNT_MAX or AMOUNT_CURRENCY, asks for one or the other', () => {
    for (const [name, value] of [
      ['AMOUNT_MAX', '100'],
      ['AMOUNT_CURRENCY', 'USD'],
    ]) {
      assert.match(problemsOf({ AMOUNT_LIMITS: 'BRL:1-2', [name!]: value! }).join('\n'), /^AMOUNT_LIMITS: replaces/);
    }
  });

  it('when UPSTREAM_TIMEOUT_MS is long, the default shutdown grace outlasts it', () => {
    assert.equal(loadConfig({ CATALOG_FILE: fixtureCatalog, UPSTREAM_TIMEOUT_MS: '20000' }).shutdownGraceMs, 25_000);
  });

  it('when SHUTDOWN_GRACE_MS is shorter than UPSTREAM_TIMEOUT_MS and a margin, reports SHUTDOWN_GRACE_MS', () => {
    assert.deepEqual(problemsOf({ UPSTREAM_TIMEOUT_MS: '20000', SHUTDOWN_GRACE_MS: '15000' }), [
      'SHUTDOWN_GRACE_MS: must be at least UPSTREAM_TIMEOUT_MS + 1000 (21000), so a checkout waiting on a provider can finish',
    ]);
  });

  it('when AMOUNT_MIN is set without AMOUNT_MAX, says value-only stays off', () => {
    assert.match(problemsOf({ AMOUNT_MIN: '500' })[0]!, /^AMOUNT_MIN: .*AMOUNT_MAX/);
  });

  it('when LAGO_API_KEY is set without CUSTOMER_TOKEN_SECRET, asks for the secret', () => {
    assert.match(
      problemsOf({ LAGO_API_KEY: 'lago_key' })[0]!,
      /^CUSTOMER_TOKEN_SECRET: is required when LAGO_API_KEY is set/,
    );
  });

  it('when STRIPE_SECRET_KEY is set without return pages, asks for both', () => {
    assert.deepEqual(
      problemsOf({ STRIPE_SECRET_KEY: 'sk_test_x' }).map((problem) => problem.split(':')[0]),
      ['CHECKOUT_SUCCESS_URL', 'CHECKOUT_CANCEL_URL'],
    );
  });

  it('when Stripe and its return pages are set, enables Stripe and keeps the pages as written', () => {
    const success = 'https://shop.example/thanks?session={CHECKOUT_SESSION_ID}';
    const config = loadConfig({
      CATALOG_FILE: fixtureCatalog,
      STRIPE_SECRET_KEY: 'sk_test_x',
      CHECKOUT_SUCCESS_URL: success,
      CHECKOUT_CANCEL_URL: 'http://localhost:5173/cart',
    });
    assert.deepEqual(
      config.providers.map(({ module, settings }) => [module.name, settings]),
      [['stripe', { apiKey: 'sk_test_x', apiUrl: 'https://api.stripe.com' }]],
    );
    assert.deepEqual(config.returnUrls, { success, cancel: 'http://localhost:5173/cart' });
  });

  it('when several variables are bad, reports every one at once', () => {
    const problems = problemsOf({
      PORT: 'x',
      TRUST_PROXY: 'y',
      PAGOU_API_URL: 'z',
      CATALOG_FILE: '/nonexistent/catalog.json',
    });
    assert.deepEqual(
      problems.map((problem) => problem.split(':')[0]),
      ['PORT', 'TRUST_PROXY', 'PAGOU_API_URL', 'CATALOG_FILE'],
    );
  });

  it('when a variable fails its own check, still reports the cross-field problems with it', () => {
    assert.deepEqual(problemsOf({ ALLOWED_ORIGINS: 'not-an-origin', AMOUNT_MIN: '5', LAGO_API_KEY: 'lk' }), [
      'ALLOWED_ORIGINS: "not-an-origin" is not an origin like https://shop.example.com or https://*.example.com (scheme, host and port only)',
      'AMOUNT_MIN: is set but AMOUNT_MAX is not; set AMOUNT_MAX to enable value-only links',
      'CUSTOMER_TOKEN_SECRET: is required when LAGO_API_KEY is set (at least 32 bytes, shared with your backend)',
    ]);
  });

  it('when a variable a cross-field check reads is itself bad, reports only its own problem', () => {
    assert.deepEqual(problemsOf({ AMOUNT_MIN: '500', AMOUNT_MAX: '12.5' }), [
      'AMOUNT_MAX: must be a whole number from 1 to 9007199254740991',
    ]);
    assert.deepEqual(problemsOf({ LAGO_API_KEY: 'lk', CUSTOMER_TOKEN_SECRET: 'short' }), [
      'CUSTOMER_TOKEN_SECRET: must be at least 32 bytes',
    ]);
  });

  const hosts: Array<[string, string]> = [
    [
      'localhost:3000',
      'HOST: holds a port too; put the host in HOST and the port in PORT (HOST=localhost and PORT=3000)',
    ],
    ['[::1]:8080', 'HOST: holds a port too; put the host in HOST and the port in PORT (HOST=::1 and PORT=8080)'],
    ['[::1]', 'HOST: must be an IPv6 address without brackets, such as ::1'],
  ];
  for (const [host, problem] of hosts) {
    it(`when HOST is ${host}, says how to write it in one line`, () => {
      assert.deepEqual(problemsOf({ HOST: host }), [problem]);
    });
  }

  for (const host of ['127.0.0.1', '::', '::1', 'localhost', 'pay.internal', '0.0.0.0']) {
    it(`when HOST is ${host}, accepts it`, () => {
      assert.equal(loadConfig({ CATALOG_FILE: fixtureCatalog, HOST: host }).host, host);
    });
  }

  it('when LAGO_API_URL ends in /api/v1, refuses it: the proxy adds that path itself', () => {
    assert.deepEqual(problemsOf({ LAGO_API_URL: 'https://api.getlago.com/api/v1/' }), [
      "LAGO_API_URL: must be Lago's base URL without /api/v1, such as https://api.getlago.com",
    ]);
  });

  it('when a key is set alongside a bad variable, never prints the key', () => {
    const key = 'pk_live_DO_NOT_PRINT_4242';
    assert.throws(
      () =>
        loadConfig({
          CATALOG_FILE: fixtureCatalog,
          PAGOU_API_KEY: key,
          PAGOU_API_URL: key,
          LAGO_API_KEY: key,
          CUSTOMER_TOKEN_SECRET: key,
        }),
      (error: Error) => {
        assert.ok(error instanceof ConfigError);
        assert.ok(!error.message.includes(key), error.message);
        return true;
      },
    );
  });
});

describe('catalog validation', () => {
  const valid = { id: 'SKU-1', name: 'Shirt', price: 100, currency: 'BRL' };
  const cases: Array<[string, unknown, RegExp]> = [
    ['a duplicate id', { products: [valid, valid] }, /product "SKU-1" id: duplicate id "SKU-1"/],
    [
      'a decimal price',
      { products: [{ ...valid, price: 79.9 }] },
      /product "SKU-1" price: is 79.9, but prices are whole numbers in cents .*: write 7990 for 79.90/,
    ],
    ['a zero price', { products: [{ ...valid, price: 0 }] }, /product "SKU-1" price:/],
    [
      'a price too large to add up exactly',
      { products: [{ ...valid, price: 2 ** 53 }] },
      /product "SKU-1" price: is 9007199254740992, more than the largest price the proxy can add up exactly/,
    ],
    ['a currency Pagou does not take', { products: [{ ...valid, currency: 'XYZ' }] }, /product "SKU-1" currency:/],
    ['an empty name', { products: [{ ...valid, name: '' }] }, /product "SKU-1" name:/],
    [
      'a description over 2000 characters',
      { products: [{ ...valid, description: 'x'.repeat(2001) }] },
      /product "SKU-1" description:/,
    ],
    ['an unknown type', { products: [{ ...valid, type: 'service' }] }, /product "SKU-1" type:/],
    [
      'an http image URL',
      { products: [{ ...valid, image_url: 'http://img.example/a.png' }] },
      /product "SKU-1" image_url: must be an absolute https URL/,
    ],
    ['an unknown field', { products: [{ ...valid, colour: 'red' }] }, /product "SKU-1": Unrecognized key/],
    ['a product without an id', { products: [{ name: 'x', price: 1, currency: 'BRL' }] }, /product #1 id:/],
    ['no products list', {}, /products:/],
    ['text that is not JSON', '{ products: ', /CATALOG_FILE: not valid JSON/],
  ];
  for (const [what, json, message] of cases) {
    it(`when the catalog has ${what}, names the product and the field`, (t) => {
      const problems = problemsOf({
        CATALOG_FILE: tempFile(t, 'catalog.json', typeof json === 'string' ? json : JSON.stringify(json)),
      });
      assert.equal(problems.length, 1, problems.join('\n'));
      assert.match(problems[0]!, /^CATALOG_FILE: /);
      assert.match(problems[0]!, message);
    });
  }

  it('when several products are wrong, a duplicate id among them, lists every problem in catalog order', (t) => {
    const products = [valid, { ...valid, id: 'SKU-2', price: 79.9 }, valid, { ...valid, id: 'SKU-3', currency: 'XYZ' }];
    const problems = problemsOf({ CATALOG_FILE: tempFile(t, 'catalog.json', JSON.stringify({ products })) });
    assert.deepEqual(
      problems.map((problem) => /^CATALOG_FILE: (product "[^"]+" \S+):/.exec(problem)?.[1]),
      ['product "SKU-2" price', 'product "SKU-1" id', 'product "SKU-3" currency'],
      problems.join('\n'),
    );
  });

  it('when the catalog file does not exist, says so in words', () => {
    assert.deepEqual(problemsOf({ CATALOG_FILE: '/nonexistent/catalog.json' }), [
      'CATALOG_FILE: the file /nonexistent/catalog.json does not exist',
    ]);
  });

  it('when the catalog path is relative, says where it was looked for', () => {
    assert.deepEqual(problemsOf({ CATALOG_FILE: 'missing-catalog.json' }), [
      `CATALOG_FILE: the file missing-catalog.json (looked for at ${join(process.cwd(), 'missing-catalog.json')}) does not exist`,
    ]);
  });

  it('when the catalog file cannot be read, says permission denied', () => {
    const denied = () => {
      throw Object.assign(new Error('EACCES: permission denied'), { code: 'EACCES' });
    };
    assert.throws(
      () => loadConfig({ CATALOG_FILE: '/srv/catalog.json' }, denied),
      (error: ConfigError) => {
        assert.match(
          error.problems[0]!,
          /^CATALOG_FILE: the file \/srv\/catalog\.json cannot be read: permission denied/,
        );
        return true;
      },
    );
  });

  it('when CATALOG_FILE names a folder, says it must name the file', (t) => {
    const folder = dirname(tempFile(t, 'catalog.json', '{}'));
    assert.match(
      problemsOf({ CATALOG_FILE: folder })[0]!,
      /is a folder; CATALOG_FILE must name the catalog's JSON file/,
    );
  });

  it('when a price has decimals, says prices are whole numbers in cents and shows the fix', (t) => {
    const catalog = { products: [{ id: 'SKU-1', name: 'Shirt', price: 79.9, currency: 'BRL' }] };
    assert.deepEqual(problemsOf({ CATALOG_FILE: tempFile(t, 'catalog.json', JSON.stringify(catalog)) }), [
      'CATALOG_FILE: product "SKU-1" price: is 79.9, but prices are whole numbers in cents (the currency\'s minor unit): write 7990 for 79.90',
    ]);
  });

  it('when the file starts with a UTF-8 byte order mark, reads it', (t) => {
    const catalog = { products: [{ id: 'SKU-1', name: 'Shirt', price: 7990, currency: 'BRL' }] };
    const config = loadConfig({ CATALOG_FILE: tempFile(t, 'catalog.json', `\uFEFF${JSON.stringify(catalog)}`) });
    assert.equal(config.catalog.get('SKU-1')?.price, 7990);
  });

  it('when the catalog has no products, starts with a warning', (t) => {
    const file = tempFile(t, 'catalog.json', '{"products": []}');
    assert.deepEqual(loadConfig({ CATALOG_FILE: file }).warnings, [
      `CATALOG_FILE: ${file} has no products, so only value-only links and payment-method set-ups can work`,
    ]);
    assert.deepEqual(loadConfig({ CATALOG_FILE: fixtureCatalog }).warnings, []);
  });
});

describe('which catalog is loaded', () => {
  it('when no provider key is set and no CATALOG_FILE, the sandbox sells from the demo catalog and says so', () => {
    const config = loadConfig({});
    assert.match(
      describeCatalog(config.catalogSource, config.catalog),
      /demo\/catalog\.json, the demo catalog \(4 products; sandbox only\)$/,
    );
  });

  it('when CATALOG_FILE is set, names the file and its product count', () => {
    const config = loadConfig({ CATALOG_FILE: fixtureCatalog });
    assert.equal(describeCatalog(config.catalogSource, config.catalog), `${fixtureCatalog} (4 products)`);
  });

  it("when PAGOU_API_KEY is set without CATALOG_FILE, refuses to start rather than sell the demo's products", () => {
    const problems = problemsOf({ PAGOU_API_KEY: 'pk_live_x', CATALOG_FILE: '' });
    assert.equal(problems.length, 1, problems.join('\n'));
    assert.match(
      problems[0]!,
      /^CATALOG_FILE: is required when PAGOU_API_KEY is set: the demo catalog's products and prices are for the sandbox only/,
    );
  });

  it('when only Lago is set (payment-method set-ups), starts with no catalog, never the demo one', () => {
    const config = loadConfig({ LAGO_API_KEY: 'lk', CUSTOMER_TOKEN_SECRET: 's'.repeat(32) });
    assert.deepEqual(config.catalog.publicProducts, []);
    assert.equal(
      describeCatalog(config.catalogSource, config.catalog),
      'none (CATALOG_FILE is not set, and lago only makes payment-method set-ups)',
    );
  });
});
