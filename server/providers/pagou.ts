import type { UpstreamSettings } from '../config.js';
import { ProblemError } from '../problems.js';
import type { Provider } from './provider.js';
import { checkoutUrlFrom, forLog, postToUpstream, retryAfterSeconds, upstreamRateLimited, type UpstreamAnswer, type UpstreamOptions } from './upstream.js';

/** Pagou checkout links: `POST /v2/checkout-links` with the priced checkout as the body. */
export function createPagouProvider({ apiKey, apiUrl }: UpstreamSettings, { timeoutMs }: UpstreamOptions): Provider {
  return {
    name: 'pagou',
    async createCheckoutLink(checkout, { log }) {
      const answer = await postToUpstream({ provider: 'Pagou', url: `${apiUrl}/v2/checkout-links`, apiKey, body: checkout, timeoutMs });
      if (answer.status >= 200 && answer.status < 300) {
        const body = answer.json as { success?: unknown; data?: { url?: unknown } } | undefined;
        if (body?.success === false) throw new ProblemError('upstream_bad_response', 'Pagou answered success: false.');
        return checkoutUrlFrom(body?.data?.url, 'Pagou');
      }
      log.warn({ upstream: 'pagou', status: answer.status, error: forLog(summarize(answer.json), apiKey) }, 'Pagou refused the checkout link');
      throw problemFor(answer);
    },
  };
}

function problemFor({ status, header }: UpstreamAnswer): ProblemError {
  if (status === 401 || status === 403) {
    return new ProblemError('upstream_auth_failed', `Pagou refused the proxy's credentials (HTTP ${status}); the operator should check PAGOU_API_KEY and PAGOU_API_URL.`);
  }
  if (status === 429) return upstreamRateLimited('Pagou', retryAfterSeconds(header('retry-after')));
  if (status >= 400 && status < 500) return new ProblemError('upstream_rejected', `Pagou refused the checkout link (HTTP ${status}).`);
  if (status >= 500) return new ProblemError('upstream_unavailable', `Pagou failed (HTTP ${status}).`);
  return new ProblemError('upstream_bad_response', `Pagou answered with an unexpected HTTP ${status}.`);
}

/** The useful part of either Pagou error shape (problem+json or `{error, message}`), for the log only. */
function summarize(json: unknown): unknown {
  if (typeof json !== 'object' || json === null) return undefined;
  const { error, message, title, detail, errors } = json as Record<string, unknown>;
  return { error, message, title, detail, errors: Array.isArray(errors) ? errors.slice(0, 10) : undefined };
}
