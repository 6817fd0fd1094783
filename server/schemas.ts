/**
 * The proxy's wire contract, declared once. The widget imports these types with `import type`,
 * so none of this validation code reaches the browser bundle.
 */
import { z } from 'zod';
import { currencies } from './currencies.js';

export const QUANTITY_MAX = 99;
export const DISTINCT_PRODUCTS_MAX = 25;
/** Lines before merging; generous so a cart that repeats a product is not refused for it. */
const CART_LINES_MAX = 100;

const cartLine = z.strictObject({
  product: z.string().min(1).max(255),
  quantity: z.int().min(1).max(QUANTITY_MAX).default(1),
});

/** `POST /api/checkout` as JSON: exactly one of `items`, `amount` or `customer_token`. */
export const checkoutRequest = z
  .strictObject({
    items: z.array(cartLine).min(1).max(CART_LINES_MAX).optional(),
    amount: z.int().min(1).max(Number.MAX_SAFE_INTEGER).optional(),
    currency: z.enum(currencies).optional(),
    title: z.string().trim().min(1).max(255).optional(),
    provider: z.string().min(1).max(64).optional(),
    // An empty token is a missing one: verification answers 401 invalid_customer_token, not a 422.
    customer_token: z.string().max(4096).optional(),
  })
  .superRefine((body, context) => {
    const kinds = (['items', 'amount', 'customer_token'] as const).filter((key) => body[key] !== undefined);
    if (kinds.length !== 1) {
      context.addIssue({
        code: 'custom',
        path: [],
        message: kinds.length === 0
          ? 'Send one of items (a cart), amount (a value-only link) or customer_token (a payment method set-up).'
          : `Send only one of items, amount or customer_token, not ${kinds.join(' and ')}.`,
      });
    }
    if (body.currency !== undefined && body.amount === undefined) {
      context.addIssue({ code: 'custom', path: ['currency'], message: 'currency goes with amount; a cart takes its currency from the catalog.' });
    }
    if (body.title !== undefined && body.customer_token !== undefined) {
      context.addIssue({ code: 'custom', path: ['title'], message: 'title does not apply to a payment method set-up.' });
    }
  });

/** What a browser sends. */
export type CheckoutRequest = z.input<typeof checkoutRequest>;
/** What the proxy works with once the request is valid (quantities defaulted). */
export type ValidCheckoutRequest = z.output<typeof checkoutRequest>;
export type CartLine = z.input<typeof cartLine>;

/** `POST /api/checkout` as a plain HTML form, the no-script fallback: one product or one amount. */
export const checkoutForm = z
  .strictObject({
    product: z.string().min(1).max(255).optional(),
    quantity: z.coerce.number().pipe(z.int().min(1).max(QUANTITY_MAX)).optional(),
    amount: z.coerce.number().pipe(z.int().min(1).max(Number.MAX_SAFE_INTEGER)).optional(),
    currency: z.enum(currencies).optional(),
    title: z.string().trim().min(1).max(255).optional(),
    provider: z.string().min(1).max(64).optional(),
  })
  .transform(({ product, quantity, ...rest }) =>
    product === undefined ? rest : { ...rest, items: [{ product, quantity }] },
  )
  .pipe(checkoutRequest);

export interface CheckoutResponse {
  /** The hosted checkout page to send the shopper to: absolute https (http only on loopback). */
  url: string;
  /** The provider that created the link. */
  provider: string;
}

/** The catalog's public fields, as `GET /api/products` lists them. */
export interface PublicProduct {
  id: string;
  name: string;
  price: number;
  currency: string;
  compare_price?: number;
  description?: string;
  image_url?: string;
  type?: 'physical' | 'digital';
}

export interface ProductsResponse {
  products: PublicProduct[];
}
