import { CART_LINES_MAX, DISTINCT_PRODUCTS_MAX, QUANTITY_MAX } from '../../contract/checkout.js';
import type { Currency } from '../../contract/currencies.js';
import { ProblemError } from '../lib/problem-error.js';
import type { Catalog } from './catalog.js';

/** A checkout priced from the catalog, in no provider's wire format: each provider maps it to its own. */
export type PricedCheckout = PricedCart | PricedAmount;

/** What any checkout may carry besides its price; each provider passes on what its API takes. */
export interface CheckoutDetails {
  title?: string;
  /** The merchant's order or cart id. */
  reference?: string;
  /** Where the shopper lands after paying: the button's (origin checked) or the configured default. */
  successUrl?: string;
  /** Where the shopper lands after giving up. */
  cancelUrl?: string;
}

/** A cart: catalog products, merged by id, in one currency. */
export interface PricedCart extends CheckoutDetails {
  kind: 'cart';
  currency: Currency;
  lines: PricedLine[];
}

/** A value-only link: an amount the configuration allows. */
export interface PricedAmount extends CheckoutDetails {
  kind: 'amount';
  amount: number;
  currency: Currency;
}

/** One cart line with everything the catalog says about its product. */
export interface PricedLine {
  productId: string;
  name: string;
  /** Minor units, from the catalog. */
  unitPrice: number;
  quantity: number;
  type?: 'physical' | 'digital';
  description?: string;
  imageUrl?: string;
  comparePrice?: number;
}

/** The bounds of a value-only amount, in minor units. */
export interface ValueOnlyBounds {
  min: number;
  max: number;
}

/**
 * The currencies value-only links may be in, each with its own bounds (500 is R$ 5 but US$ 0.03 in
 * IDR). The first is the currency of an amount sent without one.
 */
export type ValueOnlyLimits = ReadonlyMap<Currency, ValueOnlyBounds>;

/** What pricing reads of a valid request: the cart (quantities defaulted) or the amount. */
export interface PricingRequest {
  items?: Array<{ product: string; quantity: number }>;
  amount?: number;
  currency?: Currency;
}

/**
 * Turns what the browser named (products and quantities, or an amount) into what a provider
 * charges. Names, prices, currencies and images come from the catalog only.
 */
export function priceCheckout(
  request: PricingRequest,
  catalog: Catalog,
  valueOnly: ValueOnlyLimits | undefined,
  details: CheckoutDetails = {},
): PricedCheckout {
  if (request.items) return { ...priceCart(request.items, catalog), ...details };

  const amount = request.amount!;
  if (!valueOnly)
    throw new ProblemError(
      'amount_not_allowed',
      'This shop does not accept value-only payments; name a product instead.',
    );
  const allowed = [...valueOnly.keys()];
  const currency = request.currency ?? allowed[0]!;
  const bounds = valueOnly.get(currency);
  if (!bounds) {
    throw new ProblemError(
      'currency_not_allowed',
      `This shop takes value-only payments in ${allowed.join(', ')} only, not ${currency}.`,
      { errors: [{ field: 'currency', message: `must be ${allowed.join(' or ')}` }] },
    );
  }
  if (amount < bounds.min || amount > bounds.max) {
    throw new ProblemError(
      'amount_out_of_range',
      `The amount must be from ${bounds.min} to ${bounds.max} (minor units of ${currency}).`,
      { errors: [{ field: 'amount', message: `must be from ${bounds.min} to ${bounds.max}` }] },
    );
  }
  return { kind: 'amount', amount, currency, ...details };
}

function priceCart(items: NonNullable<PricingRequest['items']>, catalog: Catalog): PricedCart {
  if (items.length > CART_LINES_MAX) throw cartTooLarge(`${items.length} lines; at most ${CART_LINES_MAX}`);
  const quantities = new Map<string, number>();
  for (const { product, quantity } of items) quantities.set(product, (quantities.get(product) ?? 0) + quantity);

  const unknown = [...quantities.keys()].filter((id) => !catalog.get(id));
  if (unknown.length > 0) {
    throw new ProblemError(
      'unknown_product',
      `The catalog has no product ${unknown.map((id) => `"${id}"`).join(', ')}.`,
      {
        errors: unknown.map((id) => ({
          field: `items[${items.findIndex((line) => line.product === id)}].product`,
          message: `unknown product "${id}"`,
        })),
      },
    );
  }
  if (quantities.size > DISTINCT_PRODUCTS_MAX) {
    throw cartTooLarge(`${quantities.size} different products; at most ${DISTINCT_PRODUCTS_MAX}`);
  }
  const tooMany = [...quantities].filter(([, quantity]) => quantity > QUANTITY_MAX);
  if (tooMany.length > 0) {
    throw new ProblemError('validation_error', `At most ${QUANTITY_MAX} of one product per order.`, {
      // Named on the product's first line, as a single line's quantity is, so the shopper reads the same sentence.
      errors: tooMany.map(([id, quantity]) => ({
        field: `items[${items.findIndex((line) => line.product === id)}].quantity`,
        message: `"${id}" adds up to ${quantity}; at most ${QUANTITY_MAX}`,
      })),
    });
  }

  const products = [...quantities].map(([id, quantity]) => ({ product: catalog.get(id)!, quantity }));
  const currencies = new Set(products.map(({ product }) => product.currency));
  if (currencies.size > 1) {
    throw new ProblemError(
      'mixed_currencies',
      `One checkout takes one currency; this cart mixes ${[...currencies].join(' and ')}.`,
    );
  }
  const lines = products.map(
    ({ product, quantity }): PricedLine => ({
      productId: product.id,
      name: product.name,
      unitPrice: product.price,
      quantity,
      type: product.type,
      description: product.description,
      imageUrl: product.image_url,
      comparePrice: product.compare_price,
    }),
  );
  return { kind: 'cart', currency: products[0]!.product.currency, lines };
}

/** The shopper can act on this one (remove products), unlike an empty or malformed cart, so it has a code of its own. */
const cartTooLarge = (message: string) =>
  new ProblemError(
    'cart_too_large',
    `A cart holds at most ${CART_LINES_MAX} lines and ${DISTINCT_PRODUCTS_MAX} different products.`,
    { errors: [{ field: 'items', message }] },
  );
