import type { CheckoutErrorCode } from './api-client.js';

/**
 * Shopper-facing text. Codes map to a handful of message kinds so each language writes every
 * sentence once: the bundle budget is 10 KB gzip, Lit included.
 */
type MessageKind =
  | 'unavailable'
  | 'busy'
  | 'offline'
  | 'slow'
  | 'gone'
  | 'mixed'
  | 'setup'
  | 'declined'
  | 'session'
  | 'account'
  | 'no_method'
  | 'done'
  | 'generic';

export interface Messages extends Record<MessageKind, string> {
  /** The button's label when the page slots none. */
  label: string;
}

const kindOf: Record<string, MessageKind> = {
  upstream_unavailable: 'unavailable',
  upstream_timeout: 'unavailable',
  upstream_rate_limited: 'unavailable',
  upstream_bad_response: 'unavailable',
  provider_unavailable: 'unavailable',
  internal_error: 'unavailable',
  rate_limited: 'busy',
  network_error: 'offline',
  timeout: 'slow',
  unknown_product: 'gone',
  mixed_currencies: 'mixed',
  validation_error: 'setup',
  amount_not_allowed: 'setup',
  amount_out_of_range: 'setup',
  request_not_supported: 'setup',
  return_url_not_allowed: 'setup',
  currency_not_supported: 'setup',
  amount_not_supported: 'setup',
  origin_not_allowed: 'setup',
  upstream_auth_failed: 'setup',
  provider_misconfigured: 'setup',
  unsafe_url: 'setup',
  bad_response: 'setup',
  not_found: 'setup',
  upstream_rejected: 'declined',
  provider_rejected: 'declined',
  invalid_customer_token: 'session',
  customer_not_found: 'account',
  no_payment_provider: 'no_method',
  provider_not_supported: 'no_method',
  nothing_to_set_up: 'done',
} satisfies Partial<Record<CheckoutErrorCode, MessageKind>>;

const en: Messages = {
  label: 'Buy now',
  unavailable: 'Payment is temporarily unavailable. Please try again in a few minutes.',
  busy: 'Too many attempts. Please wait a minute and try again.',
  offline: 'We could not reach the payment service. Check your connection and try again.',
  slow: 'The payment service is taking too long. Please try again.',
  gone: 'This product is no longer available.',
  mixed: 'These items cannot be paid together. Please buy them separately.',
  setup: 'Payment is not set up correctly on this store. Please contact the store.',
  declined: 'The payment provider declined this purchase. Please contact the store.',
  session: 'Your session has expired. Reload the page and try again.',
  account: 'We could not find your account. Please contact the store.',
  no_method: 'Payment methods cannot be added to your account yet. Please contact the store.',
  done: 'Your payment method is already set up.',
  generic: 'Something went wrong. Please try again.',
};

const ptBR: Messages = {
  label: 'Comprar agora',
  unavailable: 'O pagamento está indisponível no momento. Tente de novo em alguns minutos.',
  busy: 'Muitas tentativas. Aguarde um minuto e tente de novo.',
  offline: 'Não foi possível falar com o serviço de pagamento. Verifique sua conexão e tente de novo.',
  slow: 'O serviço de pagamento está demorando demais. Tente de novo.',
  gone: 'Este produto não está mais disponível.',
  mixed: 'Estes itens não podem ser pagos juntos. Compre-os separadamente.',
  setup: 'O pagamento não está configurado corretamente nesta loja. Fale com a loja.',
  declined: 'O provedor de pagamento recusou esta compra. Fale com a loja.',
  session: 'Sua sessão expirou. Recarregue a página e tente de novo.',
  account: 'Não encontramos sua conta. Fale com a loja.',
  no_method: 'Ainda não é possível adicionar formas de pagamento à sua conta. Fale com a loja.',
  done: 'Sua forma de pagamento já está configurada.',
  generic: 'Algo deu errado. Tente de novo.',
};

/** Messages by primary language subtag, so `pt`, `pt-BR` and `pt-PT` all read Portuguese. */
const byLanguage = new Map([
  ['en', en],
  ['pt', ptBR],
]);

/** The messages for the nearest `lang` around `element`, English when none is known. */
export const messagesFor = (element: Element): Messages => {
  const lang = element.closest('[lang]')?.getAttribute('lang') ?? '';
  return byLanguage.get(lang.split('-')[0]!.toLowerCase()) ?? en;
};

/** The shopper-facing sentence for a failure `code`, with a generic fallback for codes added later. */
export const errorMessage = (messages: Messages, code: string): string =>
  messages[Object.hasOwn(kindOf, code) ? kindOf[code]! : 'generic'];
