import { html, LitElement, nothing } from 'lit';
import type { CartLine, CheckoutRequest } from '../contract/checkout.js';
import { postCheckout, scriptOrigin } from './api-client.js';
import { CHECKOUT_ITEM_TAG } from './checkout-item.js';
import type { CheckoutEventDetails, CheckoutEventMap } from './events.js';
import { errorMessage, messagesFor } from './messages.js';
import { checkoutButtonStyles } from './styles.js';

export const CHECKOUT_BUTTON_TAG = 'checkout-button';

/**
 * A Buy button. On click it posts the cart to the checkout proxy and sends the shopper to the
 * hosted checkout page that comes back.
 *
 * @summary A Buy button that sends the shopper to a hosted checkout page.
 * @tag checkout-button
 *
 * @attr product - The catalog id of a single product to buy.
 * @attr quantity - How many of `product`, 1 to 99. Defaults to 1.
 * @attr amount - A value-only link: the amount in minor units (cents), with `currency`.
 * @attr currency - The ISO 4217 currency of `amount`, such as `BRL`.
 * @attr provider - The payment provider, when the proxy has several (`pagou`, `lago`, `sandbox`).
 * @attr customer-token - Lago: the signed customer token from the merchant's backend.
 * @attr reference - The merchant's order or cart id (1–200 letters, digits, `-`, `_`), for providers that take one (Stripe).
 * @attr success-url - Where the shopper lands after paying; its origin must be allowed by the proxy.
 * @attr cancel-url - Where the shopper lands after giving up; its origin must be allowed by the proxy.
 * @attr endpoint - The proxy's origin. Defaults to the origin this script was loaded from.
 * @attr target - `_self` (default) opens the checkout page in this tab, `_blank` in a new one.
 * @attr timeout - Milliseconds to wait for the proxy before giving up. Defaults to 20000.
 * @attr disabled - Makes the button inert.
 * @attr loading - Present while a request is in flight (read-only).
 *
 * @fires {CustomEvent<CheckoutStartDetail>} checkout-start - Before the request; cancel it to send nothing.
 * @fires {CustomEvent<CheckoutSuccessDetail>} checkout-success - A checkout page was created; cancel it to stay on the page.
 * @fires {CustomEvent<CheckoutErrorDetail>} checkout-error - The request failed; the message is shown under the button.
 *
 * @slot - The label. Defaults to "Buy now" ("Comprar agora" under `lang="pt-BR"`). `<checkout-item>` children form the cart.
 *
 * @csspart button - The native button.
 * @csspart spinner - The busy indicator, present while loading.
 * @csspart error - The live region that shows the failure message.
 *
 * @cssprop [--checkout-button-background=#1f2937] - Button background.
 * @cssprop [--checkout-button-hover-background=background mixed with 15% of color] - Background on hover.
 * @cssprop [--checkout-button-color=#fff] - Label color.
 * @cssprop [--checkout-button-border=1px solid transparent] - Button border.
 * @cssprop [--checkout-button-radius=0.375em] - Corner radius.
 * @cssprop [--checkout-button-padding=0.75em 1.5em] - Inner spacing.
 * @cssprop [--checkout-button-font-family=inherit] - Label font family.
 * @cssprop [--checkout-button-font-size=1em] - Label font size.
 * @cssprop [--checkout-button-font-weight=600] - Label font weight.
 * @cssprop [--checkout-button-focus-ring=2px solid #2563eb] - The keyboard focus outline.
 * @cssprop [--checkout-button-error-color=#b91c1c] - Color of the failure message.
 */
export class CheckoutButton extends LitElement {
  static override shadowRootOptions = { ...LitElement.shadowRootOptions, delegatesFocus: true };
  static override styles = checkoutButtonStyles;
  static override properties = {
    product: {},
    quantity: { type: Number },
    amount: { type: Number },
    currency: {},
    provider: {},
    customerToken: { attribute: 'customer-token' },
    reference: {},
    successUrl: { attribute: 'success-url' },
    cancelUrl: { attribute: 'cancel-url' },
    endpoint: {},
    target: {},
    timeout: { type: Number },
    disabled: { type: Boolean, reflect: true },
    loading: { type: Boolean, reflect: true },
    items: { attribute: false },
    errorText: { attribute: false },
  };

  /** The catalog id of a single product to buy. */
  declare product?: string;
  /** How many of `product`. */
  declare quantity: number;
  /** A value-only link: the amount in minor units, with `currency`. */
  declare amount?: number;
  /** The ISO 4217 currency of `amount`. */
  declare currency?: string;
  /** The payment provider, when the proxy has several. */
  declare provider?: string;
  /** Lago: the signed customer token from the merchant's backend. */
  declare customerToken?: string;
  /** The merchant's order or cart id, for providers that take one. */
  declare reference?: string;
  /** Where the shopper lands after paying. */
  declare successUrl?: string;
  /** Where the shopper lands after giving up. */
  declare cancelUrl?: string;
  /** The proxy's origin (or origin and path prefix). */
  declare endpoint: string;
  /** Where the checkout page opens: this tab or a new one. */
  declare target: '_self' | '_blank';
  /** Milliseconds to wait for the proxy. */
  declare timeout: number;
  /** Makes the button inert. */
  declare disabled: boolean;
  /** True while a request is in flight; set by the element. */
  declare loading: boolean;
  /** The cart, for single-page apps; wins over `product` and `<checkout-item>` children. */
  declare items?: CartLine[];
  declare private errorText: string;

  constructor() {
    super();
    this.quantity = 1;
    this.endpoint = scriptOrigin;
    this.target = '_self';
    this.timeout = 20_000;
    this.disabled = false;
    this.loading = false;
    this.errorText = '';
  }

  /** Does what a click does: posts the cart and, on success, sends the shopper to the checkout page. */
  async checkout(): Promise<void> {
    if (this.disabled || this.loading) return;
    this.errorText = '';
    const request = this.buildRequest();
    if (!this.emit('checkout-start', { request }, true)) return;
    // Opened now, inside the click, because popup blockers refuse windows opened after an await.
    const popup = this.target === '_blank' ? window.open('', '_blank') : null;
    if (popup) popup.opener = null;
    this.loading = true;
    const outcome = await postCheckout(this.endpoint, request, this.timeout);
    if (outcome.ok) {
      const { url, provider } = outcome.response;
      if (this.emit('checkout-success', { url, provider }, true)) {
        if (popup) {
          popup.location = url;
          this.loading = false;
        } else {
          // Busy until the page is left, and not busy if the shopper comes back to it from the cache.
          addEventListener('pagehide', () => (this.loading = false), { once: true });
          this.redirect(url);
        }
        return;
      }
    }
    popup?.close();
    this.loading = false;
    if (!outcome.ok) {
      const message = errorMessage(messagesFor(this), outcome.code);
      this.errorText = message;
      const { status, code, problem } = outcome;
      this.emit('checkout-error', { status, code, message, ...(problem && { problem }) });
    }
  }

  /** Sends this tab to the checkout page: the default action of `checkout-success` without a new window. */
  redirect(url: string): void {
    location.assign(url);
  }

  protected override render() {
    return html`
      <button
        part="button"
        type="button"
        ?disabled=${this.disabled}
        aria-busy=${this.loading ? 'true' : nothing}
        aria-describedby="error"
        @click=${this.checkout}
      >
        ${this.loading ? html`<span part="spinner" aria-hidden="true"></span>` : nothing}
        <slot @slotchange=${() => this.requestUpdate()}></slot>${this.hasLabel() ? nothing : messagesFor(this).label}
      </button>
      <div id="error" part="error" role="alert">${this.errorText || nothing}</div>
    `;
  }

  /** Whether the page slotted a label; `<checkout-item>` children and whitespace are not one. */
  private hasLabel(): boolean {
    return [...this.childNodes].some((node) =>
      node instanceof Element ? node.localName !== CHECKOUT_ITEM_TAG : node instanceof Text && node.data.trim() !== '',
    );
  }

  private buildRequest(): CheckoutRequest {
    const children = [...this.querySelectorAll(CHECKOUT_ITEM_TAG)].map((item) => item.line);
    const single = this.product ? [{ product: this.product, quantity: this.quantity }] : undefined;
    const items = this.items ?? (children.length > 0 ? children : single);
    return {
      ...(items && { items }),
      ...(this.amount !== undefined && { amount: this.amount }),
      ...(this.currency && { currency: this.currency as CheckoutRequest['currency'] }),
      ...(this.provider && { provider: this.provider }),
      ...(this.reference && { reference: this.reference }),
      ...(this.successUrl && { success_url: this.successUrl }),
      ...(this.cancelUrl && { cancel_url: this.cancelUrl }),
      // Sent even when empty: the proxy answers a missing token with invalid_customer_token.
      ...(this.customerToken !== undefined && { customer_token: this.customerToken }),
    };
  }

  private emit<T extends keyof CheckoutEventDetails>(
    type: T,
    detail: CheckoutEventDetails[T],
    cancelable = false,
  ): boolean {
    const event = new CustomEvent(type, { detail, bubbles: true, composed: true, cancelable });
    return this.dispatchEvent(event);
  }
}

declare global {
  interface HTMLElementTagNameMap {
    [CHECKOUT_BUTTON_TAG]: CheckoutButton;
  }
  interface GlobalEventHandlersEventMap extends CheckoutEventMap {}
}
