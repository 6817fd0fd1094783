import { CHECKOUT_BUTTON_TAG, CheckoutButton } from './checkout-button.js';
import { CHECKOUT_ITEM_TAG, CheckoutItem } from './checkout-item.js';
import { CHECKOUT_PRICE_TAG, CheckoutPrice } from './checkout-price.js';

// A page may load this script twice, or two versions of it: the first registration wins.
const define = (tag: string, element: CustomElementConstructor): void => {
  if (!customElements.get(tag)) customElements.define(tag, element);
};
define(CHECKOUT_ITEM_TAG, CheckoutItem);
define(CHECKOUT_BUTTON_TAG, CheckoutButton);
define(CHECKOUT_PRICE_TAG, CheckoutPrice);

export type { CartLine, CheckoutRequest, CheckoutResponse } from '../contract/checkout.js';
export type { Problem, ProblemCode } from '../contract/problems.js';
export type { CheckoutErrorCode, ClientErrorCode } from './api-client.js';
export type { CheckoutErrorDetail, CheckoutStartDetail, CheckoutSuccessDetail } from './events.js';
export type { CheckoutButtonProps, CheckoutElementsJSX, CheckoutItemProps, CheckoutPriceProps } from './jsx.js';
export { CHECKOUT_BUTTON_TAG, CHECKOUT_ITEM_TAG, CHECKOUT_PRICE_TAG, CheckoutButton, CheckoutItem, CheckoutPrice };
