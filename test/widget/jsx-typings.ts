// Compiled by `npm run typecheck` (after the build), never run: what a JSX user of the published package sees. It
// imports the package by its own name, so the types checked are dist/'s .d.ts files, as npm ships them.
import type { CheckoutElementsJSX } from 'checkout-button';

type Elements = keyof CheckoutElementsJSX;

export const everyElement: Record<Elements, true> = {
  'checkout-button': true,
  'checkout-item': true,
  'checkout-price': true,
};

export const price: CheckoutElementsJSX['checkout-price'] = {
  product: 'SKU-TSHIRT-BLACK-M',
  quantity: 2,
  endpoint: 'https://pay.example',
  class: 'price',
};

// @ts-expect-error A misspelt attribute is an error, as for the button.
export const misspelt: CheckoutElementsJSX['checkout-price'] = { prodcut: 'SKU-TSHIRT-BLACK-M' };

/** React 18 and other runtimes that read the global namespace get it without a line of setup. */
export const inGlobalJsx: JSX.IntrinsicElements['checkout-price'] = { product: 'SKU-TSHIRT-BLACK-M' };
