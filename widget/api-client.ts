import type { CheckoutRequest, CheckoutResponse } from '../contract/checkout.js';
import type { Problem, ProblemCode } from '../contract/problems.js';
import { isSafeCheckoutUrl } from '../contract/safe-url.js';

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

/** POSTs `request` to `{endpoint}/api/checkout`; never throws, every failure is an outcome with a code. */
export async function postCheckout(
  endpoint: string,
  request: CheckoutRequest,
  timeout: number,
): Promise<CheckoutOutcome> {
  // WebKit rejects a timed-out fetch with an AbortError rather than the signal's TimeoutError, so ask the signal.
  const signal = AbortSignal.timeout(timeout);
  try {
    const response = await fetch(`${endpoint.replace(/\/+$/, '')}/api/checkout`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json, application/problem+json' },
      body: JSON.stringify(request),
      credentials: 'omit',
      signal,
    });
    const { status } = response;
    const body = await readJson(response);
    if (response.ok) {
      if (!isSafeCheckoutUrl(body?.url)) return { ok: false, status, code: body?.url ? 'unsafe_url' : 'bad_response' };
      return { ok: true, response: body as unknown as CheckoutResponse };
    }
    if (typeof body?.code !== 'string') return { ok: false, status, code: 'bad_response' };
    const problem = body as unknown as Problem;
    return { ok: false, status, code: problem.code, problem };
  } catch {
    return { ok: false, status: 0, code: signal.aborted ? 'timeout' : 'network_error' };
  }
}
