import type { CheckoutRequest } from '../contract/checkout.js';
import type { Problem } from '../contract/problems.js';
import type { CheckoutErrorCode } from './api-client.js';

export interface CheckoutStartDetail {
  /** The body about to be posted; listeners may adjust it (add a `title`, say) before it is sent. */
  request: CheckoutRequest;
}

export interface CheckoutSuccessDetail {
  /** The hosted checkout page: https, or http on loopback. */
  url: string;
  /** The provider that created the link. */
  provider: string;
}

export interface CheckoutErrorDetail {
  /** The HTTP status, or 0 when no answer arrived (`network_error`, `timeout`). */
  status: number;
  code: CheckoutErrorCode;
  /** The localized sentence shown to the shopper. */
  message: string;
  /** The proxy's problem document, when it sent one: its `detail` is meant for developers. */
  problem?: Problem;
}

/** The events `<checkout-button>` fires, by name, with their `detail`. */
export interface CheckoutEventDetails {
  'checkout-start': CheckoutStartDetail;
  'checkout-success': CheckoutSuccessDetail;
  'checkout-error': CheckoutErrorDetail;
}

/** The same events as DOM events, for `addEventListener` typings. */
export type CheckoutEventMap = { [K in keyof CheckoutEventDetails]: CustomEvent<CheckoutEventDetails[K]> };
