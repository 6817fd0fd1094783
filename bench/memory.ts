/**
 * Memory: the proxy's resident set size idle, then sampled every second through a long run at
 * high concurrency. Growth shows as the last window's average above the first window's.
 */

import { sleep } from '../test/support/processes.js';
import { type LoadOptions, type LoadResult, runLoad } from './load.js';
import { rssBytes } from './processes.js';

export interface MemoryResult {
  idleMb: number;
  /** Average RSS over the first `windowSeconds` of the run. */
  firstWindowMb: number;
  /** Average RSS over the last `windowSeconds` of the run. */
  lastWindowMb: number;
  maxMb: number;
  windowSeconds: number;
  samplesMb: number[];
  load: Omit<LoadResult, 'latencies'>;
}

const megabytes = (bytes: number) => bytes / (1024 * 1024);
const average = (values: readonly number[]) => values.reduce((sum, value) => sum + value, 0) / values.length;

export async function measureMemory(pid: number, load: LoadOptions, windowSeconds: number): Promise<MemoryResult> {
  await sleep(1_000);
  const idleMb = megabytes(rssBytes(pid));
  const samplesMb: number[] = [];
  const sampler = setInterval(() => samplesMb.push(megabytes(rssBytes(pid))), 1_000);
  let result: LoadResult;
  try {
    result = await runLoad(load);
  } finally {
    clearInterval(sampler);
  }
  const { latencies: _latencies, ...summary } = result;
  return {
    idleMb,
    firstWindowMb: average(samplesMb.slice(0, windowSeconds)),
    lastWindowMb: average(samplesMb.slice(-windowSeconds)),
    maxMb: Math.max(...samplesMb),
    windowSeconds,
    samplesMb,
    load: summary,
  };
}
