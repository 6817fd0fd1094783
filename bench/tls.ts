/**
 * A provider across the internet: HTTPS, 20 ms per answer. The proxy against a bare forwarder on
 * the same fake (p50 at 1 and at 50 connections, interleaved), and what a quiet store's checkout
 * pays: the TLS handshakes the fake accepts for one checkout that comes `quietSeconds` after the
 * previous one, through the proxy (its own connection pool) and through the bare forwarder (Node's
 * global agent, which closes an idle connection after 5 s); and, against a provider that closes idle
 * connections after 2 s, a checkout after it did, as it comes and warmed first as the widget does.
 *
 * The fake's certificate is made at the start of the run (`openssl`); the proxy and the forwarder
 * trust it through NODE_EXTRA_CA_CERTS, verifying it as they would a real provider's.
 */
import { request } from 'node:http';
import { sleep } from '../test/support/processes.js';
import { selfSignedCertificate } from '../test/support/tls.js';
import { compare, cpuText, type Measured } from './compare.js';
import { checkoutBody } from './load.js';
import { type HelperServer, handshakes, startHelper } from './processes.js';
import { startBenchProxy } from './proxy.js';
import { ms, perSecond, type Row } from './report.js';

export const tlsTargets = { addedP50Ms: 1, quietHandshakes: 0 };
export const PROVIDER_DELAY_MS = 20;
/** A provider that keeps an idle connection this long (announced, so the proxy drops it a second sooner). */
const SHORT_KEEP_ALIVE_MS = 2_000;
/** How long before the click the shopper's pointer reaches the button and the widget warms the way. */
const WARM_UP_LEAD_MS = 200;
/**
 * The 50 connections send this many checkouts a second in all (each could send 50): the question
 * is what the proxy adds to a checkout's wait while many are in flight, not how many it makes at
 * saturation (the CPU rows answer that); a saturated 2-core machine would measure its own queue.
 */
export const BUSY_STORE_RATE = 100;

export interface TlsOptions {
  loadSeconds: number;
  warmupSeconds: number;
  /** How long the store is quiet before the next checkout (60 s in a full run). */
  quietSeconds: number;
  nodeFlags: readonly string[];
  /** The proxy's variables besides the provider's. */
  env: Record<string, string>;
  /** What the forwarder sends upstream: the proxy's priced body for the bench's checkout. */
  upstreamBody: string;
  logFile: string;
}

export interface QuietCheckout {
  /** TLS handshakes the fake accepted for this one checkout. */
  handshakes: number;
  latencyMs: number;
}

export interface TlsResult {
  quietSeconds: number;
  connections1: Record<'bare' | 'proxy', Measured>;
  connections50: Record<'bare' | 'proxy', Measured>;
  addedP50Ms: { connections1: number; connections50: number };
  quiet: { proxy: QuietCheckout; bare: QuietCheckout };
  /** Through the proxy, to a provider that had closed the idle connection: as it comes, and warmed first. */
  afterClose: { cold: QuietCheckout; warmed: QuietCheckout };
  unexpected: number;
}

export async function measureTlsProvider(options: TlsOptions): Promise<{ result: TlsResult; rows: Row[] }> {
  const certificate = selfSignedCertificate();
  const trust = { NODE_EXTRA_CA_CERTS: certificate.certFile };
  const cleanups: Array<() => Promise<unknown>> = [];
  /** The HTTPS fake, keeping idle connections 75 s unless `keepAliveMs` says otherwise. */
  const startFake = async (keepAliveMs?: number) => {
    const fake = await startHelper('fake-pagou-fast.ts', {
      TLS_CERT_FILE: certificate.certFile,
      TLS_KEY_FILE: certificate.keyFile,
      DELAY_MS: String(PROVIDER_DELAY_MS),
      ...(keepAliveMs !== undefined && { KEEP_ALIVE_MS: String(keepAliveMs) }),
    });
    cleanups.push(() => fake.stop());
    return fake;
  };
  const startProxyFor = async (fake: HelperServer) => {
    const proxy = await startBenchProxy({
      env: { ...options.env, ...trust, PAGOU_API_KEY: 'bench-key', PAGOU_API_URL: fake.origin },
      logFile: options.logFile,
      nodeFlags: [...options.nodeFlags],
    });
    cleanups.push(() => proxy.stop());
    return proxy;
  };
  try {
    const fake = await startFake();
    const bareServer = await startHelper(
      'bare-forwarder.ts',
      { ...trust, UPSTREAM_URL: fake.origin, UPSTREAM_API_KEY: 'bench-key', UPSTREAM_BODY: options.upstreamBody },
      options.nodeFlags,
    );
    cleanups.push(() => bareServer.stop());
    const proxy = await startProxyFor(fake);
    const bare = { pid: bareServer.child.pid!, origin: bareServer.origin };
    const timing = { loadSeconds: options.loadSeconds, warmupSeconds: options.warmupSeconds };

    console.error(`https provider (+${PROVIDER_DELAY_MS} ms): 1 connection, then 50 …`);
    const connections1 = await compare({ bare, proxy }, { connections: 1, ...timing });
    const connections50 = await compare({ bare, proxy }, { connections: 50, overallRate: BUSY_STORE_RATE, ...timing });

    console.error(`https provider: one checkout after ${options.quietSeconds} s of quiet …`);
    await quietCheckout(fake, proxy.origin);
    await quietCheckout(fake, bare.origin);
    await sleep(options.quietSeconds * 1000);
    const quiet = { proxy: await quietCheckout(fake, proxy.origin), bare: await quietCheckout(fake, bare.origin) };

    console.error('https provider that closes idle connections: a checkout after it did, cold, then warmed …');
    const closingFake = await startFake(SHORT_KEEP_ALIVE_MS);
    const closingProxy = await startProxyFor(closingFake);
    const afterClose = async (warm: boolean) => {
      await quietCheckout(closingFake, closingProxy.origin);
      await sleep(SHORT_KEEP_ALIVE_MS + 1_000);
      if (warm) {
        await warmUp(closingProxy.origin);
        await sleep(WARM_UP_LEAD_MS);
      }
      return quietCheckout(closingFake, closingProxy.origin);
    };
    const cold = await afterClose(false);
    const warmed = await afterClose(true);

    const result: TlsResult = {
      quietSeconds: options.quietSeconds,
      connections1,
      connections50,
      addedP50Ms: {
        connections1: connections1.proxy.load.p50Ms - connections1.bare.load.p50Ms,
        connections50: connections50.proxy.load.p50Ms - connections50.bare.load.p50Ms,
      },
      quiet,
      afterClose: { cold, warmed },
      unexpected: [connections1, connections50]
        .flatMap((pair) => [pair.bare, pair.proxy])
        .reduce((sum, measured) => sum + measured.load.unexpected, 0),
    };
    return { result, rows: rowsFor(result) };
  } finally {
    for (const stop of cleanups.reverse()) await stop();
  }
}

/** What the widget sends when a shopper's pointer reaches a button: `GET /api/checkout`. */
async function warmUp(origin: string): Promise<void> {
  const status = await new Promise<number>((resolve, reject) => {
    const req = request(`${origin}/api/checkout`, { agent: false }, (res) => {
      res.resume();
      res.once('end', () => resolve(res.statusCode ?? 0));
    });
    req.once('error', reject);
    req.end();
  });
  if (status !== 204) throw new Error(`a warm-up at ${origin} answered ${status}`);
}

/** One checkout on a fresh client connection, and the handshakes it cost upstream. */
async function quietCheckout(fake: HelperServer, origin: string): Promise<QuietCheckout> {
  const before = await handshakes(fake);
  const started = performance.now();
  const status = await new Promise<number>((resolve, reject) => {
    const req = request(
      `${origin}/api/checkout`,
      { method: 'POST', agent: false, headers: { 'content-type': 'application/json' } },
      (res) => {
        res.resume();
        res.once('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.once('error', reject);
    req.end(JSON.stringify(checkoutBody));
  });
  const latencyMs = performance.now() - started;
  if (status !== 201) throw new Error(`a quiet checkout at ${origin} answered ${status}`);
  return { handshakes: (await handshakes(fake)) - before, latencyMs };
}

function rowsFor(result: TlsResult): Row[] {
  const line = (measured: Measured) =>
    `${perSecond(measured.load.requestsPerSecond)}  p50 ${ms(measured.load.p50Ms)}  p99 ${ms(measured.load.p99Ms)}  ${cpuText(measured)}`;
  const added = (value: number) => ({
    text: `≤ ${tlsTargets.addedP50Ms} ms`,
    met: value <= tlsTargets.addedP50Ms,
  });
  const quiet = ({ handshakes, latencyMs }: QuietCheckout) =>
    `${handshakes} new TLS handshake${handshakes === 1 ? '' : 's'}, ${ms(latencyMs)}`;
  return [
    {
      section: `HTTPS provider answering in ${PROVIDER_DELAY_MS} ms (self-signed, verified), POST /api/checkout`,
      name: 'bare forwarder, 1 connection',
      value: line(result.connections1.bare),
    },
    { section: '', name: 'proxy, 1 connection', value: line(result.connections1.proxy) },
    {
      section: '',
      name: 'p50 proxy − bare, 1 connection',
      value: ms(result.addedP50Ms.connections1),
      target: added(result.addedP50Ms.connections1),
    },
    {
      section: '',
      name: `bare forwarder, 50 connections, ${BUSY_STORE_RATE} checkouts/s in all`,
      value: line(result.connections50.bare),
    },
    {
      section: '',
      name: `proxy, 50 connections, ${BUSY_STORE_RATE} checkouts/s in all`,
      value: line(result.connections50.proxy),
    },
    {
      section: '',
      name: 'p50 proxy − bare, 50 connections',
      value: ms(result.addedP50Ms.connections50),
      target: added(result.addedP50Ms.connections50),
    },
    {
      section: '',
      name: `proxy: a checkout ${result.quietSeconds} s after the previous one`,
      value: quiet(result.quiet.proxy),
      target: {
        text: `${tlsTargets.quietHandshakes} handshakes`,
        met: result.quiet.proxy.handshakes <= tlsTargets.quietHandshakes,
      },
    },
    {
      section: '',
      name: `bare forwarder (Node's global agent, 5 s idle): the same`,
      value: quiet(result.quiet.bare),
    },
    {
      section: '',
      name: `proxy: a checkout after the provider closed the idle connection`,
      value: quiet(result.afterClose.cold),
    },
    {
      section: '',
      name: `the same, warmed ${WARM_UP_LEAD_MS} ms before (the widget's GET on pointer or focus)`,
      value: quiet(result.afterClose.warmed),
      target: {
        text: `${tlsTargets.quietHandshakes} handshakes`,
        met: result.afterClose.warmed.handshakes <= tlsTargets.quietHandshakes,
      },
    },
  ];
}
