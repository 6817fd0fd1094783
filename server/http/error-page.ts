import type { Request, RequestHandler } from 'express';
import { html, htmlDocument } from '../lib/html.js';
import type { ProblemError } from '../lib/problem-error.js';
import { type PageLanguage, pageLanguages, pageText, situationFor } from './error-page-text.js';

export const errorPageStylesheetPath = '/checkout-error.css';

const stylesheet = `
:root { color-scheme: light dark; font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; line-height: 1.5; }
body { margin: 0; min-height: 100vh; display: grid; place-items: center; background: Canvas; color: CanvasText; }
main { width: min(34rem, 100% - 2rem); margin: 2rem 0; padding: 2rem; box-sizing: border-box; border: 1px solid color-mix(in srgb, CanvasText 18%, transparent); border-top: 4px solid #b91c1c; border-radius: 12px; }
h1 { margin: 0 0 .75rem; font-size: 1.4rem; line-height: 1.25; }
.owner { margin: 1.5rem 0 0; padding: 1rem; border-radius: 8px; background: color-mix(in srgb, CanvasText 6%, transparent); font-size: .95rem; }
.owner h2 { margin: 0 0 .4rem; font-size: 1rem; }
.owner p { margin: 0; }
.code { margin: 1rem 0 0; color: color-mix(in srgb, CanvasText 65%, transparent); font-size: .85rem; }
.code code { font-family: ui-monospace, "DejaVu Sans Mono", Menlo, Consolas, monospace; }
.back { display: inline-block; margin-top: 1.25rem; padding: .6rem 1rem; border-radius: 8px; background: #4338ca; color: #fff; font-weight: 600; text-decoration: none; }
.back:focus-visible { outline: 3px solid #93c5fd; outline-offset: 2px; }
@media (forced-colors: active) { main { border-top-color: CanvasText; } .back { border: 1px solid LinkText; } }
`;

/** The page's stylesheet: a file, not inline, so the page passes a CSP without `unsafe-inline`. */
export const errorPageStylesheet: RequestHandler = (_req, res) => {
  res.type('text/css').set('cache-control', 'public, max-age=3600').send(stylesheet);
};

/**
 * What a shopper who posted the no-script form sees when the checkout fails: in their language
 * (Accept-Language: English, Portuguese or Spanish), what happened and what to do, the code for the
 * store owner, and never the proxy's technical detail (validation messages name fields and limits).
 * A refused origin, which only the store owner can fix, gets a note in their words.
 */
export function errorPage(problem: ProblemError, req: Request): string {
  const language = (req.acceptsLanguages(...pageLanguages) || 'en') as PageLanguage;
  const text = pageText[language];
  const origin = req.get('origin');
  const ownerNote =
    problem.code !== 'origin_not_allowed' || origin === undefined
      ? undefined
      : origin === 'null'
        ? text.hiddenOrigin
        : text.unlistedOrigin(origin);
  const back = req.get('referer');
  return htmlDocument({
    title: text.title,
    lang: language,
    stylesheet: errorPageStylesheetPath,
    body: html`<main>
<h1>${text.title}</h1>
<p>${text.situations[situationFor(problem.code)]}</p>
${ownerNote ? html`<section class="owner"><h2>${text.forOwner}</h2><p>${ownerNote}</p></section>` : ''}
<p class="code">${text.errorCode}: <code>${problem.code}</code></p>
${back && /^https?:/.test(back) ? html`<a class="back" href="${back}">${text.back}</a>` : ''}
</main>`,
  });
}
