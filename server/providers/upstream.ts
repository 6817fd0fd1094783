import type { IncomingMessage } from 'node:http';
import { promisify } from 'node:util';
import { brotliDecompress, gunzip, inflate, inflateRaw, type ZlibOptions } from 'node:zlib';
import { safeCheckoutUrl } from '../../contract/safe-url.js';
import { ProblemError } from '../lib/problem-error.js';
import type { UpstreamPool } from './upstream-pool.js';

/**
 * A provider's answer is a JSON document of a few hundred bytes; anything over 64 KB is refused,
 * compressed or not. Every call in flight may hold this much twice (read and decoded), so it bounds
 * the memory a hostile provider can make the proxy hold.
 */
export const MAX_UPSTREAM_BODY_BYTES = 64 * 1024;
/** Real servers apply one coding; a long stack would be up to 64 KB of inflating per layer. */
const MAX_CONTENT_CODINGS = 2;
const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

/** A provider behind a secret-key HTTP API. */
export interface UpstreamSettings {
  apiKey: string;
  /** Base URL without a trailing slash. */
  apiUrl: string;
}

/** The settings of a provider turned on by its key; undefined when the key is not set. */
export const upstreamSettings = (apiKey: string | undefined, apiUrl: string): UpstreamSettings | undefined =>
  apiKey === undefined ? undefined : { apiKey, apiUrl };

export interface UpstreamCall {
  timeoutMs: number;
  /** The keep-alive connections the call goes over. */
  pool: UpstreamPool;
  /** The provider's display name, for messages ("Pagou"). */
  provider: string;
  url: string;
  apiKey: string;
  body?: unknown;
}

export interface UpstreamAnswer {
  status: number;
  /** A response header's value; undefined when absent. */
  header(name: string): string | undefined;
  /** The parsed body; undefined when it is empty or not JSON (an HTML error page, say). */
  json: unknown;
}

/**
 * POSTs once, never retried: neither provider documents idempotency for link creation, and a
 * retry could hand the shopper a second link. The key goes as a bearer token, the body as JSON.
 */
export async function postToUpstream(call: UpstreamCall): Promise<UpstreamAnswer> {
  const body = call.body === undefined ? '' : JSON.stringify(call.body);
  const answer = await exchange({
    ...call,
    body,
    headers: {
      authorization: `Bearer ${call.apiKey}`,
      accept: 'application/json',
      'content-length': String(Buffer.byteLength(body)),
      ...(call.body !== undefined && { 'content-type': 'application/json' }),
    },
  });
  return { status: answer.status, header: answer.header, json: parseJson(answer.text) };
}

/** One POST with the caller's own headers and encoded body, for a provider's client library to send through. */
export interface UpstreamExchange {
  timeoutMs: number;
  /** The keep-alive connections the call goes over. */
  pool: UpstreamPool;
  /** The provider's display name, for messages ("Stripe"). */
  provider: string;
  url: string;
  headers: Record<string, string>;
  body: string;
}

/** A provider's answer with its body as text (decoded, at most `MAX_UPSTREAM_BODY_BYTES`). */
export interface UpstreamText {
  status: number;
  header(name: string): string | undefined;
  headers: IncomingMessage['headers'];
  text: string;
}

/**
 * Sends one POST and reads the answer within the proxy's bounds. The timeout covers connecting,
 * the headers and the body. Redirects are not followed: the request carries the key, which must
 * go nowhere else. Failures are ProblemErrors (upstream_timeout, upstream_unavailable,
 * upstream_bad_response).
 *
 * `node:http` rather than `fetch`: fetch's WHATWG streams and header objects cost about 170 µs
 * of CPU per call, the largest item in the proxy's profile, and its own copy of undici (with a
 * WebAssembly HTTP parser) about 10 MB of memory. The connection comes from the proxy's own pool,
 * which keeps it open between checkouts (see upstream-pool.ts).
 */
export async function exchange(call: UpstreamExchange): Promise<UpstreamText> {
  // Not AbortSignal.timeout: its timer cannot be cleared, so each call's would stay queued for the
  // whole timeout, 10,000 of them at a thousand checkouts a second for the collector to keep.
  const timeout = new AbortController();
  const timer = setTimeout(() => timeout.abort(), call.timeoutMs);
  const { signal } = timeout;
  try {
    const response = await send(call, { ...call.headers, 'accept-encoding': 'identity' }, signal);
    const status = response.statusCode ?? 0;
    if (REDIRECT_STATUSES.has(status)) {
      response.destroy();
      throw new ProblemError(
        'upstream_unavailable',
        `${call.provider} answered with a redirect (HTTP ${status}), which the proxy does not follow; check the provider's API URL.`,
      );
    }
    const raw = await readCapped(response, call.provider);
    const header = (name: string) => [response.headers[name.toLowerCase()] ?? []].flat()[0];
    const text = await bodyText(raw, status, header('content-encoding'), call.provider, signal);
    return { status, header, headers: response.headers, text };
  } catch (error) {
    if (error instanceof ProblemError) throw error;
    if (signal.aborted) {
      throw new ProblemError('upstream_timeout', `${call.provider} did not answer within ${call.timeoutMs} ms.`, {
        cause: error,
      });
    }
    throw new ProblemError('upstream_unavailable', `${call.provider} could not be reached.`, { cause: error });
  } finally {
    clearTimeout(timer);
  }
}

/** One POST; resolves with the response once its headers are in. The signal also ends the body. */
function send(
  { url, body, pool }: UpstreamExchange,
  headers: Record<string, string>,
  signal: AbortSignal,
): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    const target = new URL(url);
    let answered = false;
    const request = pool.request(target, { method: 'POST', headers, signal }, (response) => {
      answered = true;
      resolve(response);
    });
    request.once('error', reject);
    // A connection that ends without a response or an error (Node drops a 101 Switching Protocols
    // this way) would otherwise leave the call pending after the signal's listener is gone. Every
    // answered request closes too: the check spares each checkout an Error and its stack trace.
    request.once('close', () => {
      if (!answered) reject(new Error('the connection closed before a response'));
    });
    request.end(body);
  });
}

async function readCapped(response: IncomingMessage, provider: string): Promise<Buffer> {
  if (Number(response.headers['content-length']) > MAX_UPSTREAM_BODY_BYTES) {
    response.destroy();
    throw tooLarge(provider);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of response as AsyncIterable<Buffer>) {
    size += chunk.byteLength;
    if (size > MAX_UPSTREAM_BODY_BYTES) {
      response.destroy();
      throw tooLarge(provider);
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

/**
 * The body as text. Only a success answer must decode: an error answer's body is diagnostics for
 * the log, and its status (a 429 with its Retry-After, a 401) says what went wrong either way.
 */
async function bodyText(
  raw: Buffer,
  status: number,
  contentEncoding: string | undefined,
  provider: string,
  signal: AbortSignal,
): Promise<string> {
  try {
    return (await decode(raw, contentEncoding, provider, signal)).toString('utf8');
  } catch (error) {
    if (status >= 200 && status < 300) throw error;
    return '';
  }
}

type Decoder = (buffer: Buffer, options: ZlibOptions) => Promise<Buffer>;
const gunzipAsync = promisify(gunzip);
const inflateAsync = promisify(inflate);
const inflateRawAsync = promisify(inflateRaw);
const decoders: Record<string, Decoder> = {
  gzip: gunzipAsync,
  'x-gzip': gunzipAsync,
  // "deflate" means zlib-wrapped, but some servers send it raw; a zlib header's first nibble is 8.
  deflate: (buffer, options) => ((buffer[0]! & 0x0f) === 8 ? inflateAsync : inflateRawAsync)(buffer, options),
  br: promisify(brotliDecompress),
};

/**
 * Undoes a Content-Encoding the proxy did not ask for (it sends `Accept-Encoding: identity`),
 * outermost coding first, each stage held to the same 64 KB so a small gzip bomb stays small, and
 * the timeout checked between stages.
 */
async function decode(
  body: Buffer,
  contentEncoding: string | undefined,
  provider: string,
  signal: AbortSignal,
): Promise<Buffer> {
  const codings = (contentEncoding ?? '')
    .split(',')
    .map((coding) => coding.trim().toLowerCase())
    .filter((coding) => coding !== '' && coding !== 'identity');
  if (body.length === 0 || codings.length === 0) return body;
  if (codings.length > MAX_CONTENT_CODINGS) {
    throw new ProblemError(
      'upstream_bad_response',
      `${provider} applied ${codings.length} content codings; the proxy reads at most ${MAX_CONTENT_CODINGS}.`,
    );
  }
  let decoded = body;
  for (const coding of codings.reverse()) {
    const decoder = decoders[coding];
    if (!decoder)
      throw new ProblemError(
        'upstream_bad_response',
        `${provider} answered in a content coding the proxy cannot read (${coding}).`,
      );
    try {
      decoded = await decoder(decoded, { maxOutputLength: MAX_UPSTREAM_BODY_BYTES });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') throw tooLarge(provider);
      throw new ProblemError(
        'upstream_unavailable',
        `${provider} sent a body that is not the ${coding} its Content-Encoding claims.`,
        { cause: error },
      );
    }
    signal.throwIfAborted();
  }
  return decoded;
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

/**
 * The hosted page URL from a provider's answer, normalized, and refused unless it is safe to send a
 * shopper to and carries no form of the proxy's key (a provider that echoes it into a link would
 * hand it to the browser, its history and every analytics script on the page).
 */
export function checkoutUrlFrom(candidate: unknown, provider: string, apiKey: string): string {
  const url = safeCheckoutUrl(candidate);
  if (url === undefined)
    throw new ProblemError('upstream_bad_response', `${provider} answered without a usable https checkout URL.`);
  // `search`, not `test`: the pattern is global, and `test` would carry its lastIndex to the next call.
  if (`${candidate as string}\n${url}\n${percentDecoded(url)}`.search(keyPattern(apiKey)) !== -1)
    throw new ProblemError(
      'upstream_bad_response',
      `${provider} answered with a checkout URL that carries the API key.`,
    );
  return url;
}

function percentDecoded(url: string): string {
  try {
    return decodeURIComponent(url);
  } catch {
    return url;
  }
}

/** Seconds to wait, from a `Retry-After` header (seconds or an HTTP date); undefined when absent or unreadable. */
export function retryAfterSeconds(value: string | undefined, now = Date.now()): number | undefined {
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
 * appears (a value, a property name, an echoed header) and in whatever form it is quoted back.
 */
export function forLog(value: unknown, apiKey: string): unknown {
  if (value === undefined) return undefined;
  const text = JSON.stringify(value).replace(keyPattern(apiKey), '[redacted]');
  return text.length > MAX_LOGGED_CHARS ? `${text.slice(0, MAX_LOGGED_CHARS)}…` : JSON.parse(text);
}

/** Shorter base64 runs than this would match ordinary text; real keys give runs of 20 and more. */
const MIN_ENCODED_CHARS = 8;
const keyPatterns = new Map<string, RegExp>();

/**
 * Every form the key travels in, as one global pattern: raw; URL-encoded (either case of hex);
 * and base64 and base64url wherever the key sits in the encoded text. Base64 turns each 3 bytes
 * into 4 characters, so a key that starts 0, 1 or 2 bytes into the encoded text (`Bearer <key>`,
 * `<key>:x` for HTTP Basic, a JSON document that quotes it) gives one of three runs of characters
 * that depend on the key alone: the pattern holds all three, without the edge characters that
 * also depend on the bytes around the key.
 */
function keyPattern(apiKey: string): RegExp {
  let pattern = keyPatterns.get(apiKey);
  if (pattern) return pattern;
  const key = Buffer.from(apiKey);
  const base64Runs = [0, 1, 2].flatMap((offset) => {
    const encoded = Buffer.concat([Buffer.alloc(offset), key]).toString('base64');
    const run = encoded.slice(offset === 0 ? 0 : 4, Math.floor((offset + key.length) / 3) * 4);
    return run.length < MIN_ENCODED_CHARS ? [] : [run, run.replaceAll('+', '-').replaceAll('/', '_')];
  });
  const escaped = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const urlEncoded = (text: string) =>
    escaped(encodeURIComponent(text)).replace(/%([0-9A-F])([0-9A-F])/g, (_, high: string, low: string) => {
      const either = (digit: string) => (/\d/.test(digit) ? digit : `[${digit}${digit.toLowerCase()}]`);
      return `%${either(high)}${either(low)}`;
    });
  const forms = [apiKey, ...base64Runs].flatMap((form) => [escaped(form), urlEncoded(form)]);
  pattern = new RegExp([...new Set(forms)].sort((a, b) => b.length - a.length).join('|'), 'g');
  keyPatterns.set(apiKey, pattern);
  return pattern;
}
