import type { ProductsResponse, PublicProduct } from '../contract/checkout.js';

/** The catalog by product id, or undefined when it could not be loaded. */
export type CatalogById = ReadonlyMap<string, PublicProduct> | undefined;

const catalogs = new Map<string, Promise<CatalogById>>();

/**
 * `GET {endpoint}/api/products`, once per endpoint for the page's lifetime: every price element on
 * the page shares the one request, and a failure is reported once, not once per element.
 */
export const loadCatalog = (endpoint: string): Promise<CatalogById> => {
  const base = endpoint.replace(/\/+$/, '');
  let catalog = catalogs.get(base);
  if (!catalog) {
    catalog = fetch(`${base}/api/products`, { credentials: 'omit' })
      .then((response) => {
        if (!response.ok) throw response.status;
        return response.json() as Promise<ProductsResponse>;
      })
      .then(
        ({ products }) => new Map(products.map((product) => [product.id, product])),
        (reason: unknown) => {
          console.warn(
            `checkout-price: could not load ${base}/api/products (${reason}). Is this page's origin in the proxy's ALLOWED_ORIGINS?`,
          );
          return undefined;
        },
      );
    catalogs.set(base, catalog);
  }
  return catalog;
};
