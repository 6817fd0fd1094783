import express, { Router } from 'express';
import { SANDBOX_DEMO_AUDIENCE, signCustomerToken } from '../../checkout/customer-token.js';
import type { Config } from '../../config/load-config.js';
import { demoPublicDirectory } from '../../lib/paths.js';

/** The customer the demo's "add a payment method" button acts for. */
const DEMO_CUSTOMER_ID = 'demo-customer';

/**
 * The demo storefront at `/`. In sandbox mode it also hands the page a fresh customer token,
 * standing in for the merchant backend that would mint one for a signed-in customer.
 */
export function demoRoutes(config: Config): Router {
  const router = Router();
  const secret = config.customerTokenSecret;
  if (config.sandbox && secret) {
    router.get('/demo/session.json', async (_req, res) => {
      const customerToken = await signCustomerToken(DEMO_CUSTOMER_ID, {
        secret,
        ttl: '15m',
        audience: SANDBOX_DEMO_AUDIENCE,
      });
      res.set('cache-control', 'no-store').json({ customerId: DEMO_CUSTOMER_ID, customerToken });
    });
  }
  router.use(express.static(demoPublicDirectory, { maxAge: '5m' }));
  return router;
}
