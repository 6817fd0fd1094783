import { Router } from 'express';
import type { Catalog } from '../catalog.js';
import type { ProductsResponse } from '../schemas.js';

/** `GET /api/products`: the catalog's public fields, for showing prices on a storefront. */
export function productRoutes(catalog: Catalog): Router {
  const router = Router();
  const body: ProductsResponse = { products: [...catalog.publicProducts] };
  router.get('/api/products', (_req, res) => {
    res.set('cache-control', 'public, max-age=60').json(body);
  });
  return router;
}
