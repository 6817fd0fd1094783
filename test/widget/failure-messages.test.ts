import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import '../../widget/index.js';
import type { CheckoutButton } from '../../widget/index.js';
import { failureIn, fakeProxy, innerButton } from './helpers.js';

/** Whether this page has fetched the module with the failure messages (`widget/messages.ts`, a chunk when built). */
const messagesFetched = (): boolean =>
  performance.getEntriesByType('resource').some(({ name }) => new URL(name).pathname.startsWith('/widget/messages.'));

/** A button for `product` inside `lang`, clicked, and the detail of the `checkout-error` it fires. */
const failureOf = (product: string, lang: string) =>
  failureIn(lang, (endpoint) => html`<checkout-button product=${product} endpoint=${endpoint}></checkout-button>`);

// One page for the whole story: the messages are fetched once per page, so the steps must run in this order.
describe('<checkout-button> messages after a failure', () => {
  it('when the page has only rendered and checked out, has not fetched the failure messages', async () => {
    const el = await fixture<CheckoutButton>(
      html`<checkout-button product="SKU-OK" endpoint=${fakeProxy().endpoint}></checkout-button>`,
    );
    // Cancelled, so this page stays where it is.
    el.addEventListener('checkout-success', (event) => event.preventDefault());
    const success = oneEvent(el, 'checkout-success');
    innerButton(el).click();
    await success;
    expect(messagesFetched()).to.equal(false);
  });

  it('when no answer comes, says so in the page language with the words it carries, fetching nothing', async () => {
    expect(await failureOf('SKU-DROP', 'pt-BR')).to.deep.include({
      code: 'network_error',
      message: 'Sem conexão com o serviço de pagamento. Verifique sua internet.',
    });
    expect(messagesFetched()).to.equal(false);
  });

  it('when the proxy answers a failure, fetches the messages and says it in the page language', async () => {
    expect(await failureOf('SKU-UNKNOWN', 'es-MX')).to.deep.include({
      code: 'unknown_product',
      message: 'Este producto ya no está disponible.',
    });
    expect(messagesFetched()).to.equal(true);
  });
});
