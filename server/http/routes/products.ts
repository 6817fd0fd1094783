import { Router } from 'express';
import type { ProductsResponse } from '../../../contract/checkout.js';
import type { Catalog } from '../../checkout/catalog.js';
import { prepareBody, sendPrepared } from '../prepared-body.js';

/**
 * `GET /api/products`: the catalog's public fields, for showing prices on a storefront. The catalog
 * is fixed for the process's life, so the body is compressed and hashed once; a browser whose copy
 * is older than `max-age` revalidates it and gets a bodiless 304 while the catalog is unchanged.
 */
export function productRoutes(catalog: Catalog): Router {
  const router = Router();
  const body = prepareBody(JSON.stringify({ products: [...catalog.publicProducts] } satisfies ProductsResponse));
  router.get('/api/products', (req, res) => {
    res.set({ 'content-type': 'application/json; charset=utf-8', 'cache-control': 'public, max-age=60' });
    sendPrepared(req, res, body);
  });
  return router;
}
