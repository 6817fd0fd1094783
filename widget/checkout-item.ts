import { css, ReactiveElement } from '@lit/reactive-element';
import type { CartLine } from '../contract/checkout.js';

export const CHECKOUT_ITEM_TAG = 'checkout-item';

/**
 * One line of a `<checkout-button>` cart. It renders nothing: the button reads its children when
 * clicked, so lines can be added, removed or changed at any time before that.
 *
 * @summary One cart line (product and quantity) inside a `<checkout-button>`.
 * @tag checkout-item
 *
 * @attr product - The catalog id of the product.
 * @attr quantity - How many of it, 1 to 99. Defaults to 1.
 */
export class CheckoutItem extends ReactiveElement {
  static override styles = css`
    :host {
      display: none;
    }
  `;

  static override properties = {
    product: {},
    quantity: { type: Number },
  };

  /** The catalog id of the product. */
  declare product: string;

  /** How many of the product, 1 to 99. */
  declare quantity: number;

  constructor() {
    super();
    this.product = '';
    this.quantity = 1;
  }

  /** The line as the proxy expects it in `items`. */
  get line(): CartLine {
    return { product: this.product, quantity: this.quantity };
  }
}

declare global {
  interface HTMLElementTagNameMap {
    [CHECKOUT_ITEM_TAG]: CheckoutItem;
  }
}
