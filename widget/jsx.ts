import type { CartLine } from '../contract/checkout.js';
import type { CheckoutErrorDetail, CheckoutStartDetail, CheckoutSuccessDetail } from './events.js';

/** What every JSX runtime lets a page put on any element. */
interface CommonProps {
  children?: unknown;
  class?: string;
  className?: string;
  id?: string;
  lang?: string;
  slot?: string;
  hidden?: boolean;
  style?: unknown;
  key?: string | number;
  ref?: unknown;
}

export interface CheckoutButtonProps extends CommonProps {
  product?: string;
  quantity?: number | string;
  amount?: number | string;
  currency?: string;
  provider?: string;
  'customer-token'?: string;
  customerToken?: string;
  reference?: string;
  'success-url'?: string;
  successUrl?: string;
  'cancel-url'?: string;
  cancelUrl?: string;
  endpoint?: string;
  target?: '_top' | '_self' | '_blank';
  'aria-label'?: string;
  timeout?: number | string;
  disabled?: boolean;
  /** Runtimes that set properties on custom elements (React 19, Preact) pass the cart as is. */
  items?: CartLine[];
  'oncheckout-start'?: (event: CustomEvent<CheckoutStartDetail>) => void;
  'oncheckout-success'?: (event: CustomEvent<CheckoutSuccessDetail>) => void;
  'oncheckout-error'?: (event: CustomEvent<CheckoutErrorDetail>) => void;
}

export interface CheckoutItemProps extends CommonProps {
  product?: string;
  quantity?: number | string;
}

export interface CheckoutPriceProps extends CommonProps {
  product?: string;
  quantity?: number | string;
  endpoint?: string;
}

/**
 * The elements' JSX typings. They join the global `JSX` namespace here (React 18 and other
 * runtimes that read it); runtimes with a module-scoped namespace (React 19, Preact) extend their
 * own `IntrinsicElements` with this interface in one line, as the README shows.
 */
export interface CheckoutElementsJSX {
  'checkout-button': CheckoutButtonProps;
  'checkout-item': CheckoutItemProps;
  'checkout-price': CheckoutPriceProps;
}

declare global {
  namespace JSX {
    interface IntrinsicElements extends CheckoutElementsJSX {}
  }
}
