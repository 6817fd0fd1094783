import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { signCustomerToken } from '../../server/checkout/customer-token.js';
import type { LinkKind } from '../../server/providers/provider.js';
import { createProviders, providerModules } from '../../server/providers/registry.js';
import { type FakeUpstream, startFakeUpstream } from '../support/http.js';
import { postCheckout, testApp, testConfig } from './support.js';

const linkKinds: LinkKind[] = ['createCheckoutLink', 'createSetupLink'];
const secret = 'a-token-secret-of-at-least-32-bytes!!';

describe('provider modules', () => {
  it('declare exactly the kinds of link their provider makes', () => {
    const config = testConfig({
      PAGOU_API_KEY: 'pk',
      LAGO_API_KEY: 'lk',
      CUSTOMER_TOKEN_SECRET: secret,
      STRIPE_SECRET_KEY: 'sk',
      CHECKOUT_SUCCESS_URL: 'https://shop.example/thanks',
      CHECKOUT_CANCEL_URL: 'https://shop.example/cart',
    });
    const { enabled } = createProviders(config.providers, config);
    for (const module of providerModules) {
      const provider = enabled.find(({ name }) => name === module.name);
      assert.ok(provider, `${module.name} is enabled by ${module.enabledBy}`);
      assert.deepEqual(
        linkKinds.filter((kind) => provider[kind] !== undefined),
        [...module.makes],
        module.name,
      );
    }
  });
});

describe('warming a provider', () => {
  it('each real provider opens a connection with one OPTIONS request for its API URL, without its key', async (t) => {
    const fakes = await Promise.all(
      ['pagou', 'lago', 'stripe'].map(() => startFakeUpstream((_request, res) => void res.writeHead(404).end())),
    );
    t.after(() => Promise.all(fakes.map((fake) => fake.close())));
    const [pagou, lago, stripe] = fakes as [FakeUpstream, FakeUpstream, FakeUpstream];
    const config = testConfig({
      PAGOU_API_KEY: 'pk_SECRET',
      PAGOU_API_URL: `${pagou.url}/pagou-api`,
      LAGO_API_KEY: 'lk_SECRET',
      LAGO_API_URL: lago.url,
      CUSTOMER_TOKEN_SECRET: secret,
      STRIPE_SECRET_KEY: 'sk_SECRET',
      STRIPE_API_URL: stripe.url,
      CHECKOUT_SUCCESS_URL: 'https://shop.example/thanks',
      CHECKOUT_CANCEL_URL: 'https://shop.example/cart',
    });
    const { enabled } = createProviders(config.providers, config);
    assert.equal(enabled.length, providerModules.length);
    for (const provider of enabled) provider.warm?.();
    while (fakes.some((fake) => fake.requests.length === 0)) await sleep(10);

    assert.deepEqual(
      fakes.map(({ requests }) => requests.map(({ method, url }) => `${method} ${url}`)),
      [['OPTIONS /pagou-api'], ['OPTIONS /'], ['OPTIONS /']],
    );
    for (const { requests } of fakes) assert.equal(requests[0]?.headers.authorization, undefined);
  });
});

describe('the sandbox standing in for a named provider', () => {
  it('when asked for a Lago cart, refuses it as Lago would: 422 request_not_supported', async () => {
    const { app } = testApp({ CUSTOMER_TOKEN_SECRET: secret });
    const response = await postCheckout(app, { provider: 'lago', items: [{ product: 'SKU-A' }] });
    assert.equal(response.status, 422);
    assert.equal(JSON.parse(response.text).code, 'request_not_supported');
  });

  it('when asked for a Stripe set-up link, refuses it as Stripe Checkout in payment mode would', async () => {
    const { app } = testApp({ CUSTOMER_TOKEN_SECRET: secret });
    const token = await signCustomerToken('cus_1', { secret });
    const response = await postCheckout(app, { provider: 'stripe', customer_token: token });
    assert.equal(JSON.parse(response.text).code, 'request_not_supported');
  });

  it('when asked for a Pagou set-up link, refuses it as Pagou would: 422 request_not_supported', async () => {
    const { app } = testApp({ CUSTOMER_TOKEN_SECRET: secret });
    const token = await signCustomerToken('cus_1', { secret });
    const response = await postCheckout(app, { provider: 'pagou', customer_token: token });
    assert.equal(JSON.parse(response.text).code, 'request_not_supported');
  });

  it('when asked for what the named provider makes, makes it', async () => {
    const { app } = testApp({ CUSTOMER_TOKEN_SECRET: secret });
    assert.equal(
      (await postCheckout(app, { provider: 'pagou', items: [{ product: 'SKU-A' }] })).body.provider,
      'sandbox',
    );
    const token = await signCustomerToken('cus_1', { secret });
    assert.equal((await postCheckout(app, { provider: 'lago', customer_token: token })).body.provider, 'sandbox');
  });
});
