/**
 * Side-by-side measurement: servers under the same load, interleaved so that drift in the machine's
 * load weighs on all alike, each with the CPU time it spent per answered request.
 */
import { checkoutLoad, combine, type LoadOptions, type LoadResult, runLoad } from './load.js';
import { cpuMilliseconds } from './processes.js';

export interface Measured {
  load: Omit<LoadResult, 'latencies'>;
  /** CPU time the server under test spent per answered request. */
  serverCpuMicroseconds: number;
}

interface Run {
  result: LoadResult;
  serverCpuMicroseconds: number;
}

/** One run of a load on one server, with the CPU time the server spent per answered request. */
async function measureRun(pid: number, load: LoadOptions): Promise<Run> {
  const before = cpuMilliseconds(pid);
  const result = await runLoad(load);
  return { result, serverCpuMicroseconds: (1000 * (cpuMilliseconds(pid) - before)) / result.requests };
}

const summary = ({ result: { latencies: _latencies, ...load }, serverCpuMicroseconds }: Run): Measured => ({
  load,
  serverCpuMicroseconds,
});

/** One load on one server (after a warm-up), with the CPU time the server spent per answered request. */
export async function measure(pid: number, load: LoadOptions, warmupSeconds: number): Promise<Measured> {
  await runLoad({ ...load, durationSeconds: warmupSeconds });
  return summary(await measureRun(pid, load));
}

export interface Contender {
  pid: number;
  origin: string;
  /** What this server is sent, when it differs from the comparison's request. */
  request?: Request;
}

/** What each server is sent, from its origin: a checkout unless said otherwise. */
export type Request = (origin: string) => Pick<LoadOptions, 'url' | 'method' | 'headers' | 'body' | 'expectStatus'>;

export interface Comparison {
  connections: number;
  /** Each server's total measured time, in two halves. */
  loadSeconds: number;
  warmupSeconds: number;
  request?: Request;
  /** Requests per second across all connections; as many as each server answers when unset. */
  overallRate?: number;
}

/**
 * Servers under the same load, each measured for half the duration in turn, then again in reverse
 * order (A B C C B A), so drift in the machine's load weighs on all alike.
 */
export async function compare<Name extends string>(
  servers: Record<Name, Contender>,
  { connections, loadSeconds, warmupSeconds, request = checkoutLoad, overallRate }: Comparison,
): Promise<Record<Name, Measured>> {
  const loadFor = ({ origin, request: own = request }: Contender): LoadOptions => ({
    ...own(origin),
    connections,
    durationSeconds: loadSeconds / 2,
    overallRate,
  });
  const names = Object.keys(servers) as Name[];
  for (const name of names) await runLoad({ ...loadFor(servers[name]), durationSeconds: warmupSeconds });
  const halves = new Map<Name, Run[]>(names.map((name) => [name, []]));
  for (const name of [...names, ...[...names].reverse()]) {
    halves.get(name)!.push(await measureRun(servers[name].pid, loadFor(servers[name])));
  }
  const merged = {} as Record<Name, Measured>;
  for (const [name, runs] of halves) {
    const result = combine(runs.map((run) => run.result));
    const cpu = runs.reduce((sum, run) => sum + run.serverCpuMicroseconds * run.result.requests, 0) / result.requests;
    merged[name] = summary({ result, serverCpuMicroseconds: cpu });
  }
  return merged;
}

export const cpuText = (measured: Measured) => `${Math.round(measured.serverCpuMicroseconds)} µs CPU/req`;
