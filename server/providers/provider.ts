import type { Router } from 'express';
import type { Logger } from '../logger.js';
import type { Currency } from '../currencies.js';

/**
 * A checkout priced from the catalog, in the shape of Pagou's `POST /v2/checkout-links` body:
 * exactly one of `products` or `amount`. Every provider that takes payments receives this.
 */
export type PricedCheckout =
  | { products: PricedProduct[]; title?: string; amount?: never; currency?: never }
  | { amount: number; currency: Currency; title?: string; products?: never };

export interface PricedProduct {
  external_id: string;
  name: string;
  price: number;
  quantity: number;
  currency: Currency;
  type?: 'physical' | 'digital';
  description?: string;
  image_url?: string;
  compare_price?: number;
}

export interface LinkContext {
  /** The proxy's origin as the browser sees it, for links to pages the proxy serves itself. */
  publicOrigin: string;
  /** Request-scoped logger (carries the request id). */
  log: Logger;
}

/**
 * One payment provider. It implements the kinds of link it can make; the routes pick a provider
 * by what it implements, so adding one touches nothing but its module and its registration.
 * Methods return the hosted page URL or throw a ProblemError.
 */
export interface Provider {
  readonly name: string;
  /** Pages the provider serves itself, mounted under `/{name}`. */
  readonly pages?: Router;
  /** A hosted checkout page for a priced cart or a value-only amount. */
  createCheckoutLink?(checkout: PricedCheckout, context: LinkContext): Promise<string>;
  /** A page where the customer sets up a payment method; `customerId` comes from a verified token. */
  createSetupLink?(customerId: string, context: LinkContext): Promise<string>;
}
