/** The zod schemas that hold requests to the wire contract; the compiler keeps the two identical. */
import { z } from 'zod';
import { type CheckoutRequest, QUANTITY_MAX, REFERENCE_PATTERN } from '../../contract/checkout.js';
import { currencies } from '../../contract/currencies.js';
import { safeCheckoutUrl } from '../../contract/safe-url.js';
import { integer } from '../lib/env.js';

/**
 * Control characters (NUL among them), lone surrogates and the bidirectional embeddings, overrides
 * and isolates: a title with them shows the shopper something other than what it says, on a
 * provider's page that carries the shop's name (U+202E makes "Donation \u202E05.99$" read
 * "Donation $99.50").
 */
const deceptiveCharacters = /[\p{Cc}\p{Cs}\u202A-\u202E\u2066-\u2069]/u;

/** Free text shown on the hosted checkout page. */
const title = z
  .string()
  .trim()
  .min(1)
  .max(255)
  .refine((text) => !deceptiveCharacters.test(text), 'must not contain control or bidirectional-override characters');

const cartLine = z.strictObject({
  product: z.string().min(1).max(255),
  quantity: z.int().min(1).max(QUANTITY_MAX).default(1),
});

/** Fields every checkout may carry for the providers that take them; the route checks the URLs' origins. */
const checkoutDetails = {
  reference: z.string().regex(REFERENCE_PATTERN, 'must be 1 to 200 letters, digits, "-" or "_"').optional(),
  success_url: z
    .string()
    .max(2048)
    .refine((url) => safeCheckoutUrl(url) !== undefined, 'must be an absolute https URL (http only on a loopback host)')
    .transform((url) => safeCheckoutUrl(url)!)
    .optional(),
  cancel_url: z
    .string()
    .max(2048)
    .refine((url) => safeCheckoutUrl(url) !== undefined, 'must be an absolute https URL (http only on a loopback host)')
    .transform((url) => safeCheckoutUrl(url)!)
    .optional(),
};

/** `POST /api/checkout` as JSON: exactly one of `items`, `amount` or `customer_token`. */
export const checkoutRequest = z
  .strictObject({
    // Its size limits are the cart's, told apart by pricing as cart_too_large (see priceCart).
    items: z.array(cartLine).min(1).optional(),
    amount: z.int().min(1).max(Number.MAX_SAFE_INTEGER).optional(),
    currency: z.enum(currencies).optional(),
    title: title.optional(),
    provider: z.string().min(1).max(64).optional(),
    // An empty token is a missing one: verification answers 401 invalid_customer_token, not a 422.
    customer_token: z.string().max(4096).optional(),
    ...checkoutDetails,
  })
  .superRefine((body, context) => {
    const kinds = (['items', 'amount', 'customer_token'] as const).filter((key) => body[key] !== undefined);
    if (kinds.length !== 1) {
      context.addIssue({
        code: 'custom',
        path: [],
        message:
          kinds.length === 0
            ? 'Send one of items (a cart), amount (a value-only link) or customer_token (a payment method set-up).'
            : `Send only one of items, amount or customer_token, not ${kinds.join(' and ')}.`,
      });
    }
    if (body.currency !== undefined && body.amount === undefined) {
      context.addIssue({
        code: 'custom',
        path: ['currency'],
        message: 'currency goes with amount; a cart takes its currency from the catalog.',
      });
    }
    if (body.customer_token !== undefined) {
      for (const field of ['title', 'reference', 'success_url', 'cancel_url'] as const) {
        if (body[field] === undefined) continue;
        context.addIssue({
          code: 'custom',
          path: [field],
          message: `${field} does not apply to a payment method set-up.`,
        });
      }
    }
  });

/** A request once valid: quantities defaulted. */
export type ValidCheckoutRequest = z.output<typeof checkoutRequest>;

/** True only when the two types are identical; a `false` here is a compile error. */
type Same<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
/** Fails to compile when the schema and the contract's `CheckoutRequest` drift apart. */
export const schemaMatchesContract: Same<z.input<typeof checkoutRequest>, CheckoutRequest> = true;

/** `POST /api/checkout` as a plain HTML form, the no-script fallback: one product or one amount. */
export const checkoutForm = z
  .strictObject({
    product: z.string().min(1).max(255).optional(),
    // Plain decimal digits, as a number input sends a whole number: not `0x10`, `1e1` or ` 5`.
    quantity: integer(1, QUANTITY_MAX).optional(),
    amount: integer(1, Number.MAX_SAFE_INTEGER).optional(),
    currency: z.enum(currencies).optional(),
    title: title.optional(),
    provider: z.string().min(1).max(64).optional(),
    ...checkoutDetails,
  })
  .transform(({ product, quantity, ...rest }) =>
    product === undefined ? rest : { ...rest, items: [{ product, quantity }] },
  )
  .pipe(checkoutRequest);
