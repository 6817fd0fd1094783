/**
 * `npm run bench`: the cost of every layer of the proxy, measured in one run on loopback so the
 * ratios hold on a noisy machine. Prints a table and writes bench/results.json.
 *
 * Topology: the load generator (autocannon, in this process), the server under test, and a fake
 * Pagou each run in their own process, so none shares an event loop with another; on a 2-core
 * machine the three share the cores, the same way for the baselines (a bare `node:http` forwarder
 * and the same forwarder on Express 5) as for the proxy. The proxy under test is the built entry
 * point with the start script's node flags, logging at `info` into a file in $TMPDIR (deleted
 * afterwards), as in production; every server it is compared with runs with the same flags.
 *
 * BENCH_QUICK=1 shortens every duration (and the quiet pause before a checkout, from 60 s to 8 s)
 * and writes its results to $TMPDIR, to check that the bench runs; published figures
 * (bench/results.json) come from a full run. BENCH_ONLY=overhead,tls,… runs only those sections
 * (startup, overhead, tls, catalog, memory, redis, widget), also into $TMPDIR.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseCatalog } from '../server/checkout/catalog.js';
import { priceCheckout } from '../server/checkout/pricing.js';
import { checkoutRequest } from '../server/http/schemas.js';
import { demoCatalogPath } from '../server/lib/paths.js';
import { builtEntry, startNodeFlags } from '../test/support/processes.js';
import { widgetBudgets } from '../test/support/widget-budgets.js';
import { measureCatalogs } from './catalog.js';
import { type Contender, compare, cpuText, type Measured, measure } from './compare.js';
import { checkoutBody, checkoutLoad, type LoadOptions, unexpectedCauses } from './load.js';
import { type MemoryResult, measureMemory } from './memory.js';
import { startHelper } from './processes.js';
import { startBenchProxy } from './proxy.js';
import { measureRedisCost } from './redis.js';
import { formatTable, mb, ms, perSecond, type Row } from './report.js';
import { measureStartup } from './startup.js';
import { measureTlsProvider } from './tls.js';
import { measureWidget, startStorefront } from './widget.js';

const quick = process.env.BENCH_QUICK === '1';
const plan = quick
  ? { loadSeconds: 4, warmupSeconds: 1, memorySeconds: 10, windowSeconds: 3, starts: 3, renders: 3, clicks: 6 }
  : { loadSeconds: 10, warmupSeconds: 3, memorySeconds: 60, windowSeconds: 10, starts: 7, renders: 10, clicks: 21 };
const quietSeconds = quick ? 8 : 60;
const sections = ['startup', 'overhead', 'tls', 'catalog', 'memory', 'redis', 'widget'] as const;
const only = process.env.BENCH_ONLY?.split(',');
const runs = (section: (typeof sections)[number]) => only === undefined || only.includes(section);

const targets = { cpuRatio: 2, addedP50Ms: 1, rssMb: 100, rssGrowth: 0.1, startupMs: 300, clickP50Ms: 50 };
// A quick or partial run's figures are not for publication: they never overwrite the committed results.
const resultsPath =
  quick || only
    ? join(tmpdir(), 'checkout-button-bench-quick.json')
    : fileURLToPath(new URL('results.json', import.meta.url));
const widgetBundle = fileURLToPath(new URL('../dist/widget/checkout-button.js', import.meta.url));
const rateLimitOff = { RATE_LIMIT_PER_MINUTE: '1000000' };

async function main(): Promise<void> {
  if (!existsSync(builtEntry)) throw new Error(`${builtEntry} is missing: run \`npm run bench\` (it builds first)`);
  const logDirectory = mkdtempSync(join(tmpdir(), 'checkout-bench-'));
  const logFile = (name: string) => join(logDirectory, `${name}.log`);
  const startedAt = new Date();
  const loadBefore = loadavg();
  const catalog = parseCatalog(readFileSync(demoCatalogPath));
  const upstreamBody = JSON.stringify(priceCheckout(checkoutRequest.parse(checkoutBody), catalog, undefined));
  const nodeFlags = startNodeFlags;
  const timing = { loadSeconds: plan.loadSeconds, warmupSeconds: plan.warmupSeconds };
  const proxyEnv = { CATALOG_FILE: demoCatalogPath, ...rateLimitOff };
  const rows: Row[] = [];
  const results: Record<string, unknown> = {};
  let unexpected = 0;
  const counted = (...measured: Measured[]) => {
    unexpected += measured.reduce((sum, run) => sum + run.load.unexpected, 0);
  };
  const cleanups: Array<() => Promise<unknown>> = [];
  const stopAll = async () => {
    for (const stop of cleanups.splice(0).reverse()) await stop();
  };
  const line = (measured: Measured) =>
    `${perSecond(measured.load.requestsPerSecond)}  p50 ${ms(measured.load.p50Ms)}  p99 ${ms(measured.load.p99Ms)}  ${cpuText(measured)}`;

  try {
    // First, before any load: after the two 60 s memory runs the same starts read 328 ms against
    // 243-250 ms alone, where two minutes of pure CPU burn beforehand changed nothing (246 ms).
    if (runs('startup')) {
      console.error(`start-up: ${plan.starts} cold starts …`);
      const pagouEnv = { ...proxyEnv, PAGOU_API_KEY: 'bench-key', PAGOU_API_URL: await fastFake(cleanups) };
      const startup = await measureStartup({
        env: pagouEnv,
        logFile: logFile('startup'),
        nodeFlags,
        runs: plan.starts,
        body: JSON.stringify(checkoutBody),
      });
      await stopAll();
      rows.push({
        section: 'Start-up (demo catalog)',
        name: `spawn → first 201, median of ${plan.starts}`,
        value: `${ms(startup.medianMs)}  (RSS then ${mb(startup.medianRssMb)})`,
        target: { text: `≤ ${targets.startupMs} ms`, met: startup.medianMs <= targets.startupMs },
      });
      results.startup = startup;
    }

    if (runs('overhead')) {
      const fake = await startHelper('fake-pagou-fast.ts', {});
      cleanups.push(() => fake.stop());
      const pagouEnv = { ...proxyEnv, PAGOU_API_KEY: 'bench-key', PAGOU_API_URL: fake.origin };
      const forwarderEnv = { UPSTREAM_URL: fake.origin, UPSTREAM_API_KEY: 'bench-key', UPSTREAM_BODY: upstreamBody };
      const bareServer = await startHelper('bare-forwarder.ts', forwarderEnv, nodeFlags);
      cleanups.push(() => bareServer.stop());
      const expressServer = await startHelper('express-forwarder.ts', forwarderEnv, nodeFlags);
      cleanups.push(() => expressServer.stop());
      const proxy = await startBenchProxy({ env: pagouEnv, logFile: logFile('proxy'), nodeFlags });
      cleanups.push(() => proxy.stop());
      const sandbox = await startBenchProxy({ env: proxyEnv, logFile: logFile('sandbox'), nodeFlags });
      cleanups.push(() => sandbox.stop());
      // What the start script's flags cost: the same proxy without them, in the same comparison.
      const unflagged =
        nodeFlags.length > 0
          ? await startBenchProxy({ env: pagouEnv, logFile: logFile('proxy-unflagged'), nodeFlags: [] })
          : undefined;
      if (unflagged) cleanups.push(() => unflagged.stop());
      const bare = { pid: bareServer.child.pid!, origin: bareServer.origin };
      const expressFloor = { pid: expressServer.child.pid!, origin: expressServer.origin };

      console.error('proxy overhead: 50 connections, then 1 connection …');
      const contenders: Record<string, Contender> = { bare, proxy, expressFloor };
      if (unflagged) contenders.proxyWithoutFlags = unflagged;
      const at50 = (await compare(contenders, { connections: 50, ...timing })) as Record<
        'bare' | 'proxy' | 'expressFloor',
        Measured
      > & { proxyWithoutFlags?: Measured };
      const at1 = await compare({ bare, proxy }, { connections: 1, ...timing });

      console.error('middleware cost: sandbox checkout and /healthz …');
      const at50Load = (request: Pick<LoadOptions, 'url' | 'method' | 'headers' | 'body' | 'expectStatus'>) => ({
        ...request,
        connections: 50,
        durationSeconds: plan.loadSeconds,
      });
      const sandboxCheckout = await measure(sandbox.pid, at50Load(checkoutLoad(sandbox.origin)), plan.warmupSeconds);
      const health = await measure(
        proxy.pid,
        at50Load({ url: `${proxy.origin}/healthz`, method: 'GET', headers: {}, expectStatus: 200 }),
        plan.warmupSeconds,
      );
      await stopAll();
      counted(...Object.values(at50), at1.bare, at1.proxy, health, sandboxCheckout);

      const cpuRatio = at50.proxy.serverCpuMicroseconds / at50.expressFloor.serverCpuMicroseconds;
      const addedP50 = at1.proxy.load.p50Ms - at1.bare.load.p50Ms;
      rows.push(
        {
          section: `Proxy overhead, POST /api/checkout (Pagou → fake Pagou answering at once), every server with node flags "${nodeFlags.join(' ')}"`,
          name: 'bare node:http forwarder, 50 connections',
          value: line(at50.bare),
        },
        {
          section: '',
          name: 'Express 5 forwarder (one route, express.json(), nothing else), 50 connections',
          value: line(at50.expressFloor),
        },
        { section: '', name: 'proxy, every feature on, 50 connections', value: line(at50.proxy) },
        ...(at50.proxyWithoutFlags
          ? [
              {
                section: '',
                name: 'the same proxy without node flags (V8 defaults)',
                value: line(at50.proxyWithoutFlags),
              },
            ]
          : []),
        {
          section: '',
          name: 'CPU per checkout, proxy / Express 5 forwarder',
          value: `${cpuRatio.toFixed(2)}×`,
          target: { text: `≤ ${targets.cpuRatio}×`, met: cpuRatio <= targets.cpuRatio },
        },
        {
          section: '',
          name: 'throughput proxy / bare, Express 5 forwarder / bare',
          value: `${(at50.proxy.load.requestsPerSecond / at50.bare.load.requestsPerSecond).toFixed(2)}×, ${(at50.expressFloor.load.requestsPerSecond / at50.bare.load.requestsPerSecond).toFixed(2)}×`,
        },
        { section: '', name: 'bare node:http forwarder, 1 connection', value: line(at1.bare) },
        { section: '', name: 'proxy, 1 connection', value: line(at1.proxy) },
        {
          section: '',
          name: 'added p50 latency, 1 connection',
          value: ms(addedP50),
          target: { text: `≤ ${targets.addedP50Ms} ms`, met: addedP50 <= targets.addedP50Ms },
        },
        {
          section: 'Middleware cost, 50 connections',
          name: 'GET /healthz (logging, helmet, routing)',
          value: line(health),
        },
        {
          section: '',
          name: 'POST /api/checkout, sandbox (+ rate limit, CORS, body, zod, pricing)',
          value: line(sandboxCheckout),
        },
        { section: '', name: 'POST /api/checkout, Pagou (+ the upstream call)', value: line(at50.proxy) },
      );
      results.overhead = { connections50: at50, connections1: at1, cpuRatio, addedP50Ms: addedP50 };
      results.middleware = { health, sandboxCheckout };
    }

    if (runs('tls')) {
      const tls = await measureTlsProvider({
        ...timing,
        quietSeconds,
        nodeFlags,
        env: proxyEnv,
        upstreamBody,
        logFile: logFile('tls'),
      });
      rows.push(...tls.rows);
      unexpected += tls.result.unexpected;
      results.tls = tls.result;
    }

    if (runs('catalog')) {
      const catalogs = await measureCatalogs({
        ...timing,
        starts: quick ? 3 : 5,
        nodeFlags,
        env: { ...rateLimitOff, PAGOU_API_KEY: 'bench-key', PAGOU_API_URL: await fastFake(cleanups) },
        directory: logDirectory,
        logFile,
      });
      await stopAll();
      rows.push(...catalogs.rows);
      unexpected += catalogs.result.unexpected;
      results.catalog = catalogs.result;
    }

    if (runs('memory')) {
      const pagouEnv = { ...proxyEnv, PAGOU_API_KEY: 'bench-key', PAGOU_API_URL: await fastFake(cleanups) };
      // The start script's flags are judged; without them, V8's default heap sizing, for comparison.
      const flagSets = nodeFlags.length > 0 ? [nodeFlags, []] : [nodeFlags];
      const memory: Array<MemoryResult & { nodeFlags: readonly string[] }> = [];
      for (const flags of flagSets) {
        console.error(`memory: ${plan.memorySeconds} s at 200 connections with node flags "${flags.join(' ')}" …`);
        const fresh = await startBenchProxy({ env: pagouEnv, logFile: logFile('memory'), nodeFlags: [...flags] });
        cleanups.push(() => fresh.stop());
        const result = await measureMemory(
          fresh.pid,
          { ...checkoutLoad(fresh.origin), connections: 200, durationSeconds: plan.memorySeconds },
          plan.windowSeconds,
        );
        await cleanups.pop()!();
        unexpected += result.load.unexpected;
        rows.push(...memoryRows(result, flags, flags === nodeFlags));
        memory.push({ ...result, nodeFlags: flags });
      }
      await stopAll();
      results.memory = memory;
    }

    if (runs('redis')) {
      const redis = await measureRedisCost({ ...timing, logFile });
      rows.push(...redis.rows);
      unexpected += redis.result.unexpected;
      results.redis = redis.result;
    }

    if (runs('widget')) {
      const widget = await widgetRows(logFile, cleanups);
      await stopAll();
      rows.push(...widget.rows);
      results.widget = widget.result;
    }

    rows.push({
      section: 'Sanity',
      name: 'answers with an unexpected status, errors or timeouts',
      value: String(unexpected),
      target: { text: '0', met: unexpected === 0 },
    });

    const loadAfter = loadavg();
    const machine = `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, Node ${process.version}, load average ${loadBefore[0]!.toFixed(2)} before, ${loadAfter[0]!.toFixed(2)} after`;
    console.log(
      `checkout-button bench — ${startedAt.toISOString()}${quick ? ' — BENCH_QUICK (not for publication)' : ''}\n${machine}`,
    );
    console.log(formatTable(rows));

    writeFileSync(
      resultsPath,
      `${JSON.stringify(
        {
          startedAt: startedAt.toISOString(),
          quick,
          only: only ?? null,
          machine: { cpus: cpus().length, model: cpus()[0]?.model, node: process.version, loadBefore, loadAfter },
          topology:
            'autocannon in the bench process; the server under test and a fake Pagou each in their own process; all on 127.0.0.1',
          nodeFlags,
          plan: { ...plan, quietSeconds },
          targets,
          ...results,
          unexpectedCauses: Object.fromEntries(unexpectedCauses),
          rows,
        },
        null,
        2,
      )}\n`,
    );
    console.log(`\nWrote ${resultsPath}`);
  } finally {
    await stopAll();
    // An unexpected answer is looked into, and the servers' logs say what it was.
    if (unexpected === 0) rmSync(logDirectory, { recursive: true, force: true });
    else {
      const causes = [...unexpectedCauses].map(([cause, count]) => `${count} × ${cause}`).join(', ');
      console.error(`${unexpected} unexpected answers (${causes}): the servers' logs are kept in ${logDirectory}`);
    }
  }
}

/** A fake Pagou answering at once, stopped with the section's other processes; its origin. */
async function fastFake(cleanups: Array<() => Promise<unknown>>): Promise<string> {
  const fake = await startHelper('fake-pagou-fast.ts', {});
  cleanups.push(() => fake.stop());
  return fake.origin;
}

/** The targets apply to the proxy as `npm start` runs it; a run with other flags is for comparison. */
function memoryRows(result: MemoryResult, flags: readonly string[], judged: boolean): Row[] {
  const growth = result.lastWindowMb / result.firstWindowMb - 1;
  return [
    {
      section: `Memory (RSS), ${plan.memorySeconds} s of POST /api/checkout at 200 connections, node flags "${flags.join(' ')}"${judged ? ' (npm start)' : ''}`,
      name: 'idle, after start',
      value: mb(result.idleMb),
    },
    { section: '', name: `first ${plan.windowSeconds} s average`, value: mb(result.firstWindowMb) },
    {
      section: '',
      name: `last ${plan.windowSeconds} s average`,
      value: `${mb(result.lastWindowMb)} (${growth >= 0 ? '+' : ''}${(100 * growth).toFixed(1)} %)`,
      target: judged
        ? { text: `≤ +${100 * targets.rssGrowth} % (no growth)`, met: growth <= targets.rssGrowth }
        : undefined,
    },
    {
      section: '',
      name: 'peak',
      value: mb(result.maxMb),
      target: judged ? { text: `≤ ${targets.rssMb} MB`, met: result.maxMb <= targets.rssMb } : undefined,
    },
    {
      section: '',
      name: 'throughput during the run',
      value: `${perSecond(result.load.requestsPerSecond)}  p99 ${ms(result.load.p99Ms)}`,
    },
  ];
}

async function widgetRows(logFile: (name: string) => string, cleanups: Array<() => Promise<unknown>>) {
  if (!existsSync(widgetBundle)) {
    console.error(`widget: skipped, ${widgetBundle} is not built`);
    return { rows: [], result: null };
  }
  console.error('widget: size, render and click in Chromium …');
  const storefront = await startStorefront();
  cleanups.push(storefront.close);
  const checkoutPages = await startHelper('fake-pagou-fast.ts', { CHECKOUT_URL_BASE: `${storefront.url}/checkout` });
  cleanups.push(() => checkoutPages.stop());
  const widgetProxy = await startBenchProxy({
    env: {
      PAGOU_API_KEY: 'bench-key',
      PAGOU_API_URL: checkoutPages.origin,
      CATALOG_FILE: demoCatalogPath,
      ALLOWED_ORIGINS: storefront.url,
      ...rateLimitOff,
    },
    logFile: logFile('widget'),
  });
  cleanups.push(() => widgetProxy.stop());
  storefront.setProxy(widgetProxy.origin, checkoutBody.items[0]!.product);
  const widget = await measureWidget({
    proxyUrl: widgetProxy.origin,
    storefrontUrl: storefront.url,
    renders: plan.renders,
    clicks: plan.clicks,
  });
  const rows: Row[] = [
    {
      section: 'Widget (headless Chromium)',
      name: 'GET /checkout-button.js, gzip: the first download',
      value: `${(widget.gzipBytes / 1024).toFixed(1)} kB (${(widget.plainBytes / 1024).toFixed(1)} kB plain)`,
      target: {
        text: `≤ ${widgetBudgets.firstDownloadBytes / 1024} kB`,
        met: widget.gzipBytes <= widgetBudgets.firstDownloadBytes,
      },
    },
    {
      section: '',
      name: 'with the chunks it fetches after a failure, gzip',
      value: `${(widget.totalGzipBytes / 1024).toFixed(1)} kB`,
      target: {
        text: `≤ ${widgetBudgets.totalBytes / 1024} kB`,
        met: widget.totalGzipBytes <= widgetBudgets.totalBytes,
      },
    },
    {
      section: '',
      name: `navigation → rendered button, p50 of ${plan.renders} cold loads`,
      value: ms(widget.renderMs.p50),
    },
    { section: '', name: 'click → checkout navigation, first click (cold)', value: ms(widget.clickMs.first) },
    {
      section: '',
      name: `click → checkout navigation, p50 of ${plan.clicks - 1} warm clicks`,
      value: `${ms(widget.clickMs.p50)} (p90 ${ms(widget.clickMs.p90)})`,
      target: { text: `≤ ${targets.clickP50Ms} ms`, met: widget.clickMs.p50 <= targets.clickP50Ms },
    },
  ];
  return { rows, result: widget };
}

await main();
