/**
 * The words the button carries in its first download: its label, the link that can take its place, and the two
 * sentences it must be able to say without the proxy's help. Every other message comes after a failure
 * (`failure-message.ts`).
 */
export interface Labels {
  /** The button's label when the page slots none. */
  label: string;
  /** The link that takes the button's place when the frame may not open the checkout page itself. */
  link: string;
  /** No answer from the proxy: its messages could not be fetched either. */
  offline: string;
  /** The default sentence: for a timeout, a failure that is nobody's to fix, or when the messages cannot be fetched. */
  unavailable: string;
}

const en: Labels = {
  label: 'Buy now',
  link: 'Continue to payment',
  offline: 'Could not reach the payment service. Check your connection.',
  unavailable: 'Payment is unavailable right now. Please try again soon.',
};

const pt: Labels = {
  label: 'Comprar agora',
  link: 'Continuar para o pagamento',
  offline: 'Sem conexão com o serviço de pagamento. Verifique sua internet.',
  unavailable: 'O pagamento está indisponível agora. Tente de novo em breve.',
};

const es: Labels = {
  label: 'Comprar ahora',
  link: 'Continuar al pago',
  offline: 'Sin conexión con el servicio de pago. Revisa tu internet.',
  unavailable: 'El pago no está disponible ahora. Inténtalo de nuevo pronto.',
};

const byLanguage = new Map(Object.entries({ en, pt, es }));

/** The primary subtag of the nearest `lang` around `element`, lower case: `pt` for `pt-BR`; empty when none. */
export const languageOf = (element: Element): string =>
  (element.closest('[lang]')?.getAttribute('lang') ?? '').split('-')[0]!.toLowerCase();

/** The labels in the element's language, English when it is not one of the three. */
export const labelsFor = (element: Element): Labels => byLanguage.get(languageOf(element)) ?? en;
