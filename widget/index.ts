import { CHECKOUT_BUTTON_TAG, CheckoutButton } from './checkout-button.js';
import { CHECKOUT_ITEM_TAG, CheckoutItem } from './checkout-item.js';

// A page may load this script twice, or two versions of it: the first registration wins.
const define = (tag: string, element: CustomElementConstructor): void => {
  if (!customElements.get(tag)) customElements.define(tag, element);
};
define(CHECKOUT_ITEM_TAG, CheckoutItem);
define(CHECKOUT_BUTTON_TAG, CheckoutButton);

export { CHECKOUT_BUTTON_TAG, CheckoutButton, CHECKOUT_ITEM_TAG, CheckoutItem };
export type { CheckoutErrorCode, ClientErrorCode } from './api-client.js';
export type { CheckoutErrorDetail, CheckoutStartDetail, CheckoutSuccessDetail } from './events.js';
export type { CheckoutButtonProps, CheckoutElementsJSX, CheckoutItemProps } from './jsx.js';
export type { CartLine, CheckoutRequest, CheckoutResponse } from '../server/schemas.js';
export type { Problem, ProblemCode } from '../server/problems.js';
