import { css, type PropertyValues, ReactiveElement } from '@lit/reactive-element';
import { scriptOrigin } from './api-client.js';
import { type CatalogById, loadCatalog } from './catalog-client.js';
import { element } from './dom.js';

export const CHECKOUT_PRICE_TAG = 'checkout-price';

/** Read aloud before the old and the current price, which sighted shoppers tell apart by the strikethrough. */
const wasNow = (lang: string) => (/^pt\b/i.test(lang) ? ['de', 'por'] : ['was', 'now']);

/** The currency's own number of decimals (0 for JPY, 3 for BHD) converts minor units. */
const formatMoney = (minorUnits: number, currency: string, lang: string): string => {
  const options = { style: 'currency', currency } as const;
  let format: Intl.NumberFormat;
  try {
    format = new Intl.NumberFormat(lang || undefined, options);
  } catch {
    // A `lang` that is not a language tag formats for the browser's own language.
    format = new Intl.NumberFormat(undefined, options);
  }
  return format.format(minorUnits / 10 ** format.resolvedOptions().maximumFractionDigits!);
};

/**
 * A product's price from the proxy's catalog, so the page never repeats (and drifts from) the price
 * the shopper is charged. Every `<checkout-price>` for one proxy shares one `GET /api/products`.
 *
 * @summary A catalog price, formatted for the page's language.
 * @tag checkout-price
 *
 * @attr product - The catalog id of the product. A product the catalog lacks shows nothing, and a console warning.
 * @attr quantity - Shows the price of this many. Defaults to 1.
 * @attr endpoint - The proxy's origin. Defaults to the origin this script was loaded from.
 *
 * @csspart price - The price.
 * @csspart compare - The catalog's `compare_price`, the old price, in a `<del>`; present only when it is higher.
 *
 * @cssprop [--checkout-price-color=inherit] - Color of the price.
 * @cssprop [--checkout-price-font-size=inherit] - Font size of the price.
 * @cssprop [--checkout-price-font-weight=inherit] - Font weight of the price.
 * @cssprop [--checkout-price-compare-color=inherit] - Color of the old price.
 * @cssprop [--checkout-price-gap=0.5em] - Space between the old and the current price.
 */
export class CheckoutPrice extends ReactiveElement {
  static override styles = css`
    :host([hidden]) {
      display: none;
    }
    [part='price'] {
      color: var(--checkout-price-color, inherit);
      font-size: var(--checkout-price-font-size, inherit);
      font-weight: var(--checkout-price-font-weight, inherit);
    }
    [part='compare'] {
      color: var(--checkout-price-compare-color, inherit);
      margin-inline-end: var(--checkout-price-gap, 0.5em);
    }
    .spoken {
      position: absolute;
      inline-size: 1px;
      block-size: 1px;
      overflow: hidden;
      clip-path: inset(50%);
      white-space: nowrap;
    }
  `;

  static override properties = {
    product: {},
    quantity: { type: Number },
    endpoint: {},
    catalog: { state: true },
  };

  /** The catalog id of the product. */
  declare product: string;
  /** Shows the price of this many. */
  declare quantity: number;
  /** The proxy's origin (or origin and path prefix). */
  declare endpoint: string;
  declare private catalog: CatalogById;
  /** The product last warned about, so a missing product is reported once. */
  private warned?: string;

  constructor() {
    super();
    this.product = '';
    this.quantity = 1;
    this.endpoint = scriptOrigin;
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (!changed.has('endpoint')) return;
    const endpoint = this.endpoint;
    this.catalog = undefined;
    loadCatalog(endpoint).then((catalog) => {
      if (this.endpoint === endpoint) this.catalog = catalog;
    });
  }

  protected override update(changed: PropertyValues<this>): void {
    super.update(changed);
    // Built anew each time: nothing in it holds focus or a selection.
    this.renderRoot.replaceChildren(...this.priceNodes());
  }

  private priceNodes(): Node[] {
    const product = this.catalog?.get(this.product);
    if (!product) return [];
    const lang = this.closest('[lang]')?.getAttribute('lang') ?? '';
    const money = (minorUnits: number) => formatMoney(minorUnits * this.quantity, product.currency, lang);
    const price = element('span', { part: 'price' }, money(product.price));
    if (!(product.compare_price! > product.price)) return [price];
    const [was, now] = wasNow(lang);
    price.prepend(element('span', { class: 'spoken' }, `${now} `));
    return [
      element(
        'del',
        { part: 'compare' },
        element('span', { class: 'spoken' }, `${was} `),
        money(product.compare_price!),
      ),
      price,
    ];
  }

  protected override updated(): void {
    if (!this.catalog || this.catalog.has(this.product) || this.warned === this.product) return;
    this.warned = this.product;
    console.warn(`checkout-price: the catalog at ${this.endpoint} has no product "${this.product}".`);
  }
}

declare global {
  interface HTMLElementTagNameMap {
    [CHECKOUT_PRICE_TAG]: CheckoutPrice;
  }
}
