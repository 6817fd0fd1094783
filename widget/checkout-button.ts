import { type PropertyValues, ReactiveElement } from '@lit/reactive-element';
import type { CartLine, CheckoutRequest } from '../contract/checkout.js';
import { postCheckout, scriptOrigin, warmCheckout } from './api-client.js';
import { CHECKOUT_ITEM_TAG } from './checkout-item.js';
import { element, setAttribute } from './dom.js';
import type { CheckoutEventDetails, CheckoutEventMap } from './events.js';
import { failureMessage } from './failure-message.js';
import { labelsFor } from './labels.js';
import { checkoutButtonStyles } from './styles.js';

export const CHECKOUT_BUTTON_TAG = 'checkout-button';

/**
 * A Buy button. On click it posts the cart to the checkout proxy and sends the shopper to the
 * hosted checkout page that comes back. While a request is in flight it reports `loading` (the
 * property, and the `loading` attribute for CSS); markup cannot set it.
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
 * @attr target - `_top` (default) opens the checkout page in the top-level page, also from inside a frame;
 *   `_self` in this frame; `_blank` in a new tab.
 * @attr timeout - Milliseconds to wait for the proxy before giving up. Defaults to 20000.
 * @attr disabled - Makes the button inert.
 * @attr aria-label - Names the button for assistive technology, when the label alone does not.
 *
 * @fires {CustomEvent<CheckoutStartDetail>} checkout-start - Before the request; cancel it to send nothing.
 * @fires {CustomEvent<CheckoutSuccessDetail>} checkout-success - A checkout page was created; cancel it to stay on the page.
 * @fires {CustomEvent<CheckoutErrorDetail>} checkout-error - The request failed; the message is shown under the button.
 *
 * @slot - The label. Defaults to "Buy now" ("Comprar agora" under `lang="pt-BR"`). `<checkout-item>` children form the cart.
 *
 * @csspart button - The native button, or the "Continue to payment" link that takes its place in a frame that may
 *   not open the checkout page itself.
 * @csspart link - That link.
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
 * @cssprop [--checkout-button-error-color=#b91c1c] - Color of the failure message (text and border).
 * @cssprop [--checkout-button-error-background=#fef2f2] - Background of the failure message, which lies over what follows the button.
 */
export class CheckoutButton extends ReactiveElement {
  static override shadowRootOptions = { ...ReactiveElement.shadowRootOptions, delegatesFocus: true };
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
    items: { attribute: false },
    ariaLabel: { attribute: 'aria-label', reflect: true },
    busy: { attribute: false },
    errorText: { attribute: false },
    pendingUrl: { attribute: false },
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
  /** Where the checkout page opens: the top-level page (also from a frame), this frame, or a new tab. */
  declare target: '_top' | '_self' | '_blank';
  /** Milliseconds to wait for the proxy, retry included. */
  declare timeout: number;
  /** Makes the button inert. */
  declare disabled: boolean;
  /** The cart, for single-page apps; wins over `product` and `<checkout-item>` children. */
  declare items?: CartLine[];
  /** Names the inner button: assistive technology reads the host's `aria-label` there. */
  declare ariaLabel: string | null;
  declare private busy: boolean;
  declare private errorText: string;
  /** A checkout page this frame could not open by itself: the link's `href`, waiting for the shopper's next click. */
  declare private pendingUrl: string;

  // The shadow DOM, built once: `update()` changes what the state decides, and the button keeps its focus.
  private readonly labelSlot = element('slot');
  private readonly defaultLabel = new Text();
  private readonly spinner = element('span', { part: 'spinner', 'aria-hidden': 'true' });
  private readonly button = element(
    'button',
    { part: 'button', type: 'button', 'aria-describedby': 'error' },
    this.labelSlot,
    this.defaultLabel,
  );
  private readonly link = element('a', { part: 'button link', target: '_top' });
  private readonly error = element('div', { id: 'error', part: 'error', role: 'alert' });

  constructor() {
    super();
    this.quantity = 1;
    this.endpoint = scriptOrigin;
    this.target = '_top';
    this.timeout = 20_000;
    this.disabled = false;
    this.busy = false;
    this.errorText = '';
    this.pendingUrl = '';
    this.button.addEventListener('click', () => this.checkout());
    // A pointer on the button, or focus, comes a moment before most clicks: enough to ready the way to the checkout.
    for (const intent of ['pointerenter', 'focusin']) {
      this.addEventListener(intent, () => {
        if (!this.disabled) warmCheckout(this.endpoint);
      });
    }
    this.link.addEventListener('click', (event) => this.followPendingUrl(event));
    this.labelSlot.addEventListener('slotchange', () => this.requestUpdate());
  }

  /** True while a request is in flight, until the page is left. Set by the element only. */
  get loading(): boolean {
    return this.busy;
  }

  /** Does what the shopper's click does: on the button, or on the link that took its place. */
  override click(): void {
    this.renderRoot.querySelector<HTMLElement>('[part~=button]')?.click();
  }

  /** Does what a click does: posts the cart and, on success, sends the shopper to the checkout page. */
  async checkout(): Promise<void> {
    if (this.disabled || this.busy) return;
    this.errorText = '';
    this.pendingUrl = '';
    const request = this.buildRequest();
    if (!this.emit('checkout-start', { request }, true)) return;
    // Opened now, inside the click, because popup blockers refuse windows opened after an await.
    const popup = this.target === '_blank' ? openTab() : null;
    this.busy = true;
    const outcome = await postCheckout(this.endpoint, request, this.timeout);
    if (outcome.ok) {
      const { url, provider } = outcome.response;
      if (this.emit('checkout-success', { url, provider }, true)) {
        if (popup) {
          this.openIn(popup, url);
          this.busy = false;
        } else {
          // Busy until the page is left, and not busy if the shopper comes back to it from the cache.
          addEventListener('pagehide', () => (this.busy = false), { once: true });
          this.leaveFor(url);
        }
        return;
      }
    }
    popup?.close();
    if (outcome.ok) {
      this.busy = false;
      return;
    }
    const { status, code, problem } = outcome;
    // Busy until the message is known: a second click meanwhile would start a checkout this message then overwrites.
    const message = await failureMessage(this, code, problem);
    this.busy = false;
    this.errorText = message;
    this.emit('checkout-error', { status, code, message, ...(problem && { problem }) });
  }

  /**
   * Sends the shopper to the checkout page. From a frame, `_top` leaves the frame, since checkout pages refuse to
   * be framed. A frame may not navigate the top page when its sandbox forbids it or the click's user activation
   * has expired (Safari keeps it for one second): then a new tab, and where that is blocked too, a link for the
   * shopper's next click, which brings a fresh activation.
   */
  private leaveFor(url: string): void {
    if (this.target === '_self' || window.top === window) {
      location.assign(url);
      return;
    }
    // Without activation both would be refused, the new tab with a "pop-up blocked" bar.
    if (navigator.userActivation?.isActive !== false) {
      try {
        window.top!.location.href = url;
        return;
      } catch {
        // A SecurityError: this frame may not navigate the top page.
      }
      const tab = openTab();
      if (tab) {
        this.openIn(tab, url);
        this.busy = false;
        return;
      }
    }
    if (this.matches(':focus-within')) this.updateComplete.then(() => this.focus());
    this.pendingUrl = url;
    this.busy = false;
  }

  /**
   * Sends a window this page opened to the checkout page, which gets no handle on this page. In that order: a
   * sandboxed frame may navigate a window only while it is that window's opener.
   */
  private openIn(tab: Window, url: string): void {
    tab.location = url;
    tab.opener = null;
  }

  private followPendingUrl(event: Event): void {
    event.preventDefault();
    this.leaveFor(this.pendingUrl);
  }

  protected override updated(changed: PropertyValues): void {
    super.updated(changed);
    this.toggleAttribute('loading', this.busy);
  }

  protected override createRenderRoot() {
    const root = super.createRenderRoot();
    root.append(this.button, this.error);
    return root;
  }

  protected override update(changed: PropertyValues): void {
    super.update(changed);
    const { button, link } = this;
    const labels = labelsFor(this);
    button.disabled = this.disabled;
    setAttribute(button, 'aria-label', this.ariaLabel);
    setAttribute(button, 'aria-busy', this.busy && 'true');
    if (this.busy) button.prepend(this.spinner);
    else this.spinner.remove();
    this.defaultLabel.data = this.hasLabel() ? '' : labels.label;
    link.href = this.pendingUrl;
    link.textContent = labels.link;
    if (this.pendingUrl) button.replaceWith(link);
    else link.replaceWith(button);
    this.error.textContent = this.errorText;
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

/** A blank new tab, or null where this page may not open one: browsers return null, or Firefox throws in a sandbox. */
function openTab(): Window | null {
  try {
    return window.open('', '_blank');
  } catch {
    return null;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    [CHECKOUT_BUTTON_TAG]: CheckoutButton;
  }
  interface GlobalEventHandlersEventMap extends CheckoutEventMap {}
}
