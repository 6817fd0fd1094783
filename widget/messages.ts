import { QUANTITY_MAX } from '../contract/checkout.js';
import type { Problem } from '../contract/problems.js';
import type { CheckoutErrorCode } from './api-client.js';

/** What the shopper is told: failures that mean the same to a shopper share a sentence, written once per language. */
type MessageKind =
  | 'unavailable'
  | 'offline'
  | 'gone'
  | 'quantity'
  | 'no_product'
  | 'currency'
  | 'amount'
  | 'setup'
  | 'refused'
  | 'session'
  | 'no_method'
  | 'done';

export interface Messages extends Record<MessageKind, string> {
  /** The button's label when the page slots none. */
  label: string;
  /** The link that takes the button's place when the frame may not open the checkout page itself. */
  link: string;
}

/**
 * The shopper's sentence and, for a failure that is the merchant's to fix, what fixes it: a button attribute (lower
 * case) or a proxy setting (upper case). An empty fix: the proxy's problem `detail` already names it.
 */
type Failure = readonly [kind: MessageKind, fix?: string];

const ENDPOINT = 'endpoint';

/** Every code the widget can report: a code added to the contract does not compile until it is here. */
const failures: Record<CheckoutErrorCode, Failure> = {
  network_error: ['offline'],
  timeout: ['unavailable'],
  upstream_unavailable: ['unavailable'],
  upstream_timeout: ['unavailable'],
  upstream_rate_limited: ['unavailable'],
  proxy_busy: ['unavailable'],
  upstream_bad_response: ['unavailable'],
  internal_error: ['unavailable', ''],
  rate_limited: ['unavailable'],
  bad_request: ['unavailable'],
  unknown_product: ['gone', 'product, CATALOG_FILE'],
  mixed_currencies: ['setup', ''],
  amount_not_allowed: ['amount', 'AMOUNT_MAX'],
  amount_out_of_range: ['amount', 'amount, AMOUNT_MIN, AMOUNT_MAX'],
  currency_not_allowed: ['currency', 'currency, AMOUNT_CURRENCY, AMOUNT_LIMITS'],
  // Read by field, below.
  validation_error: ['setup'],
  origin_not_allowed: ['setup', ''],
  provider_unavailable: ['setup', 'provider'],
  request_not_supported: ['setup', 'provider'],
  return_url_not_allowed: ['setup', 'success-url, cancel-url'],
  currency_not_supported: ['currency', ''],
  amount_not_supported: ['amount', ''],
  upstream_auth_failed: ['setup', ''],
  unsafe_url: ['setup', '*_API_URL'],
  bad_response: ['setup', ENDPOINT],
  not_found: ['setup', ENDPOINT],
  method_not_allowed: ['setup', ENDPOINT],
  malformed_json: ['setup', ENDPOINT],
  unsupported_media_type: ['setup', ENDPOINT],
  payload_too_large: ['setup', ''],
  provider_misconfigured: ['setup', ''],
  upstream_rejected: ['refused', 'the proxy log'],
  provider_rejected: ['refused', ''],
  invalid_customer_token: ['session', 'customer-token'],
  customer_not_found: ['no_method', ''],
  no_payment_provider: ['no_method', ''],
  provider_not_supported: ['no_method', ''],
  nothing_to_set_up: ['done'],
  idempotency_key_invalid: ['setup', ''],
  idempotency_key_reused: ['setup', ''],
  idempotency_key_in_use: ['unavailable'],
  // Not answers to a checkout, but in the contract: the widget never sees them.
  metrics_unauthorized: ['setup', ''],
  not_ready: ['unavailable'],
};

const NO_CART: Failure = ['no_product', 'product, <checkout-item>, amount'];

/** A `validation_error` is told by the field it names first: the attribute the button got wrong. */
const validationFailures: Record<string, Failure> = {
  quantity: ['quantity', 'quantity'],
  currency: ['currency', 'currency'],
  amount: ['amount', 'amount'],
  '(body)': NO_CART,
  items: NO_CART,
  product: NO_CART,
};

const en: Messages = {
  label: 'Buy now',
  link: 'Continue to payment',
  unavailable: 'Payment is unavailable right now. Please try again soon.',
  offline: 'Could not reach the payment service. Check your connection.',
  gone: 'This product is no longer available.',
  quantity: `You can buy 1 to ${QUANTITY_MAX} of this product.`,
  no_product: 'This button has no product. Please contact the store.',
  currency: 'This currency is not accepted. Please contact the store.',
  amount: 'This amount cannot be paid here. Please contact the store.',
  setup: 'Payment is not set up on this store. Please contact the store.',
  refused: 'The payment could not start. Nothing was charged.',
  session: 'Your session expired. Reload the page and try again.',
  no_method: 'Your account cannot add a payment method yet.',
  done: 'Your payment method is already set up.',
};

const pt: Messages = {
  label: 'Comprar agora',
  link: 'Continuar para o pagamento',
  unavailable: 'O pagamento está indisponível agora. Tente de novo em breve.',
  offline: 'Sem conexão com o serviço de pagamento. Verifique sua internet.',
  gone: 'Este produto não está mais disponível.',
  quantity: `Você pode comprar de 1 a ${QUANTITY_MAX} deste produto.`,
  no_product: 'Este botão não tem produto. Fale com a loja.',
  currency: 'Esta moeda não é aceita. Fale com a loja.',
  amount: 'Este valor não pode ser pago aqui. Fale com a loja.',
  setup: 'O pagamento não está configurado nesta loja. Fale com a loja.',
  refused: 'O pagamento não pôde ser iniciado. Nada foi cobrado.',
  session: 'Sua sessão expirou. Recarregue a página e tente de novo.',
  no_method: 'Sua conta ainda não pode adicionar uma forma de pagamento.',
  done: 'Sua forma de pagamento já está configurada.',
};

const es: Messages = {
  label: 'Comprar ahora',
  link: 'Continuar al pago',
  unavailable: 'El pago no está disponible ahora. Inténtalo de nuevo pronto.',
  offline: 'Sin conexión con el servicio de pago. Revisa tu internet.',
  gone: 'Este producto ya no está disponible.',
  quantity: `Puedes comprar de 1 a ${QUANTITY_MAX} de este producto.`,
  no_product: 'Este botón no tiene producto. Contacta a la tienda.',
  currency: 'Esta moneda no se acepta. Contacta a la tienda.',
  amount: 'Este monto no se puede pagar aquí. Contacta a la tienda.',
  setup: 'El pago no está configurado en esta tienda. Contacta a la tienda.',
  refused: 'No se pudo iniciar el pago. No se cobró nada.',
  session: 'Tu sesión expiró. Recarga la página e inténtalo de nuevo.',
  no_method: 'Tu cuenta aún no puede agregar un método de pago.',
  done: 'Tu método de pago ya está configurado.',
};

/** Messages by primary language subtag, so `pt`, `pt-BR` and `pt-PT` all read Portuguese. */
const byLanguage = new Map(Object.entries({ en, pt, es }));

/** The messages for the nearest `lang` around `element`, English when none is known. */
export const messagesFor = (element: Element): Messages => {
  const lang = element.closest('[lang]')?.getAttribute('lang') ?? '';
  return byLanguage.get(lang.split('-')[0]!.toLowerCase()) ?? en;
};

const warned = new Set<string>();

/**
 * The shopper's sentence for a failure (the "unavailable" one for codes a newer proxy may add). When the failure is the
 * merchant's to fix, also tells the merchant's developer in the console what fixes it, once per cause per page:
 * the shopper's message stays short, and a page with many buttons does not repeat itself.
 */
export function explainFailure(element: Element, code: string, problem?: Problem): string {
  // The last segment of the first field named: `items[0].quantity` → `quantity`.
  const field = problem?.errors?.[0]?.field.split('.').pop() ?? '';
  const [kind, fix] =
    code === 'validation_error'
      ? Object.hasOwn(validationFailures, field)
        ? validationFailures[field]!
        : (['setup', field] as const)
      : Object.hasOwn(failures, code)
        ? failures[code as CheckoutErrorCode]
        : (['unavailable'] as const);
  if (fix !== undefined && !warned.has(code + field)) {
    warned.add(code + field);
    console.warn(`<checkout-button> ${code}: ${fix && `check ${fix}. `}${problem?.detail ?? ''}`);
  }
  return messagesFor(element)[kind];
}
