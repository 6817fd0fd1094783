import type { Catalog } from './catalog.js';
import type { Config } from './config.js';
import { ProblemError } from './problems.js';
import type { PricedCheckout, PricedProduct } from './providers/provider.js';
import { DISTINCT_PRODUCTS_MAX, QUANTITY_MAX, type ValidCheckoutRequest } from './schemas.js';

type CheckoutRequest = Omit<ValidCheckoutRequest, 'customer_token'>;

/**
 * Turns what the browser named (products and quantities, or an amount) into what a provider
 * charges. Names, prices, currencies and images come from the catalog only.
 */
export function priceCheckout(request: CheckoutRequest, catalog: Catalog, valueOnly: Config['valueOnly']): PricedCheckout {
  const title = request.title === undefined ? {} : { title: request.title };
  if (request.items) return { products: priceCart(request.items, catalog), ...title };

  const amount = request.amount!;
  if (!valueOnly) throw new ProblemError('amount_not_allowed', 'This shop does not accept value-only payments; name a product instead.');
  if (amount < valueOnly.min || amount > valueOnly.max) {
    throw new ProblemError('amount_out_of_range', `The amount must be from ${valueOnly.min} to ${valueOnly.max} (minor units).`, {
      errors: [{ field: 'amount', message: `must be from ${valueOnly.min} to ${valueOnly.max}` }],
    });
  }
  return { amount, currency: request.currency ?? 'BRL', ...title };
}

function priceCart(items: NonNullable<CheckoutRequest['items']>, catalog: Catalog): PricedProduct[] {
  const quantities = new Map<string, number>();
  for (const { product, quantity } of items) quantities.set(product, (quantities.get(product) ?? 0) + quantity);

  const unknown = [...quantities.keys()].filter((id) => !catalog.get(id));
  if (unknown.length > 0) {
    throw new ProblemError('unknown_product', `The catalog has no product ${unknown.map((id) => `"${id}"`).join(', ')}.`, {
      errors: unknown.map((id) => ({ field: `items[${items.findIndex((line) => line.product === id)}].product`, message: `unknown product "${id}"` })),
    });
  }
  if (quantities.size > DISTINCT_PRODUCTS_MAX) {
    throw new ProblemError('validation_error', `A cart holds at most ${DISTINCT_PRODUCTS_MAX} different products.`, {
      errors: [{ field: 'items', message: `${quantities.size} different products; at most ${DISTINCT_PRODUCTS_MAX}` }],
    });
  }
  const tooMany = [...quantities].filter(([, quantity]) => quantity > QUANTITY_MAX);
  if (tooMany.length > 0) {
    throw new ProblemError('validation_error', `At most ${QUANTITY_MAX} of one product per order.`, {
      errors: tooMany.map(([id, quantity]) => ({ field: 'items', message: `"${id}" adds up to ${quantity}; at most ${QUANTITY_MAX}` })),
    });
  }

  const products = [...quantities].map(([id, quantity]): PricedProduct => {
    const { name, price, currency, type, description, image_url, compare_price } = catalog.get(id)!;
    return { external_id: id, name, price, quantity, currency, type, description, image_url, compare_price };
  });
  const currencies = new Set(products.map(({ currency }) => currency));
  if (currencies.size > 1) {
    throw new ProblemError('mixed_currencies', `One checkout takes one currency; this cart mixes ${[...currencies].join(' and ')}.`);
  }
  return products;
}
