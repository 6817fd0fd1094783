import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { signCustomerToken } from '../../server/checkout/customer-token.js';
import type { LinkKind } from '../../server/providers/provider.js';
import { createProviders, providerModules } from '../../server/providers/registry.js';
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
