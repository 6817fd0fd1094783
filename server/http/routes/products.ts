import { Router } from 'express';
import type { ProductsResponse } from '../../../contract/checkout.js';
import type { Catalog } from '../../checkout/catalog.js';

/** `GET /api/products`: the catalog's public fields, for showing prices on a storefront. */
export function productRoutes(catalog: Catalog): Router {
  const router = Router();
  const body: ProductsResponse = { products: [...catalog.publicProducts] };
  router.get('/api/products', (_req, res) => {
    res.set('cache-control', 'public, max-age=60').json(body);
  });
  return router;
}
