/**
 * Every failure the proxy can answer with, by its stable `code`. Clients (the widget among them)
 * key their behaviour and messages on `code`; `status` and `title` never change for a code.
 */
export const problemTypes = {
  bad_request: { status: 400, title: 'Bad request' },
  malformed_json: { status: 400, title: 'Malformed JSON' },
  idempotency_key_invalid: { status: 400, title: 'Invalid Idempotency-Key' },
  invalid_customer_token: { status: 401, title: 'Invalid customer token' },
  metrics_unauthorized: { status: 401, title: 'Metrics need the bearer token' },
  origin_not_allowed: { status: 403, title: 'Origin not allowed' },
  not_found: { status: 404, title: 'Not found' },
  customer_not_found: { status: 404, title: 'Customer not found' },
  method_not_allowed: { status: 405, title: 'Method not allowed' },
  nothing_to_set_up: { status: 409, title: 'Nothing to set up' },
  idempotency_key_in_use: { status: 409, title: 'Idempotency-Key in use' },
  payload_too_large: { status: 413, title: 'Payload too large' },
  unsupported_media_type: { status: 415, title: 'Unsupported media type' },
  validation_error: { status: 422, title: 'Validation error' },
  idempotency_key_reused: { status: 422, title: 'Idempotency-Key reused' },
  unknown_product: { status: 422, title: 'Unknown product' },
  mixed_currencies: { status: 422, title: 'Mixed currencies' },
  cart_too_large: { status: 422, title: 'Cart too large' },
  amount_not_allowed: { status: 422, title: 'Value-only links are disabled' },
  amount_out_of_range: { status: 422, title: 'Amount out of range' },
  currency_not_allowed: { status: 422, title: 'Currency not allowed' },
  provider_unavailable: { status: 422, title: 'Provider unavailable' },
  request_not_supported: { status: 422, title: 'Request not supported by the provider' },
  no_payment_provider: { status: 422, title: 'No payment provider linked' },
  provider_not_supported: { status: 422, title: 'Payment provider not supported' },
  return_url_not_allowed: { status: 422, title: 'Return URL not allowed' },
  currency_not_supported: { status: 422, title: 'Currency not supported by the provider' },
  amount_not_supported: { status: 422, title: 'Amount not supported by the provider' },
  rate_limited: { status: 429, title: 'Too many requests' },
  internal_error: { status: 500, title: 'Internal error' },
  upstream_auth_failed: { status: 502, title: 'Provider rejected the proxy credentials' },
  upstream_rejected: { status: 502, title: 'Provider rejected the request' },
  upstream_unavailable: { status: 502, title: 'Provider unavailable' },
  upstream_bad_response: { status: 502, title: 'Provider sent an unusable answer' },
  provider_rejected: { status: 502, title: 'Payment provider rejected the request' },
  provider_misconfigured: { status: 502, title: 'Payment provider misconfigured' },
  proxy_busy: { status: 503, title: 'Too many checkouts in progress' },
  upstream_rate_limited: { status: 503, title: 'Provider is rate limiting' },
  not_ready: { status: 503, title: 'Shared state unreachable' },
  upstream_timeout: { status: 504, title: 'Provider timed out' },
} as const satisfies Record<string, { status: number; title: string }>;

export type ProblemCode = keyof typeof problemTypes;

export interface FieldError {
  field: string;
  message: string;
}

/** An RFC 9457 problem details body, as the proxy sends it. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: ProblemCode;
  errors?: FieldError[];
}

export const problemType = (code: ProblemCode): string => `urn:checkout-button:problem:${code}`;
