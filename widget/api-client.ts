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

/** The JSON object in the body, or undefined for any other body; a timeout while reading still throws. */
const readJson = (response: Response): Promise<Record<string, unknown> | undefined> =>
  response.json().then(
    (body: unknown) => (body !== null && typeof body === 'object' ? (body as Record<string, unknown>) : undefined),
    (error: unknown) => {
      if (error instanceof SyntaxError) return undefined;
      throw error;
    },
  );

/** POSTs `request` to `{endpoint}/api/checkout`; never throws, every failure is an outcome with a code. */
export async function postCheckout(
  endpoint: string,
  request: CheckoutRequest,
  timeout: number,
): Promise<CheckoutOutcome> {
  try {
    const response = await fetch(`${endpoint.replace(/\/+$/, '')}/api/checkout`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json, application/problem+json' },
      body: JSON.stringify(request),
      credentials: 'omit',
      signal: AbortSignal.timeout(timeout),
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
  } catch (error) {
    const timedOut = error instanceof DOMException && error.name === 'TimeoutError';
    return { ok: false, status: 0, code: timedOut ? 'timeout' : 'network_error' };
  }
}
