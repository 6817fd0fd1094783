/**
 * The messages a failure needs, in a chunk of their own: fetched from beside the widget's script only after the proxy
 * answered with a failure, so a page where nothing fails never downloads them. Built, it imports nothing (the one
 * constant it reads is inlined), so one copy of the widget is all a page ever runs, whatever URL it loaded the widget by.
 */
import { QUANTITY_MAX } from '../contract/checkout.js';
import type { Problem } from '../contract/problems.js';
import type { CheckoutErrorCode } from './api-client.js';

/** What the shopper is told: failures that mean the same to a shopper share a sentence, written once per language. */
type MessageKind =
  | 'gone'
  | 'quantity'
  | 'no_product'
  | 'cart_size'
  | 'currency'
  | 'amount'
  | 'setup'
  | 'refused'
  | 'session'
  | 'no_method'
  | 'done';

/** The button's own default sentence (`Labels.unavailable`), which it carries without this chunk. */
const UNAVAILABLE = 'unavailable';

/**
 * The shopper's sentence and, for a failure that is the merchant's to fix, what fixes it: a button attribute (lower
 * case) or a proxy setting (upper case). An empty fix: the proxy's problem `detail` already names it.
 */
type Failure = readonly [kind: MessageKind | typeof UNAVAILABLE, fix?: string];

/** Codes that never reach this chunk: without an answer from the proxy, the button speaks for itself. */
export type UnansweredCode = 'network_error' | 'timeout';

const ENDPOINT = 'endpoint';

/** Every code an answer can carry: a code added to the contract does not compile until it is here. */
const failures: Record<Exclude<CheckoutErrorCode, UnansweredCode>, Failure> = {
  upstream_unavailable: [UNAVAILABLE],
  upstream_timeout: [UNAVAILABLE],
  upstream_rate_limited: [UNAVAILABLE],
  proxy_busy: [UNAVAILABLE],
  upstream_bad_response: [UNAVAILABLE],
  internal_error: [UNAVAILABLE, ''],
  rate_limited: [UNAVAILABLE],
  bad_request: [UNAVAILABLE],
  unknown_product: ['gone', 'product, CATALOG_FILE'],
  mixed_currencies: ['setup', ''],
  cart_too_large: ['cart_size', 'items, <checkout-item>'],
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
  idempotency_key_in_use: [UNAVAILABLE],
  // Not answers to a checkout, but in the contract: the widget never sees them.
  metrics_unauthorized: ['setup', ''],
  not_ready: [UNAVAILABLE],
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

const en: Record<MessageKind, string> = {
  gone: 'This product is no longer available.',
  quantity: `You can buy 1 to ${QUANTITY_MAX} of this product.`,
  no_product: 'This button has no product. Please contact the store.',
  cart_size: 'This cart has too many items. Please remove some and try again.',
  currency: 'This currency is not accepted. Please contact the store.',
  amount: 'This amount cannot be paid here. Please contact the store.',
  setup: 'Payment is not set up on this store. Please contact the store.',
  refused: 'The payment could not start. Nothing was charged.',
  session: 'Your session expired. Reload the page and try again.',
  no_method: 'Your account cannot add a payment method yet.',
  done: 'Your payment method is already set up.',
};

const pt: typeof en = {
  gone: 'Este produto não está mais disponível.',
  quantity: `Você pode comprar de 1 a ${QUANTITY_MAX} deste produto.`,
  no_product: 'Este botão não tem produto. Fale com a loja.',
  cart_size: 'Este carrinho tem itens demais. Remova alguns e tente de novo.',
  currency: 'Esta moeda não é aceita. Fale com a loja.',
  amount: 'Este valor não pode ser pago aqui. Fale com a loja.',
  setup: 'O pagamento não está configurado nesta loja. Fale com a loja.',
  refused: 'O pagamento não pôde ser iniciado. Nada foi cobrado.',
  session: 'Sua sessão expirou. Recarregue a página e tente de novo.',
  no_method: 'Sua conta ainda não pode adicionar uma forma de pagamento.',
  done: 'Sua forma de pagamento já está configurada.',
};

const es: typeof en = {
  gone: 'Este producto ya no está disponible.',
  quantity: `Puedes comprar de 1 a ${QUANTITY_MAX} de este producto.`,
  no_product: 'Este botón no tiene producto. Contacta a la tienda.',
  cart_size: 'Este carrito tiene demasiados artículos. Quita algunos e inténtalo de nuevo.',
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

const warned = new Set<string>();

/**
 * The shopper's sentence for a failure the proxy answered, in `language` (a primary subtag; English when not one of
 * the three), or undefined where the button's own "unavailable" sentence says it (also for codes a newer proxy may
 * add). When the failure is the merchant's to fix, also tells the merchant's developer in the console what fixes it,
 * once per cause per page: the shopper's message stays short, and a page with many buttons does not repeat itself.
 */
export function explainFailure(language: string, code: string, problem?: Problem): string | undefined {
  // The last segment of the first field named: `items[0].quantity` → `quantity`.
  const field = problem?.errors?.[0]?.field.split('.').pop() ?? '';
  const [kind, fix] =
    code === 'validation_error'
      ? Object.hasOwn(validationFailures, field)
        ? validationFailures[field]!
        : (['setup', field] as const)
      : Object.hasOwn(failures, code)
        ? failures[code as keyof typeof failures]
        : ([UNAVAILABLE] as const);
  if (fix !== undefined && !warned.has(code + field)) {
    warned.add(code + field);
    console.warn(`<checkout-button> ${code}: ${fix && `check ${fix}. `}${problem?.detail ?? ''}`);
  }
  return kind === UNAVAILABLE ? undefined : (byLanguage.get(language) ?? en)[kind];
}
