import { expect, fixture, html } from '@open-wc/testing';
import '../../widget/index.js';
import { failureIn, innerButton } from './helpers.js';

const failures = {
  'a quantity over 99': {
    button: (endpoint: string) =>
      html`<checkout-button product="SKU-OK" quantity="150" endpoint=${endpoint}></checkout-button>`,
    code: 'validation_error',
    en: 'You can buy 1 to 99 of this product.',
    pt: 'Você pode comprar de 1 a 99 deste produto.',
    es: 'Puedes comprar de 1 a 99 de este producto.',
  },
  'a button with no product': {
    button: (endpoint: string) => html`<checkout-button endpoint=${endpoint}></checkout-button>`,
    code: 'validation_error',
    en: 'This button has no product. Please contact the store.',
    pt: 'Este botão não tem produto. Fale com a loja.',
    es: 'Este botón no tiene producto. Contacta a la tienda.',
  },
  'a cart with more than 25 different products': {
    button: (endpoint: string) =>
      html`<checkout-button
        .items=${Array.from({ length: 26 }, (_, index) => ({ product: `SKU-${index}` }))}
        endpoint=${endpoint}
      ></checkout-button>`,
    code: 'cart_too_large',
    en: 'This cart has too many items. Please remove some and try again.',
    pt: 'Este carrinho tem itens demais. Remova alguns e tente de novo.',
    es: 'Este carrito tiene demasiados artículos. Quita algunos e inténtalo de nuevo.',
  },
  'an unknown currency': {
    button: (endpoint: string) =>
      html`<checkout-button amount="1500" currency="XXX" endpoint=${endpoint}></checkout-button>`,
    code: 'validation_error',
    en: 'This currency is not accepted. Please contact the store.',
    pt: 'Esta moeda não é aceita. Fale com a loja.',
    es: 'Esta moneda no se acepta. Contacta a la tienda.',
  },
  'an amount over the maximum': {
    button: (endpoint: string) =>
      html`<checkout-button amount="200000" currency="BRL" endpoint=${endpoint}></checkout-button>`,
    code: 'amount_out_of_range',
    en: 'This amount cannot be paid here. Please contact the store.',
    pt: 'Este valor não pode ser pago aqui. Fale com a loja.',
    es: 'Este monto no se puede pagar aquí. Contacta a la tienda.',
  },
  "a provider's refusal that charged nothing": {
    button: (endpoint: string) =>
      html`<checkout-button product="SKU-PROVIDER-422" endpoint=${endpoint}></checkout-button>`,
    code: 'upstream_rejected',
    en: 'The payment could not start. Nothing was charged.',
    pt: 'O pagamento não pôde ser iniciado. Nada foi cobrado.',
    es: 'No se pudo iniciar el pago. No se cobró nada.',
  },
};

describe('<checkout-button> messages', () => {
  for (const [failure, { button, code, ...messages }] of Object.entries(failures)) {
    for (const [lang, message] of Object.entries({ en: messages.en, 'pt-BR': messages.pt, 'es-MX': messages.es })) {
      it(`when the nearest lang is ${lang} and the proxy refuses ${failure}, says so in that language`, async () => {
        expect(await failureIn(lang, button)).to.deep.include({ code, message });
      });
    }
  }

  it('gives each of these failures its own sentence, and none says the purchase was declined', () => {
    for (const lang of ['en', 'pt', 'es'] as const) {
      const sentences = Object.values(failures).map((failure) => failure[lang]);
      expect(new Set(sentences).size, lang).to.equal(sentences.length);
      for (const sentence of sentences) expect(sentence).not.to.match(/declin|recus|rechaz/i);
    }
  });

  it('when the nearest lang is es, labels the button "Comprar ahora"', async () => {
    const wrapper = await fixture(html`<div lang="es"><checkout-button></checkout-button></div>`);
    expect(innerButton(wrapper.querySelector('checkout-button')!).textContent!.trim()).to.equal('Comprar ahora');
  });
});
