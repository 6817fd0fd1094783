import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import { gzipSync } from 'node:zlib';
import { Ajv2020, type ErrorObject } from 'ajv/dist/2020.js';
import ajvFormats from 'ajv-formats';
import {
  type FakeServerOptions,
  type FakeUpstream,
  type RecordedRequest,
  sendJson,
  startFakeUpstream,
} from '../support/http.js';

/** Recognizable on purpose: tests search every response and log line for it. */
export const PAGOU_TEST_KEY = 'pk_test_SECRET_recognizable_123';

/** Text the fake puts in every error body; the proxy must never pass it on to the browser. */
export const UPSTREAM_DETAIL = 'pagou-internal: ledger shard 8812 rejected tenant 4471';

export const CHECKOUT_LINKS_PATH = '/v2/checkout-links';

const openApi = JSON.parse(readFileSync(new URL('../fixtures/pagou-openapi-v2.json', import.meta.url), 'utf8')) as {
  paths: Record<string, { post: { requestBody: { content: Record<string, { schema: object }> } } }>;
};

// The document says OpenAPI 3.1 (JSON Schema 2020-12) but uses 3.0's `nullable`; Ajv 8 implements
// `nullable` natively, so strict mode accepts the schema as published, with no rewriting.
const ajv = new Ajv2020({ allErrors: true, strict: true });
ajvFormats.default(ajv);
const validateBody = ajv.compile(
  openApi.paths[CHECKOUT_LINKS_PATH]!.post.requestBody.content['application/json']!.schema,
);

const describeError = ({ instancePath, message }: ErrorObject) => `body${instancePath} ${message}`;

/**
 * Everything wrong with a request to `POST /v2/checkout-links`, checked against Pagou's published
 * contract: method, path, headers, the OpenAPI request schema and the prose-only rule "exactly one
 * of amount or products". Empty when the request is one Pagou would accept.
 */
export function pagouContractViolations(request: RecordedRequest, apiKey = PAGOU_TEST_KEY): string[] {
  const violations: string[] = [];
  if (request.method !== 'POST') violations.push(`method ${request.method}, expected POST`);
  if (request.url !== CHECKOUT_LINKS_PATH) violations.push(`path ${request.url}, expected ${CHECKOUT_LINKS_PATH}`);
  if (request.headers['content-type'] !== 'application/json')
    violations.push(`content-type ${request.headers['content-type']}, expected application/json`);
  if (request.headers.authorization !== `Bearer ${apiKey}`)
    violations.push('authorization is not "Bearer <the configured key>"');

  let body: unknown;
  try {
    body = JSON.parse(request.body);
  } catch {
    return [...violations, 'body is not JSON'];
  }
  if (!validateBody(body)) violations.push(...validateBody.errors!.map(describeError));
  if (typeof body === 'object' && body !== null) {
    const kinds = ['amount', 'products'].filter((key) => key in body);
    if (kinds.length !== 1)
      violations.push(`body has ${kinds.join(' and ') || 'neither amount nor products'}; expected exactly one`);
  }
  return violations;
}

/** How the fake answers a request that passed the contract check. */
export type PagouScenario = (request: RecordedRequest, res: ServerResponse) => void;

export interface FakePagou extends FakeUpstream {
  /** Contract violations of every request received; a test asserts this stays empty. */
  readonly schemaFailures: string[];
  /** The JSON bodies received, in order. */
  bodies(): unknown[];
}

/**
 * A fake Pagou on loopback. A request that breaks the contract gets Pagou's 422 and is recorded in
 * `schemaFailures`; any other request gets the scenario's answer. An `OPTIONS` request (the proxy's
 * warm-up, which only opens a connection) creates nothing: it gets the 404 of a server without CORS.
 */
export async function startFakePagou(
  scenario: PagouScenario,
  apiKey = PAGOU_TEST_KEY,
  server: FakeServerOptions = {},
): Promise<FakePagou> {
  const schemaFailures: string[] = [];
  const upstream = await startFakeUpstream((request, res) => {
    if (request.method === 'OPTIONS') return void res.writeHead(404).end();
    const violations = pagouContractViolations(request, apiKey);
    if (violations.length === 0) return scenario(request, res);
    schemaFailures.push(...violations);
    problem(422, 'Validation Error', {
      errors: violations.map((message) => ({ field: 'body', message, code: 'invalid' })),
    })(request, res);
  }, server);
  return Object.assign(upstream, {
    schemaFailures,
    bodies: () => upstream.requests.map(({ body }) => JSON.parse(body) as unknown),
  });
}

/** Pagou's documented success: `201 {success, requestId, data:{url}}`, with optional extras on top. */
export const created =
  (url = 'https://pay.example/c/abc', { status = 201, extra = {} } = {}): PagouScenario =>
  (_request, res) =>
    sendJson(res, status, { success: true, requestId: randomUUID(), data: { url }, ...extra });

/** Any JSON document with any status (for the malformed 2xx answers). */
export const json =
  (status: number, body: unknown): PagouScenario =>
  (_request, res) =>
    sendJson(res, status, body);

/** A raw body with a content type of its choosing (non-JSON, empty, HTML). */
export const raw =
  (status: number, contentType: string, body: string): PagouScenario =>
  (_request, res) => {
    res.writeHead(status, { 'content-type': contentType }).end(body);
  };

/** Pagou's RFC 7807 shape, `application/problem+json`. */
export const problem =
  (
    status: number,
    title: string,
    extra: Record<string, unknown> = {},
    headers: Record<string, string> = {},
  ): PagouScenario =>
  (_request, res) => {
    const type = `https://api.pagou.ai/problems/${title.toLowerCase().replaceAll(' ', '-')}`;
    res
      .writeHead(status, { 'content-type': 'application/problem+json', ...headers })
      .end(JSON.stringify({ type, title, status, detail: UPSTREAM_DETAIL, ...extra }));
  };

/** Pagou's "simple" shape, `{error, message, status}` as `application/json`. */
export const simpleError =
  (status: number, error: string): PagouScenario =>
  (_request, res) =>
    sendJson(res, status, { error, message: UPSTREAM_DETAIL, status });

/** What an edge proxy in front of Pagou sends when Pagou is down. */
export const htmlPage = (status: number): PagouScenario =>
  raw(
    status,
    'text/html; charset=utf-8',
    `<!doctype html><title>${status}</title><h1>Bad gateway</h1><p>${UPSTREAM_DETAIL}</p>`,
  );

/** Reads the request and never answers. */
export const hang = (): PagouScenario => () => {};

/** Sends the status line and headers and part of the body, then nothing more. */
export const stallAfterHeaders = (): PagouScenario => (_request, res) => {
  res.writeHead(201, { 'content-type': 'application/json' });
  res.write('{"success":true,');
};

/** Answers with a TCP reset instead of HTTP. */
export const resetConnection = (): PagouScenario => (_request, res) => {
  res.socket!.resetAndDestroy();
};

/** Promises a body, sends part of it, and drops the connection. */
export const dropMidBody = (): PagouScenario => (_request, res) => {
  const body = JSON.stringify({ success: true, requestId: randomUUID(), data: { url: 'https://pay.example/c/abc' } });
  res.writeHead(201, { 'content-type': 'application/json', 'content-length': String(body.length) });
  res.write(body.slice(0, 20), () => res.socket!.destroy());
};

const paddedSuccess = (bytes: number) =>
  Buffer.from(
    JSON.stringify({
      success: true,
      requestId: randomUUID(),
      data: { url: 'https://pay.example/c/abc' },
      padding: 'x'.repeat(bytes),
    }),
  );

/**
 * A valid success answer padded past `bytes`: were the proxy to read it all, it would find a good
 * URL, so only a size cap makes it fail. Sent with a content-length or chunked without one.
 */
export const hugeSuccess =
  (bytes: number, { contentLength }: { contentLength: boolean }): PagouScenario =>
  (_request, res) => {
    const body = paddedSuccess(bytes);
    res.on('error', () => {}); // the proxy hangs up once it has read enough
    res.writeHead(201, {
      'content-type': 'application/json',
      ...(contentLength && { 'content-length': String(body.length) }),
    });
    const chunk = 64 * 1024;
    for (let offset = 0; offset < body.length; offset += chunk) res.write(body.subarray(offset, offset + chunk));
    res.end();
  };

/** A few kilobytes on the wire that inflate past `bytes`: a cap on the compressed size alone would let it through. */
export const gzippedSuccess =
  (bytes: number): PagouScenario =>
  (_request, res) => {
    const body = gzipSync(paddedSuccess(bytes));
    res
      .writeHead(201, {
        'content-type': 'application/json',
        'content-encoding': 'gzip',
        'content-length': String(body.length),
      })
      .end(body);
  };
