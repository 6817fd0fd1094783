/**
 * One load run, with latencies kept at sub-millisecond resolution: autocannon's own histogram
 * rounds to whole milliseconds, which is coarser than the overhead being measured.
 */
import { Agent, request } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
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
  /**
   * Requests per second across all connections, sent at even intervals (see runPaced); as many as
   * the server answers when unset.
   */
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

/**
 * What every unexpected answer of this process's runs was, by cause (`status 502`, `ECONNRESET`,
 * `timeout`): the servers' logs see only their side, and a client that gave up leaves there no
 * more than "request aborted".
 */
export const unexpectedCauses = new Map<string, number>();
const tally = (cause: string) => unexpectedCauses.set(cause, (unexpectedCauses.get(cause) ?? 0) + 1);

export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  if (options.overallRate !== undefined) return runPaced(options, options.overallRate);
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
        ...(options.idempotencyKeys && { requests: [{ setupRequest: withFreshKey }] }),
      },
      (error, result) => (error ? reject(error) : resolve(result)),
    );
    instance.on('response', (_client, status, _bytes, milliseconds) => {
      if (status === options.expectStatus) latencies.push(milliseconds);
      else {
        unexpected += 1;
        tally(`status ${status}`);
      }
    });
    // Connection errors and timeouts alike (autocannon counts a timeout in `errors` and in `timeouts`).
    instance.on('reqError', (error: NodeJS.ErrnoException) => {
      unexpected += 1;
      tally(error.code ?? error.message);
    });
  });
  return loadResult(options, result.duration, latencies, unexpected);
}

/**
 * An open-loop load: one request every 1/overallRate s, over at most `connections` keep-alive
 * connections, as checkouts from many shoppers arrive at a busy store. autocannon's own rate limit
 * is not that: each of its connections sends its whole quota at the start of every second, so 50
 * connections at 100 requests/s send 50 at once, and the p50 measured is the wait behind that burst
 * (about half the burst times the server's CPU per request) rather than what each request adds.
 */
async function runPaced(options: LoadOptions, overallRate: number): Promise<LoadResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: options.connections });
  const latencies: number[] = [];
  let unexpected = 0;
  const inFlight = new Set<Promise<void>>();
  const start = performance.now();
  const end = start + options.durationSeconds * 1000;
  for (let due = start; due < end; due += 1000 / overallRate) {
    const early = due - performance.now();
    if (early > 0) await sleep(early);
    const sent = performance.now();
    const answered = send(options, agent).then((answer) => {
      if (answer === options.expectStatus) latencies.push(performance.now() - sent);
      else {
        unexpected += 1;
        tally(typeof answer === 'number' ? `status ${answer}` : answer);
      }
    });
    inFlight.add(answered);
    void answered.finally(() => inFlight.delete(answered));
  }
  await Promise.all(inFlight);
  agent.destroy();
  return loadResult(options, (performance.now() - start) / 1000, latencies, unexpected);
}

/** One request; its status, or what failed: an error's code, or `timeout` after 10 s. */
function send(options: LoadOptions, agent: Agent): Promise<number | string> {
  const headers = { ...options.headers, ...(options.idempotencyKeys && { 'idempotency-key': freshKey() }) };
  return new Promise((resolve) => {
    const req = request(options.url, { method: options.method ?? 'GET', headers, agent, timeout: 10_000 }, (res) => {
      res.resume();
      res.once('end', () => resolve(res.statusCode ?? 0));
    });
    req.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
    req.once('timeout', () => {
      resolve('timeout');
      req.destroy();
    });
    req.end(options.body);
  });
}

function loadResult(
  options: LoadOptions,
  durationSeconds: number,
  latencies: number[],
  unexpected: number,
): LoadResult {
  latencies.sort((a, b) => a - b);
  return {
    connections: options.connections,
    durationSeconds,
    requestsPerSecond: latencies.length / durationSeconds,
    p50Ms: percentile(latencies, 0.5),
    p99Ms: percentile(latencies, 0.99),
    requests: latencies.length,
    unexpected,
    latencies,
  };
}

let keysSent = 0;
const freshKey = () => {
  keysSent += 1;
  return `bench-${process.pid}-${keysSent}`;
};
const withFreshKey = (request: autocannon.Request): autocannon.Request => ({
  ...request,
  headers: { ...request.headers, 'idempotency-key': freshKey() },
});

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
