/**
 * `npm run bench`: the cost of every layer of the proxy, measured in one run on loopback so the
 * ratios hold on a noisy machine. Prints a table and writes bench/results.json.
 *
 * Topology: the load generator (autocannon, in this process), the server under test, and a fake
 * Pagou each run in their own process, so none shares an event loop with another; on a 2-core
 * machine the three share the cores, the same way for the baselines (a bare `node:http` forwarder
 * and the same forwarder on Express 5) as for the proxy. The proxy under test is the built entry
 * point with the start script's node flags, logging at `info` into a file in $TMPDIR (deleted
 * afterwards), as in production.
 *
 * BENCH_QUICK=1 shortens every duration and writes its results to $TMPDIR, to check that the bench
 * runs; published figures (bench/results.json) come from a full run.
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
import { checkoutBody, checkoutLoad, combine, type LoadOptions, type LoadResult, runLoad } from './load.js';
import { type MemoryResult, measureMemory } from './memory.js';
import { cpuMilliseconds, startHelper } from './processes.js';
import { startBenchProxy } from './proxy.js';
import { measureRedisCost } from './redis.js';
import { formatTable, mb, ms, perSecond, type Row } from './report.js';
import { measureStartup } from './startup.js';
import { measureWidget, startStorefront } from './widget.js';

const quick = process.env.BENCH_QUICK === '1';
const plan = quick
  ? { loadSeconds: 4, warmupSeconds: 1, memorySeconds: 10, windowSeconds: 3, starts: 3, renders: 3, clicks: 6 }
  : { loadSeconds: 10, warmupSeconds: 3, memorySeconds: 60, windowSeconds: 10, starts: 7, renders: 10, clicks: 21 };

const targets = { throughputRatio: 0.8, addedP50Ms: 1, rssMb: 100, rssGrowth: 0.1, startupMs: 500, clickP50Ms: 50 };
// A quick run's figures are not for publication: they never overwrite the committed results.
const resultsPath = quick
  ? join(tmpdir(), 'checkout-button-bench-quick.json')
  : fileURLToPath(new URL('results.json', import.meta.url));
const widgetBundle = fileURLToPath(new URL('../dist/widget/checkout-button.js', import.meta.url));
const rateLimitOff = { RATE_LIMIT_PER_MINUTE: '1000000' };

interface Measured {
  load: Omit<LoadResult, 'latencies'>;
  /** CPU time the server under test spent per answered request. */
  serverCpuMicroseconds: number;
}

const withoutLatencies = ({ latencies: _latencies, ...rest }: LoadResult) => rest;

interface Run {
  result: LoadResult;
  serverCpuMicroseconds: number;
}

/** One run of a load on one server, with the CPU time the server spent per answered request. */
async function measure(pid: number, load: LoadOptions): Promise<Run> {
  const before = cpuMilliseconds(pid);
  const result = await runLoad(load);
  return { result, serverCpuMicroseconds: (1000 * (cpuMilliseconds(pid) - before)) / result.requests };
}

const summary = ({ result, serverCpuMicroseconds }: Run): Measured => ({
  load: withoutLatencies(result),
  serverCpuMicroseconds,
});

interface Contender {
  pid: number;
  origin: string;
}

/**
 * Servers under the same load, each measured for half the duration in turn, then again in reverse
 * order (A B C C B A), so drift in the machine's load weighs on all alike.
 */
async function compare<Name extends string>(
  servers: Record<Name, Contender>,
  connections: number,
): Promise<Record<Name, Measured>> {
  const loadFor = (url: string): LoadOptions => ({
    ...checkoutLoad(url),
    connections,
    durationSeconds: plan.loadSeconds / 2,
  });
  const names = Object.keys(servers) as Name[];
  for (const name of names) await runLoad({ ...loadFor(servers[name].origin), durationSeconds: plan.warmupSeconds });
  const halves = new Map<Name, Run[]>(names.map((name) => [name, []]));
  for (const name of [...names, ...[...names].reverse()]) {
    halves.get(name)!.push(await measure(servers[name].pid, loadFor(servers[name].origin)));
  }
  const merged = {} as Record<Name, Measured>;
  for (const [name, runs] of halves) {
    const result = combine(runs.map((run) => run.result));
    const cpu = runs.reduce((sum, run) => sum + run.serverCpuMicroseconds * run.result.requests, 0) / result.requests;
    merged[name] = summary({ result, serverCpuMicroseconds: cpu });
  }
  return merged;
}

async function main(): Promise<void> {
  if (!existsSync(builtEntry)) throw new Error(`${builtEntry} is missing: run \`npm run bench\` (it builds first)`);
  const logDirectory = mkdtempSync(join(tmpdir(), 'checkout-bench-'));
  const logFile = (name: string) => join(logDirectory, `${name}.log`);
  const startedAt = new Date();
  const loadBefore = loadavg();
  const catalog = parseCatalog(readFileSync(demoCatalogPath, 'utf8'));
  const upstreamBody = JSON.stringify(priceCheckout(checkoutRequest.parse(checkoutBody), catalog, undefined));
  const cleanups: Array<() => Promise<unknown>> = [];

  try {
    const fake = await startHelper('fake-pagou-fast.ts', {});
    cleanups.push(fake.stop);
    const pagouEnv = {
      PAGOU_API_KEY: 'bench-key',
      PAGOU_API_URL: fake.origin,
      CATALOG_FILE: demoCatalogPath,
      ...rateLimitOff,
    };
    const forwarderEnv = { UPSTREAM_URL: fake.origin, UPSTREAM_API_KEY: 'bench-key', UPSTREAM_BODY: upstreamBody };
    const bareServer = await startHelper('bare-forwarder.ts', forwarderEnv);
    cleanups.push(bareServer.stop);
    const expressServer = await startHelper('express-forwarder.ts', forwarderEnv);
    cleanups.push(expressServer.stop);
    const proxy = await startBenchProxy({ env: pagouEnv, logFile: logFile('proxy') });
    cleanups.push(proxy.stop);
    const sandbox = await startBenchProxy({ env: rateLimitOff, logFile: logFile('sandbox') });
    cleanups.push(sandbox.stop);
    const unflaggedProxy = await startBenchProxy({ env: pagouEnv, logFile: logFile('proxy-unflagged'), nodeFlags: [] });
    cleanups.push(unflaggedProxy.stop);
    const bare = { pid: bareServer.child.pid!, origin: bareServer.origin };
    const expressFloor = { pid: expressServer.child.pid!, origin: expressServer.origin };

    console.error('proxy overhead: 50 connections, then 1 connection …');
    const at50 = await compare({ bare, proxy, expressFloor }, 50);
    const at1 = await compare({ bare, proxy }, 1);

    console.error('middleware cost: sandbox checkout and /healthz …');
    const layerLoad = (url: string, extra: Partial<LoadOptions> = {}): LoadOptions => ({
      ...checkoutLoad(url),
      connections: 50,
      durationSeconds: plan.loadSeconds,
      ...extra,
    });
    await runLoad({ ...layerLoad(sandbox.origin), durationSeconds: plan.warmupSeconds });
    const sandboxCheckout = summary(await measure(sandbox.pid, layerLoad(sandbox.origin)));
    const healthLoad = layerLoad(proxy.origin, {
      url: `${proxy.origin}/healthz`,
      method: 'GET',
      body: undefined,
      headers: {},
      expectStatus: 200,
    });
    await runLoad({ ...healthLoad, durationSeconds: plan.warmupSeconds });
    const health = summary(await measure(proxy.pid, healthLoad));
    await runLoad({ ...layerLoad(unflaggedProxy.origin), durationSeconds: plan.warmupSeconds });
    const unflaggedCheckout = summary(await measure(unflaggedProxy.pid, layerLoad(unflaggedProxy.origin)));
    for (const stop of cleanups.splice(1)) await stop();

    const memoryRun = async (nodeFlags: string[]) => {
      console.error(`memory: ${plan.memorySeconds} s at 200 connections with node flags "${nodeFlags.join(' ')}" …`);
      const fresh = await startBenchProxy({ env: pagouEnv, logFile: logFile('memory'), nodeFlags });
      cleanups.push(fresh.stop);
      const result = await measureMemory(
        fresh.pid,
        { ...checkoutLoad(fresh.origin), connections: 200, durationSeconds: plan.memorySeconds },
        plan.windowSeconds,
      );
      await cleanups.pop()!();
      return result;
    };
    const memory = await memoryRun(startNodeFlags);
    const unflaggedMemory = await memoryRun([]);

    console.error(`start-up: ${plan.starts} cold starts …`);
    const startup = await measureStartup({
      env: pagouEnv,
      logFile: logFile('startup'),
      runs: plan.starts,
      body: JSON.stringify(checkoutBody),
    });

    const redis = await measureRedisCost({
      loadSeconds: plan.loadSeconds,
      warmupSeconds: plan.warmupSeconds,
      logFile,
    });

    let widget: Awaited<ReturnType<typeof measureWidget>> | undefined;
    if (existsSync(widgetBundle)) {
      console.error('widget: size, render and click in Chromium …');
      const storefront = await startStorefront();
      cleanups.push(storefront.close);
      const checkoutPages = await startHelper('fake-pagou-fast.ts', {
        CHECKOUT_URL_BASE: `${storefront.url}/checkout`,
      });
      cleanups.push(checkoutPages.stop);
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
      cleanups.push(widgetProxy.stop);
      storefront.setProxy(widgetProxy.origin, checkoutBody.items[0]!.product);
      widget = await measureWidget({
        proxyUrl: widgetProxy.origin,
        storefrontUrl: storefront.url,
        renders: plan.renders,
        clicks: plan.clicks,
      });
    } else {
      console.error(`widget: skipped, ${widgetBundle} is not built`);
    }

    const throughputRatio = at50.proxy.load.requestsPerSecond / at50.bare.load.requestsPerSecond;
    const expressFloorRatio = at50.expressFloor.load.requestsPerSecond / at50.bare.load.requestsPerSecond;
    const addedP50 = at1.proxy.load.p50Ms - at1.bare.load.p50Ms;
    /** The targets apply to the proxy as shipped; the run without its flags is for comparison. */
    const memoryRows = (section: string, result: MemoryResult, judged: boolean): Row[] => {
      const growth = result.lastWindowMb / result.firstWindowMb - 1;
      return [
        { section, name: 'idle, after start', value: mb(result.idleMb) },
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
    };
    const cpu = (measured: Measured) => `${Math.round(measured.serverCpuMicroseconds)} µs CPU/req`;
    const line = (measured: Measured) =>
      `${perSecond(measured.load.requestsPerSecond)}  p50 ${ms(measured.load.p50Ms)}  p99 ${ms(measured.load.p99Ms)}  ${cpu(measured)}`;

    const rows: Row[] = [
      {
        section: 'Proxy overhead, POST /api/checkout (Pagou → fake Pagou answering at once)',
        name: 'bare node:http forwarder, 50 connections',
        value: line(at50.bare),
      },
      { section: '', name: 'proxy, 50 connections', value: line(at50.proxy) },
      {
        section: '',
        name: 'throughput proxy / bare, 50 connections',
        value: `${throughputRatio.toFixed(2)}×`,
        target: { text: `≥ ${targets.throughputRatio}×`, met: throughputRatio >= targets.throughputRatio },
      },
      {
        section: '',
        name: 'Express 5 forwarder (one route, express.json(), nothing else), 50 connections',
        value: line(at50.expressFloor),
      },
      {
        section: '',
        name: "throughput Express 5 forwarder / bare, 50 connections (any Express proxy's ceiling)",
        value: `${expressFloorRatio.toFixed(2)}×`,
      },
      {
        section: '',
        name: 'p50 proxy − bare, 50 connections (queueing)',
        value: ms(at50.proxy.load.p50Ms - at50.bare.load.p50Ms),
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
      { section: '', name: 'bare forwarder (the upstream call alone)', value: line(at50.bare) },
      {
        section: '',
        name: "POST /api/checkout, Pagou, without the start script's V8 flags",
        value: line(unflaggedCheckout),
      },
      ...memoryRows(
        `Memory (RSS), ${plan.memorySeconds} s of POST /api/checkout at 200 connections, as \`npm start\` runs it`,
        memory,
        true,
      ),
      ...memoryRows(
        "Memory, the same without the start script's V8 flags (V8's default heap sizing)",
        unflaggedMemory,
        false,
      ),
      {
        section: 'Start-up',
        name: `spawn → first 201, median of ${plan.starts}`,
        value: ms(startup.medianMs),
        target: { text: `≤ ${targets.startupMs} ms`, met: startup.medianMs <= targets.startupMs },
      },
    ];
    rows.push(...redis.rows);
    if (widget) {
      rows.push(
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
      );
    }
    const unexpected =
      [
        at50.bare,
        at50.proxy,
        at50.expressFloor,
        at1.bare,
        at1.proxy,
        health,
        sandboxCheckout,
        unflaggedCheckout,
      ].reduce((sum, measured) => sum + measured.load.unexpected, 0) +
      memory.load.unexpected +
      unflaggedMemory.load.unexpected +
      redis.result.unexpected;
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
          machine: { cpus: cpus().length, model: cpus()[0]?.model, node: process.version, loadBefore, loadAfter },
          topology:
            'autocannon in the bench process; the server under test and a fake Pagou each in their own process; all on 127.0.0.1',
          plan,
          targets,
          overhead: {
            connections50: at50,
            connections1: at1,
            throughputRatio,
            expressFloorRatio,
            addedP50Ms: addedP50,
          },
          middleware: {
            health,
            sandboxCheckout,
            pagouCheckout: at50.proxy,
            bare: at50.bare,
            pagouCheckoutWithoutNodeFlags: unflaggedCheckout,
          },
          memory: { nodeFlags: startNodeFlags, ...memory },
          unflaggedMemory: { nodeFlags: [], ...unflaggedMemory },
          startup,
          redis: redis.result,
          widget: widget ?? null,
          rows,
        },
        null,
        2,
      )}\n`,
    );
    console.log(`\nWrote ${resultsPath}`);
  } finally {
    for (const stop of cleanups.reverse()) await stop();
    rmSync(logDirectory, { recursive: true, force: true });
  }
}

await main();
