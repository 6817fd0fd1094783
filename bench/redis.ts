/**
 * The cost of `REDIS_URL`: the p50 latency a checkout gains when its Idempotency-Key record and
 * rate-limit counter live in Redis rather than in the instance's memory (1 connection, a fresh key
 * per request as the widget sends, Pagou → the fake answering at once), and the throughput of two
 * instances sharing one Redis against one instance alone (50 connections in all).
 *
 * A real `redis-server` runs on loopback, in its own process like everything else; on a 2-core
 * machine the two instances, Redis, the fake Pagou and the load generator share the cores, so two
 * instances measure what sharing costs, not what a second machine would add.
 *
 * Part of `npm run bench`; alone: `npm run bench:redis` (BENCH_QUICK=1 shortens it).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { demoCatalogPath } from '../server/lib/paths.js';
import { sleep } from '../test/support/processes.js';
import { launchRedis } from '../test/support/redis.js';
import { checkoutLoad, combine, type LoadOptions, type LoadResult, percentile, runLoad } from './load.js';
import { cpuMilliseconds, startHelper } from './processes.js';
import { startBenchProxy } from './proxy.js';
import { formatTable, ms, perSecond, type Row } from './report.js';

export const redisTargets = { addedP50Ms: 0.5 };

export interface RedisCostOptions {
  loadSeconds: number;
  warmupSeconds: number;
  /** Where each proxy's log goes, by name. */
  logFile(name: string): string;
}

type Summary = Omit<LoadResult, 'latencies'>;

export interface RedisCost {
  /** 1 connection, state in the instance's memory. */
  memory: Summary;
  /** 1 connection, state in Redis. */
  redis: Summary;
  addedP50Ms: number;
  /** CPU time the proxy spent per checkout, state in memory and in Redis (less noisy than latency on a busy machine). */
  cpuMicroseconds: { memory: number; redis: number };
  /** 50 connections on one instance with REDIS_URL. */
  oneInstance: Summary;
  /** 25 connections on each of two instances sharing Redis, at once. */
  twoInstances: Summary[];
  twoInstancesRequestsPerSecond: number;
  unexpected: number;
}

const summary = ({ latencies: _latencies, ...rest }: LoadResult): Summary => rest;

async function ready(url: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while ((await fetch(`${url}/readyz`)).status !== 200) {
    if (Date.now() > deadline) throw new Error(`${url} did not reach Redis within 10 s`);
    await sleep(20);
  }
}

export async function measureRedisCost(options: RedisCostOptions): Promise<{ result: RedisCost; rows: Row[] }> {
  const cleanups: Array<() => Promise<unknown>> = [];
  try {
    const fake = await startHelper('fake-pagou-fast.ts', {});
    cleanups.push(() => fake.stop());
    const redis = await launchRedis();
    cleanups.push(redis.close);
    const env = {
      PAGOU_API_KEY: 'bench-key',
      PAGOU_API_URL: fake.origin,
      CATALOG_FILE: demoCatalogPath,
      RATE_LIMIT_PER_MINUTE: '1000000',
    };
    const start = async (name: string, extra: Record<string, string> = {}) => {
      const proxy = await startBenchProxy({ env: { ...env, ...extra }, logFile: options.logFile(name) });
      cleanups.push(() => proxy.stop());
      await ready(proxy.origin);
      return proxy;
    };
    const inMemory = await start('redis-bench-memory');
    const shared = await start('redis-bench-shared-1', { REDIS_URL: redis.url });
    const other = await start('redis-bench-shared-2', { REDIS_URL: redis.url });

    const load = (url: string, connections: number, durationSeconds: number): LoadOptions => ({
      ...checkoutLoad(url),
      connections,
      durationSeconds,
      idempotencyKeys: true,
    });
    for (const proxy of [inMemory, shared, other]) await runLoad(load(proxy.origin, 10, options.warmupSeconds));

    // Many short turns (A B B A …), each pair compared on its own: the machine's load drifts, and
    // the median of the pairs' differences follows the cost rather than the drift.
    console.error('redis: added latency, 1 connection, memory and Redis in turn …');
    const runs = { memory: [] as LoadResult[], redis: [] as LoadResult[] };
    const cpu = { memory: 0, redis: 0 };
    const turnSeconds = 1;
    for (let turn = 0; turn < options.loadSeconds; turn += 1) {
      for (const name of turn % 2 === 0 ? (['memory', 'redis'] as const) : (['redis', 'memory'] as const)) {
        const proxy = name === 'memory' ? inMemory : shared;
        const before = cpuMilliseconds(proxy.pid);
        runs[name].push(await runLoad(load(proxy.origin, 1, turnSeconds)));
        cpu[name] += cpuMilliseconds(proxy.pid) - before;
      }
    }
    const memory = combine(runs.memory);
    const viaRedis = combine(runs.redis);
    const differences = runs.redis.map((run, turn) => run.p50Ms - runs.memory[turn]!.p50Ms).sort((a, b) => a - b);

    console.error('redis: throughput, one instance, then two sharing Redis …');
    const oneInstance = await runLoad(load(shared.origin, 50, options.loadSeconds));
    const twoInstances = await Promise.all(
      [shared, other].map((proxy) => runLoad(load(proxy.origin, 25, options.loadSeconds))),
    );

    const twoInstancesRequestsPerSecond = twoInstances.reduce((sum, run) => sum + run.requestsPerSecond, 0);
    const result: RedisCost = {
      memory: summary(memory),
      redis: summary(viaRedis),
      addedP50Ms: percentile(differences, 0.5),
      cpuMicroseconds: { memory: (1000 * cpu.memory) / memory.requests, redis: (1000 * cpu.redis) / viaRedis.requests },
      oneInstance: summary(oneInstance),
      twoInstances: twoInstances.map(summary),
      twoInstancesRequestsPerSecond,
      unexpected: [memory, viaRedis, oneInstance, ...twoInstances].reduce((sum, run) => sum + run.unexpected, 0),
    };
    return { result, rows: rowsFor(result) };
  } finally {
    for (const stop of cleanups.reverse()) await stop();
  }
}

function rowsFor(cost: RedisCost): Row[] {
  const line = (run: Summary) => `${perSecond(run.requestsPerSecond)}  p50 ${ms(run.p50Ms)}  p99 ${ms(run.p99Ms)}`;
  return [
    {
      section: 'Shared state in Redis (REDIS_URL), POST /api/checkout with a fresh Idempotency-Key, Pagou → fake',
      name: 'state in memory, 1 connection',
      value: line(cost.memory),
    },
    { section: '', name: 'state in Redis, 1 connection', value: line(cost.redis) },
    {
      section: '',
      name: 'added p50 latency with Redis, 1 connection (median of per-turn differences)',
      value: ms(cost.addedP50Ms),
      target: { text: `≤ ${redisTargets.addedP50Ms} ms`, met: cost.addedP50Ms <= redisTargets.addedP50Ms },
    },
    {
      section: '',
      name: 'proxy CPU per checkout, memory → Redis',
      value: `${Math.round(cost.cpuMicroseconds.memory)} → ${Math.round(cost.cpuMicroseconds.redis)} µs`,
    },
    { section: '', name: 'one instance with Redis, 50 connections', value: line(cost.oneInstance) },
    {
      section: '',
      name: 'two instances sharing Redis, 25 connections each, together',
      value: perSecond(cost.twoInstancesRequestsPerSecond),
    },
    {
      section: '',
      name: 'throughput two instances / one (same 2 cores)',
      value: `${(cost.twoInstancesRequestsPerSecond / cost.oneInstance.requestsPerSecond).toFixed(2)}×`,
    },
  ];
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const quick = process.env.BENCH_QUICK === '1';
  const logDirectory = mkdtempSync(join(tmpdir(), 'checkout-bench-redis-'));
  try {
    const { result, rows } = await measureRedisCost({
      loadSeconds: quick ? 4 : 10,
      warmupSeconds: quick ? 1 : 3,
      logFile: (name) => join(logDirectory, `${name}.log`),
    });
    console.log(
      formatTable([...rows, { section: 'Sanity', name: 'unexpected answers', value: String(result.unexpected) }]),
    );
  } finally {
    rmSync(logDirectory, { recursive: true, force: true });
  }
}
