/**
 * One autocannon run, with latencies kept at sub-millisecond resolution: autocannon's own
 * histogram rounds to whole milliseconds, which is coarser than the overhead being measured.
 */
import autocannon from 'autocannon';

export interface LoadOptions {
  url: string;
  method?: 'GET' | 'POST';
  headers?: Record<string, string>;
  body?: string;
  connections: number;
  durationSeconds: number;
  /** The status every answer must have; anything else counts as unexpected. */
  expectStatus: number;
  /** Send a fresh `Idempotency-Key` with every request, as the widget does. */
  idempotencyKeys?: boolean;
  /** Requests per second across all connections; as many as the server answers when unset. */
  overallRate?: number;
}

export interface LoadResult {
  connections: number;
  durationSeconds: number;
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  requests: number;
  /** Answers with another status, plus connection errors and timeouts. */
  unexpected: number;
  /** Every expected answer's latency in ms, sorted; kept so runs can be combined. */
  latencies: number[];
}

export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  const latencies: number[] = [];
  let unexpected = 0;
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(
      {
        url: options.url,
        method: options.method ?? 'GET',
        headers: options.headers,
        body: options.body,
        connections: options.connections,
        duration: options.durationSeconds,
        timeout: 10,
        ...(options.overallRate !== undefined && { overallRate: options.overallRate }),
        ...(options.idempotencyKeys && { requests: [{ setupRequest: withFreshKey }] }),
      },
      (error, result) => (error ? reject(error) : resolve(result)),
    );
    instance.on('response', (_client, status, _bytes, milliseconds) => {
      if (status === options.expectStatus) latencies.push(milliseconds);
      else unexpected += 1;
    });
  });
  latencies.sort((a, b) => a - b);
  return {
    connections: options.connections,
    durationSeconds: result.duration,
    requestsPerSecond: latencies.length / result.duration,
    p50Ms: percentile(latencies, 0.5),
    p99Ms: percentile(latencies, 0.99),
    requests: latencies.length,
    unexpected: unexpected + result.errors + result.timeouts,
    latencies,
  };
}

let keysSent = 0;
const withFreshKey = (request: autocannon.Request): autocannon.Request => {
  keysSent += 1;
  return { ...request, headers: { ...request.headers, 'idempotency-key': `bench-${process.pid}-${keysSent}` } };
};

/** Several runs of one scenario as if they were one. */
export function combine(results: readonly LoadResult[]): LoadResult {
  const latencies = results.flatMap((result) => result.latencies).sort((a, b) => a - b);
  const durationSeconds = results.reduce((sum, result) => sum + result.durationSeconds, 0);
  return {
    connections: results[0]!.connections,
    durationSeconds,
    requestsPerSecond: latencies.length / durationSeconds,
    p50Ms: percentile(latencies, 0.5),
    p99Ms: percentile(latencies, 0.99),
    requests: latencies.length,
    unexpected: results.reduce((sum, result) => sum + result.unexpected, 0),
    latencies,
  };
}

export function percentile(sorted: readonly number[], fraction: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(fraction * sorted.length))]!;
}

/** The storefront the bench's checkouts come from; every bench proxy allows it (ALLOWED_ORIGINS). */
export const SHOP_ORIGIN = 'https://shop.example';

/** The checkout the bench posts: one demo product, as the widget sends it. */
export const checkoutBody = { items: [{ product: 'SKU-TSHIRT-BLACK-M', quantity: 1 }] };

export function checkoutLoad(url: string): Pick<LoadOptions, 'url' | 'method' | 'headers' | 'body' | 'expectStatus'> {
  return {
    url: `${url}/api/checkout`,
    method: 'POST',
    // From a storefront on another origin, as the widget posts: CORS does its real work.
    headers: { 'content-type': 'application/json', origin: SHOP_ORIGIN },
    body: JSON.stringify(checkoutBody),
    expectStatus: 201,
  };
}
