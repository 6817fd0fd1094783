import { type Request, type Response, Router } from 'express';
import { formatMoney, pickLocale } from '../../checkout/money.js';
import type { PricedCheckout } from '../../checkout/pricing.js';
import { html, htmlDocument, type SafeHtml } from '../../lib/html.js';
import type { SandboxLink, SandboxLinkStore } from './link-store.js';

const stylesheet = `
:root { color-scheme: light dark; font-family: system-ui, sans-serif; }
body { margin: 0; min-height: 100vh; display: grid; place-items: center; background: Canvas; color: CanvasText; }
main { width: min(32rem, 100% - 2rem); padding: 2rem; border: 1px solid color-mix(in srgb, CanvasText 20%, transparent); border-radius: 12px; }
.badge { display: inline-block; margin: 0 0 1rem; padding: .2rem .6rem; border-radius: 999px; background: #fde68a; color: #713f12; font-size: .85rem; }
table { width: 100%; border-collapse: collapse; margin: 1rem 0; }
th, td { padding: .5rem 0; text-align: left; border-bottom: 1px solid color-mix(in srgb, CanvasText 15%, transparent); }
td:last-child, th:last-child { text-align: right; }
.total { font-size: 1.25rem; font-weight: 600; text-align: right; }
button { width: 100%; padding: .8rem; border: 0; border-radius: 8px; background: #4f46e5; color: #fff; font: inherit; font-weight: 600; cursor: pointer; }
button:focus-visible { outline: 3px solid #a5b4fc; outline-offset: 2px; }
.done { color: #15803d; }
.back { display: block; margin-top: 1rem; text-align: center; color: LinkText; }
.reference { color: color-mix(in srgb, CanvasText 65%, transparent); }
`;

const sandboxNotice = html`<p class="badge">Sandbox: no money moves and no account is needed</p>`;

/** The sandbox provider's hosted pages: checkout → simulated pay → confirmation, and payment-method set-up. */
export function createSandboxPages(store: SandboxLinkStore): Router {
  const pages = Router();

  pages.get('/sandbox.css', (_req, res) => {
    res.type('text/css').set('cache-control', 'public, max-age=3600').send(stylesheet);
  });

  pages.get('/checkout/:id', (req, res) => {
    withLink(req, res, 'checkout', (link) => {
      if (link.completedAt) return res.redirect(303, `/sandbox/checkout/${link.id}/paid`);
      const locale = pickLocale(req.acceptsLanguages());
      sendPage(
        res,
        link.checkout.title ?? 'Checkout',
        html`
        <main>${sandboxNotice}
          <h1>${link.checkout.title ?? 'Checkout'}</h1>
          ${reference(link.checkout)}
          ${summary(link.checkout, locale)}
          <form method="post" action="/sandbox/checkout/${link.id}/pay">
            <button type="submit">Pay ${totalOf(link.checkout, locale)}</button>
          </form>
          ${backTo(link.checkout.cancelUrl, link.id, 'Cancel and return to the shop')}
        </main>`,
      );
    });
  });

  pages.post('/checkout/:id/pay', (req, res) => {
    withLink(req, res, 'checkout', (link) => {
      link.completedAt ??= Date.now();
      res.redirect(303, `/sandbox/checkout/${link.id}/paid`);
    });
  });

  pages.get('/checkout/:id/paid', (req, res) => {
    withLink(req, res, 'checkout', (link) => {
      if (!link.completedAt) return res.redirect(303, `/sandbox/checkout/${link.id}`);
      const locale = pickLocale(req.acceptsLanguages());
      sendPage(
        res,
        'Payment confirmed',
        html`
        <main>${sandboxNotice}
          <h1 class="done">Payment confirmed</h1>
          <p>Thank you! You paid ${totalOf(link.checkout, locale)}.</p>
          ${reference(link.checkout)}
          ${summary(link.checkout, locale)}
          ${backTo(link.checkout.successUrl, link.id, 'Return to the shop')}
        </main>`,
      );
    });
  });

  pages.get('/setup/:id', (req, res) => {
    withLink(req, res, 'setup', (link) => {
      if (link.completedAt) return res.redirect(303, `/sandbox/setup/${link.id}/saved`);
      sendPage(
        res,
        'Add a payment method',
        html`
        <main>${sandboxNotice}
          <h1>Add a payment method</h1>
          <p>Customer <strong>${link.customerId}</strong> saves a card for future payments. Nothing is charged.</p>
          <form method="post" action="/sandbox/setup/${link.id}/save">
            <button type="submit">Save payment method</button>
          </form>
        </main>`,
      );
    });
  });

  pages.post('/setup/:id/save', (req, res) => {
    withLink(req, res, 'setup', (link) => {
      link.completedAt ??= Date.now();
      res.redirect(303, `/sandbox/setup/${link.id}/saved`);
    });
  });

  pages.get('/setup/:id/saved', (req, res) => {
    withLink(req, res, 'setup', (link) => {
      if (!link.completedAt) return res.redirect(303, `/sandbox/setup/${link.id}`);
      sendPage(
        res,
        'Payment method saved',
        html`
        <main>${sandboxNotice}
          <h1 class="done">Payment method saved</h1>
          <p>Customer <strong>${link.customerId}</strong> can now be charged without entering it again.</p>
        </main>`,
      );
    });
  });

  function withLink<K extends SandboxLink['kind']>(
    req: Request,
    res: Response,
    kind: K,
    handle: (link: Extract<SandboxLink, { kind: K }>) => void,
  ): void {
    const link = store.get(String(req.params.id));
    if (link?.kind !== kind) {
      res.status(404);
      sendPage(
        res,
        'Link not found',
        html`
        <main>${sandboxNotice}
          <h1>This link does not exist or has expired</h1>
          <p>Sandbox links live in memory for an hour and are lost when the proxy restarts. Go back to the shop and try again.</p>
        </main>`,
      );
      return;
    }
    handle(link as Extract<SandboxLink, { kind: K }>);
  }

  return pages;
}

function sendPage(res: Response, title: string, body: SafeHtml): void {
  res
    .type('html')
    .set('cache-control', 'no-store')
    .send(htmlDocument({ title: `${title} · Sandbox`, stylesheet: '/sandbox/sandbox.css', body }));
}

function reference({ reference }: PricedCheckout): SafeHtml | undefined {
  return reference === undefined ? undefined : html`<p class="reference">Order reference ${reference}</p>`;
}

/** A link to a return page; like Stripe, the sandbox puts its link id where the URL says {CHECKOUT_SESSION_ID}. */
function backTo(url: string | undefined, linkId: string, label: string): SafeHtml | undefined {
  return url === undefined
    ? undefined
    : html`<a class="back" href="${url.replaceAll('{CHECKOUT_SESSION_ID}', linkId)}">${label}</a>`;
}

function summary(checkout: PricedCheckout, locale: string): SafeHtml {
  if (checkout.kind === 'amount') {
    return html`<table><tbody><tr><td>Amount</td><td>${formatMoney(checkout.amount, checkout.currency, locale)}</td></tr></tbody></table>`;
  }
  return html`
    <table>
      <thead><tr><th>Item</th><th>Qty</th><th>Price</th></tr></thead>
      <tbody>${checkout.lines.map(
        (line) => html`
        <tr><td>${line.name}</td><td>${line.quantity}</td><td>${formatMoney(line.unitPrice * line.quantity, checkout.currency, locale)}</td></tr>`,
      )}
      </tbody>
    </table>
    <p class="total">Total ${totalOf(checkout, locale)}</p>`;
}

function totalOf(checkout: PricedCheckout, locale: string): string {
  if (checkout.kind === 'amount') return formatMoney(checkout.amount, checkout.currency, locale);
  const total = checkout.lines.reduce((sum, line) => sum + line.unitPrice * line.quantity, 0);
  return formatMoney(total, checkout.currency, locale);
}
