import { setImmediate as nextTurn } from 'node:timers/promises';
import { Router } from 'express';
import type { PublicProduct } from '../../../contract/checkout.js';
import type { Catalog } from '../../checkout/catalog.js';
import { prepareLargeBody, sendPrepared } from '../prepared-body.js';

/** Products serialised per event-loop turn while the answer is prepared: a few milliseconds' work. */
const PRODUCTS_PER_TURN = 1_000;

/**
 * `GET /api/products`: the catalog's public fields, for showing prices on a storefront. The catalog
 * is fixed for the process's life, so the body is serialised, compressed and hashed once; a browser
 * whose copy is older than `max-age` revalidates it and gets a bodiless 304 while the catalog is
 * unchanged. The answer is prepared after start-up, a slice at a time, so a big catalog delays no
 * checkout; a request that comes before it is ready waits for it.
 */
export function productRoutes(catalog: Catalog): Router {
  const router = Router();
  const body = prepareLargeBody(productsJson(catalog.publicProducts));
  router.get('/api/products', async (req, res) => {
    const prepared = await body;
    res.set({ 'content-type': 'application/json; charset=utf-8', 'cache-control': 'public, max-age=60' });
    sendPrepared(req, res, prepared);
  });
  return router;
}

/** `{"products":[…]}` as bytes, a slice per event-loop turn: never one large string on the heap. */
async function* productsJson(products: readonly PublicProduct[]): AsyncGenerator<Buffer> {
  yield Buffer.from('{"products":[');
  for (let start = 0; start < products.length; start += PRODUCTS_PER_TURN) {
    await nextTurn();
    const slice = JSON.stringify(products.slice(start, start + PRODUCTS_PER_TURN)).slice(1, -1);
    yield Buffer.from(start === 0 ? slice : `,${slice}`);
  }
  yield Buffer.from(']}');
}
