/**
 * Start-up: from spawning `node dist/server/cli/index.js` to its first `201` for a checkout, polling
 * every few milliseconds. The median of several cold starts, each a new process.
 */
import { request } from 'node:http';
import { sleep } from '../test/support/processes.js';
import { percentile } from './load.js';
import { rssBytes } from './processes.js';
import { type BenchProxyOptions, spawnBenchProxy } from './proxy.js';

export interface StartupResult {
  runs: number;
  medianMs: number;
  runsMs: number[];
  /** Resident set size just after the first 201, median. */
  medianRssMb: number;
}

export async function measureStartup(
  options: BenchProxyOptions & { runs: number; body: string },
): Promise<StartupResult> {
  const runsMs: number[] = [];
  const rssMb: number[] = [];
  for (let run = 0; run < options.runs; run += 1) {
    const proxy = await spawnBenchProxy(options);
    try {
      // Generous: a 100,000-product catalog on a busy 2-core machine takes seconds.
      const deadline = proxy.spawnedAt + 30_000;
      while ((await postStatus(`${proxy.origin}/api/checkout`, options.body)) !== 201) {
        if (performance.now() > deadline)
          throw new Error(
            `the proxy did not answer 201 within 30 s (exit code ${proxy.child.exitCode}):\n${proxy.stderr}`,
          );
        await sleep(2);
      }
      runsMs.push(performance.now() - proxy.spawnedAt);
      rssMb.push(rssBytes(proxy.pid) / (1024 * 1024));
    } finally {
      await proxy.stop();
    }
  }
  const median = (values: number[]) =>
    percentile(
      [...values].sort((a, b) => a - b),
      0.5,
    );
  return { runs: options.runs, medianMs: median(runsMs), runsMs, medianRssMb: median(rssMb) };
}

/** One POST on a fresh connection; 0 while nothing listens yet. */
function postStatus(url: string, body: string): Promise<number> {
  return new Promise((resolve) => {
    const req = request(
      url,
      { method: 'POST', agent: false, headers: { 'content-type': 'application/json' }, timeout: 2_000 },
      (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      },
    );
    req.once('error', () => resolve(0));
    req.once('timeout', () => req.destroy());
    req.end(body);
  });
}
