/**
 * The real proxy as the bench runs it: the built entry point with the node flags of package.json's
 * `start` script, configured by environment variables only, logging at `info` (the production
 * default) into a file, since a file is where a production log goes and writing it is part of the cost.
 */
import { closeSync, openSync, readFileSync } from 'node:fs';
import { type ProxyProcess, spawnProxy, startProxy } from '../test/support/processes.js';

/** The node flags of package.json's `start` script, so the bench measures the proxy as operators run it. */
export const startNodeFlags: string[] = (() => {
  const { scripts } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
    scripts: { start: string };
  };
  const flags = /^node ((?:--\S+ )*)dist\/server\/cli\/index\.js$/.exec(scripts.start)?.[1];
  if (flags === undefined) throw new Error(`cannot read node flags from the start script "${scripts.start}"`);
  return flags.split(' ').filter(Boolean);
})();

export interface BenchProxyOptions {
  /** Variables on top of NODE_ENV=production. */
  env: Record<string, string>;
  /** Where the proxy's log goes. */
  logFile: string;
  /** `node` flags; the start script's unless given (`[]` for none). */
  nodeFlags?: string[];
}

async function withLogFile({ env, logFile, nodeFlags = startNodeFlags }: BenchProxyOptions, start: typeof startProxy) {
  const log = openSync(logFile, 'a');
  try {
    return await start({ env: { NODE_ENV: 'production', ...env }, nodeFlags, logTo: log });
  } finally {
    closeSync(log);
  }
}

/** Spawns the proxy without waiting for it; the start-up bench times that part itself. */
export const spawnBenchProxy = (options: BenchProxyOptions): Promise<ProxyProcess> => withLogFile(options, spawnProxy);

/** Spawns the proxy and waits until `GET /healthz` answers. */
export const startBenchProxy = (options: BenchProxyOptions): Promise<ProxyProcess> => withLogFile(options, startProxy);
