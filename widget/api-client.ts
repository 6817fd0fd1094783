import type { CheckoutRequest, CheckoutResponse } from '../contract/checkout.js';
import type { Problem, ProblemCode } from '../contract/problems.js';
import { safeCheckoutUrl } from '../contract/safe-url.js';

/** Failures found in the browser, where no problem document exists. */
export type ClientErrorCode =
  /** The request never got an answer: offline, DNS, CORS, connection reset. */
  | 'network_error'
  /** No answer within the button's `timeout`. */
  | 'timeout'
  /** The proxy answered with a URL that is neither `https:` nor loopback `http:`. */
  | 'unsafe_url'
  /** The answer is not the proxy's: not a problem document, or a success without a URL. */
  | 'bad_response';

/** Every `code` a `checkout-error` can carry. */
export type CheckoutErrorCode = ProblemCode | ClientErrorCode;

export type CheckoutOutcome =
  | { ok: true; response: CheckoutResponse }
  | { ok: false; status: number; code: CheckoutErrorCode; problem?: Problem };

/** The API origin when no `endpoint` is set: where this script was loaded from. */
export const scriptOrigin = new URL(import.meta.url).origin;

/** How long to wait before the one retry: long enough for a flaky link or a restarting instance. */
const RETRY_PAUSE_MS = 500;

/** One warm-up a minute per endpoint, however many buttons: the proxy keeps a provider connection for 2 minutes. */
const WARM_INTERVAL_MS = 60_000;
const warmedAt = new Map<string, number>();

const checkoutUrl = (endpoint: string) => `${endpoint.replace(/\/+$/, '')}/api/checkout`;

/** One key per checkout attempt. `randomUUID` exists only in secure contexts; a LAN demo over http has neither. */
const idempotencyKey = (): string =>
  crypto.randomUUID?.() ??
  Array.from(crypto.getRandomValues(new Uint8Array(16)), (byte) => (byte + 256).toString(16).slice(1)).join('');

/**
 * Worth one retry with the same key: no answer at all, or a gateway's 502/503 (a restarting instance, a load
 * balancer). A proxy that explains its 502/503 in a problem document said what happened, and only
 * `upstream_unavailable` may be gone a moment later; a rate limit or a refused key will not.
 */
const isTransient = (outcome: CheckoutOutcome): boolean =>
  !outcome.ok &&
  (outcome.code === 'network_error' ||
    ((outcome.status === 502 || outcome.status === 503) &&
      (outcome.code === 'bad_response' || outcome.code === 'upstream_unavailable')));

/**
 * The JSON object in the body, or undefined for any other body; a timeout while reading still throws. Parsed here
 * rather than by `response.json()`, whose error for a body that is not JSON differs by engine (WebKit rejects with a
 * DOMException, not a SyntaxError).
 */
const readJson = async (response: Response): Promise<Record<string, unknown> | undefined> => {
  const text = await response.text();
  try {
    const body: unknown = JSON.parse(text);
    return body !== null && typeof body === 'object' ? (body as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
};

async function postOnce(url: string, body: string, key: string, signal: AbortSignal): Promise<CheckoutOutcome> {
  try {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'Idempotency-Key': key },
      body,
      credentials: 'omit',
      signal,
    });
    const { status } = response;
    const json = await readJson(response);
    if (response.ok) {
      const url = safeCheckoutUrl(json?.url);
      if (!url) return { ok: false, status, code: json?.url ? 'unsafe_url' : 'bad_response' };
      return { ok: true, response: { ...(json as unknown as CheckoutResponse), url } };
    }
    if (typeof json?.code !== 'string') return { ok: false, status, code: 'bad_response' };
    const problem = json as unknown as Problem;
    return { ok: false, status, code: problem.code, problem };
  } catch {
    return { ok: false, status: 0, code: signal.aborted ? 'timeout' : 'network_error' };
  }
}

/**
 * POSTs `request` to `{endpoint}/api/checkout` under a fresh `Idempotency-Key`, and retries once with the same
 * key after a transient failure, so a retry can never make a second link. `timeout` bounds both attempts.
 * Never throws: every failure is an outcome with a code.
 */
export async function postCheckout(
  endpoint: string,
  request: CheckoutRequest,
  timeout: number,
): Promise<CheckoutOutcome> {
  const url = checkoutUrl(endpoint);
  const body = JSON.stringify(request);
  const key = idempotencyKey();
  const signal = AbortSignal.timeout(timeout);
  const first = await postOnce(url, body, key, signal);
  if (!isTransient(first)) return first;
  await new Promise((resolve) => setTimeout(resolve, RETRY_PAUSE_MS));
  return postOnce(url, body, key, signal);
}

/**
 * Readies the way to a checkout a shopper shows an interest in: `GET {endpoint}/api/checkout` opens the browser's
 * connection to the proxy and the proxy's to the provider, and, from another origin, caches the preflight the
 * checkout needs (its `Content-Type` makes the browser send one, and the proxy's answer allows the checkout too).
 * Once a minute per endpoint at most; a failure costs nothing, the click connects as it would have.
 */
export function warmCheckout(endpoint: string): void {
  const url = checkoutUrl(endpoint);
  const now = Date.now();
  const last = warmedAt.get(url);
  if (last !== undefined && now - last < WARM_INTERVAL_MS) return;
  warmedAt.set(url, now);
  fetch(url, { headers: { 'Content-Type': 'application/json' }, credentials: 'omit' }).catch(() => {});
}
