import { ProblemError } from '../problems.js';
import { isSafeCheckoutUrl } from '../safe-url.js';

/** A provider's answer is a small JSON document; anything larger is refused unread. */
const MAX_UPSTREAM_BODY_BYTES = 1024 * 1024;

/** How a provider reaches its upstream: the same for every provider, set from the configuration. */
export interface UpstreamOptions {
  timeoutMs: number;
  fetch: typeof fetch;
}

export interface UpstreamCall extends UpstreamOptions {
  /** The provider's display name, for messages ("Pagou"). */
  provider: string;
  url: string;
  apiKey: string;
  body?: unknown;
}

export interface UpstreamAnswer {
  status: number;
  headers: Headers;
  /** The parsed body; undefined when it is empty or not JSON (an HTML error page, say). */
  json: unknown;
}

/**
 * POSTs once, never retried: neither provider documents idempotency for link creation, and a
 * retry could hand the shopper a second link. The timeout covers the headers and the body.
 */
export async function postToUpstream(call: UpstreamCall): Promise<UpstreamAnswer> {
  const signal = AbortSignal.timeout(call.timeoutMs);
  try {
    const response = await call.fetch(call.url, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${call.apiKey}`,
        accept: 'application/json',
        ...(call.body !== undefined && { 'content-type': 'application/json' }),
      },
      body: call.body === undefined ? undefined : JSON.stringify(call.body),
      redirect: 'error',
      signal,
    });
    const text = await readCapped(response, call.provider, signal);
    return { status: response.status, headers: response.headers, json: parseJson(text) };
  } catch (error) {
    if (error instanceof ProblemError) throw error;
    if (signal.aborted) {
      throw new ProblemError('upstream_timeout', `${call.provider} did not answer within ${call.timeoutMs} ms.`, { cause: error });
    }
    throw new ProblemError('upstream_unavailable', `${call.provider} could not be reached.`, { cause: error });
  }
}

async function readCapped(response: Response, provider: string, signal: AbortSignal): Promise<string> {
  if (!response.body) return '';
  if (Number(response.headers.get('content-length')) > MAX_UPSTREAM_BODY_BYTES) {
    await response.body.cancel();
    throw tooLarge(provider);
  }
  const reader = response.body.getReader();
  // fetch stops passing its signal on to the body once its internal Request has been garbage
  // collected (nodejs/undici#3644), so the timeout cancels the read itself.
  const cancel = () => void reader.cancel(signal.reason).catch(() => {});
  signal.addEventListener('abort', cancel, { once: true });
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for (let part = await reader.read(); !part.done; part = await reader.read()) {
      size += part.value.byteLength;
      if (size > MAX_UPSTREAM_BODY_BYTES) {
        await reader.cancel();
        throw tooLarge(provider);
      }
      chunks.push(part.value);
    }
  } finally {
    signal.removeEventListener('abort', cancel);
  }
  signal.throwIfAborted();
  return Buffer.concat(chunks).toString('utf8');
}

const tooLarge = (provider: string) =>
  new ProblemError('upstream_bad_response', `${provider} sent an answer larger than ${MAX_UPSTREAM_BODY_BYTES} bytes.`);

function parseJson(text: string): unknown {
  try {
    return text ? JSON.parse(text) : undefined;
  } catch {
    return undefined;
  }
}

/** The hosted page URL from a provider's answer, refused unless it is safe to send a shopper to. */
export function checkoutUrlFrom(candidate: unknown, provider: string): string {
  if (isSafeCheckoutUrl(candidate)) return candidate;
  throw new ProblemError('upstream_bad_response', `${provider} answered without a usable https checkout URL.`);
}

/** Seconds to wait, from a `Retry-After` header (seconds or an HTTP date); undefined when absent or unreadable. */
export function retryAfterSeconds(value: string | null, now = Date.now()): number | undefined {
  if (!value) return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim());
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, Math.ceil((date - now) / 1000));
}

/** What the proxy answers when a provider rate-limits it: 503 with a Retry-After the browser can honour. */
export function upstreamRateLimited(provider: string, seconds: number | undefined): ProblemError {
  const wait = seconds ?? 5;
  return new ProblemError('upstream_rate_limited', `${provider} is rate limiting this proxy; try again in ${wait} s.`, {
    headers: { 'retry-after': String(wait) },
  });
}

/** The most of a provider's error body that goes into one log line. */
const MAX_LOGGED_CHARS = 500;

/**
 * A provider's diagnostics for the operator's log: bounded, and with the key cut out wherever it
 * appears (a value, a property name, an echoed header), should the provider quote it back.
 */
export function forLog(value: unknown, apiKey: string): unknown {
  if (value === undefined) return undefined;
  const text = JSON.stringify(value).replaceAll(apiKey, '[redacted]');
  return text.length > MAX_LOGGED_CHARS ? `${text.slice(0, MAX_LOGGED_CHARS)}…` : JSON.parse(text);
}
