import type { ProblemCode } from '../../contract/problems.js';

/** The languages the no-script error page speaks; the first is the fallback. */
export const pageLanguages = ['en', 'pt', 'es'] as const;
export type PageLanguage = (typeof pageLanguages)[number];

/** What a shopper reads, by kind of failure: what happened and what to do, never the proxy's technical detail. */
type Situation = 'setup' | 'product' | 'order' | 'busy' | 'unreadable' | 'service' | 'origin';

interface PageText {
  title: string;
  situations: Record<Situation, string>;
  back: string;
  forOwner: string;
  errorCode: string;
  /** For the store owner: the shop's page hides its origin. */
  hiddenOrigin: string;
  /** For the store owner: the shop's origin (given) is not in ALLOWED_ORIGINS. */
  unlistedOrigin: (origin: string) => string;
}

/** Every code's situation: a code added to the contract does not compile until the page knows how to tell it. */
const situationOf: Record<ProblemCode, Situation> = {
  bad_request: 'unreadable',
  malformed_json: 'unreadable',
  payload_too_large: 'unreadable',
  unsupported_media_type: 'unreadable',
  idempotency_key_invalid: 'unreadable',
  validation_error: 'order',
  invalid_customer_token: 'order',
  nothing_to_set_up: 'order',
  idempotency_key_reused: 'order',
  unknown_product: 'product',
  rate_limited: 'busy',
  idempotency_key_in_use: 'busy',
  origin_not_allowed: 'origin',
  mixed_currencies: 'setup',
  cart_too_large: 'order',
  amount_not_allowed: 'setup',
  amount_out_of_range: 'setup',
  currency_not_allowed: 'setup',
  provider_unavailable: 'setup',
  request_not_supported: 'setup',
  no_payment_provider: 'setup',
  provider_not_supported: 'setup',
  return_url_not_allowed: 'setup',
  currency_not_supported: 'setup',
  amount_not_supported: 'setup',
  customer_not_found: 'setup',
  provider_misconfigured: 'setup',
  upstream_auth_failed: 'setup',
  not_found: 'setup',
  method_not_allowed: 'setup',
  metrics_unauthorized: 'setup',
  internal_error: 'service',
  upstream_rejected: 'service',
  upstream_unavailable: 'service',
  upstream_bad_response: 'service',
  provider_rejected: 'service',
  proxy_busy: 'service',
  upstream_rate_limited: 'service',
  not_ready: 'service',
  upstream_timeout: 'service',
};

export const situationFor = (code: ProblemCode): Situation => situationOf[code];

export const pageText: Record<PageLanguage, PageText> = {
  en: {
    title: 'We could not start the checkout',
    situations: {
      setup: 'Payment is not set up correctly on this store. Nothing was charged. Please let the store know.',
      product: 'This product is not for sale at the moment. Nothing was charged.',
      order: 'Something in the order is not valid, such as the quantity. Go back, check the order and try again.',
      busy: 'There were too many attempts in a short time. Wait a minute and try again.',
      unreadable: 'The order could not be read. Go back and try again.',
      service: 'The payment service is not available right now. Nothing was charged. Try again in a few minutes.',
      origin: 'This store cannot take payments from this page yet. Nothing was charged. Please let the store know.',
    },
    back: 'Back to the shop',
    forOwner: 'For the store owner',
    errorCode: 'Error code',
    hiddenOrigin:
      'Your page tells browsers to hide its address (its referrer policy is "no-referrer"), so the order arrived without the name of your shop and the checkout service refused it: it only accepts orders from shops it knows. Let the page show its address: remove "no-referrer" from the page\'s Referrer-Policy header or <meta name="referrer"> tag, or set it to "strict-origin-when-cross-origin", which is what browsers do by default. A form inside a sandboxed frame is hidden the same way: put the form on the page itself.',
    unlistedOrigin: (origin) =>
      `The checkout service only accepts orders from the shops listed in its ALLOWED_ORIGINS setting, and ${origin} is not one of them. Add ${origin} to ALLOWED_ORIGINS and restart the checkout service.`,
  },
  pt: {
    title: 'Não foi possível iniciar o pagamento',
    situations: {
      setup: 'O pagamento não está configurado corretamente nesta loja. Nada foi cobrado. Avise a loja, por favor.',
      product: 'Este produto não está à venda no momento. Nada foi cobrado.',
      order: 'Algo no pedido não é válido, como a quantidade. Volte, confira o pedido e tente de novo.',
      busy: 'Foram muitas tentativas em pouco tempo. Aguarde um minuto e tente de novo.',
      unreadable: 'Não foi possível ler o pedido. Volte e tente de novo.',
      service: 'O serviço de pagamento não está disponível agora. Nada foi cobrado. Tente de novo em alguns minutos.',
      origin: 'Esta loja ainda não pode receber pagamentos por esta página. Nada foi cobrado. Avise a loja, por favor.',
    },
    back: 'Voltar à loja',
    forOwner: 'Para o lojista',
    errorCode: 'Código do erro',
    hiddenOrigin:
      'A sua página pede ao navegador que esconda o endereço dela (a política de referência é "no-referrer"), então o pedido chegou sem o nome da sua loja e o serviço de pagamento o recusou: ele só aceita pedidos de lojas que conhece. Deixe a página mostrar o endereço: retire "no-referrer" do cabeçalho Referrer-Policy ou da tag <meta name="referrer"> da página, ou use "strict-origin-when-cross-origin", que é o padrão dos navegadores. Um formulário dentro de um frame com sandbox também fica escondido: coloque o formulário na própria página.',
    unlistedOrigin: (origin) =>
      `O serviço de pagamento só aceita pedidos das lojas listadas na configuração ALLOWED_ORIGINS, e ${origin} não está entre elas. Acrescente ${origin} a ALLOWED_ORIGINS e reinicie o serviço de pagamento.`,
  },
  es: {
    title: 'No pudimos iniciar el pago',
    situations: {
      setup: 'El pago no está bien configurado en esta tienda. No se cobró nada. Por favor, avise a la tienda.',
      product: 'Este producto no está a la venta en este momento. No se cobró nada.',
      order: 'Algo del pedido no es válido, como la cantidad. Vuelva, revise el pedido e inténtelo de nuevo.',
      busy: 'Hubo demasiados intentos en poco tiempo. Espere un minuto e inténtelo de nuevo.',
      unreadable: 'No se pudo leer el pedido. Vuelva e inténtelo de nuevo.',
      service: 'El servicio de pago no está disponible ahora. No se cobró nada. Inténtelo de nuevo en unos minutos.',
      origin: 'Esta tienda todavía no puede cobrar desde esta página. No se cobró nada. Por favor, avise a la tienda.',
    },
    back: 'Volver a la tienda',
    forOwner: 'Para el comerciante',
    errorCode: 'Código de error',
    hiddenOrigin:
      'Su página pide al navegador que oculte su dirección (su política de referencia es "no-referrer"), así que el pedido llegó sin el nombre de su tienda y el servicio de pago lo rechazó: solo acepta pedidos de tiendas que conoce. Deje que la página muestre su dirección: quite "no-referrer" del encabezado Referrer-Policy o de la etiqueta <meta name="referrer"> de la página, o use "strict-origin-when-cross-origin", que es lo que hacen los navegadores por defecto. Un formulario dentro de un marco con sandbox también queda oculto: ponga el formulario en la propia página.',
    unlistedOrigin: (origin) =>
      `El servicio de pago solo acepta pedidos de las tiendas de su ajuste ALLOWED_ORIGINS, y ${origin} no es una de ellas. Añada ${origin} a ALLOWED_ORIGINS y reinicie el servicio de pago.`,
  },
};
