/**
 * The checkout proxy's wire contract, declared once for the widget and the server. Plain types and
 * constants only: the server's zod schemas are checked against these at compile time.
 */
import type { Currency } from './currencies.js';

/** The most of one product in one checkout. */
export const QUANTITY_MAX = 99;
/** The most different products in one checkout. */
export const DISTINCT_PRODUCTS_MAX = 25;
/** Lines before merging; generous so a cart that repeats a product is not refused for it. */
export const CART_LINES_MAX = 100;
/** A merchant's order reference: 1 to 200 letters, digits, `-` and `_` (Stripe's `client_reference_id` holds 200). */
export const REFERENCE_PATTERN = /^[A-Za-z0-9_-]{1,200}$/;

/** One line of a cart: a catalog id and how many. Names and prices come from the catalog. */
export interface CartLine {
  product: string;
  /** 1 to {@link QUANTITY_MAX}; defaults to 1. */
  quantity?: number;
}

/** `POST /api/checkout` as JSON: exactly one of `items`, `amount` or `customer_token`. */
export interface CheckoutRequest {
  /** A cart priced from the catalog. */
  items?: CartLine[];
  /** A value-only link, in minor units, within the proxy's configured bounds. */
  amount?: number;
  /** The currency of `amount`. */
  currency?: Currency;
  /** Shown on the hosted checkout page; 1 to 255 characters. */
  title?: string;
  /** The provider, when the proxy runs several. */
  provider?: string;
  /** Lago: the signed customer token from the merchant's backend. */
  customer_token?: string;
  /** The merchant's order or cart id, matching {@link REFERENCE_PATTERN}; Stripe's `client_reference_id`. */
  reference?: string;
  /** Where the shopper lands after paying; its origin must be one allowed to call the proxy. */
  success_url?: string;
  /** Where the shopper lands after giving up; its origin must be one allowed to call the proxy. */
  cancel_url?: string;
}

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
  currency: Currency;
  compare_price?: number;
  description?: string;
  image_url?: string;
  type?: 'physical' | 'digital';
}

export interface ProductsResponse {
  products: PublicProduct[];
}
