/**
 * The real proxy as the bench runs it: the built entry point with the node flags of package.json's
 * `start` script, configured by environment variables only, logging at `info` (the production
 * default) into a file, since a file is where a production log goes and writing it is part of the cost.
 */
import { closeSync, openSync } from 'node:fs';
import { type ProxyProcess, spawnProxy, startNodeFlags, startProxy } from '../test/support/processes.js';
import { SHOP_ORIGIN } from './load.js';

export interface BenchProxyOptions {
  /** Variables on top of NODE_ENV=production and ALLOWED_ORIGINS (the bench's storefront). */
  env: Record<string, string>;
  /** Where the proxy's log goes. */
  logFile: string;
  /** `node` flags; the start script's unless given (`[]` for none). */
  nodeFlags?: string[];
}

async function withLogFile({ env, logFile, nodeFlags = startNodeFlags }: BenchProxyOptions, start: typeof startProxy) {
  const log = openSync(logFile, 'a');
  try {
    return await start({
      env: { NODE_ENV: 'production', ALLOWED_ORIGINS: SHOP_ORIGIN, ...env },
      nodeFlags,
      logTo: log,
    });
  } finally {
    closeSync(log);
  }
}

/** Spawns the proxy without waiting for it; the start-up bench times that part itself. */
export const spawnBenchProxy = (options: BenchProxyOptions): Promise<ProxyProcess> => withLogFile(options, spawnProxy);

/** Spawns the proxy and waits until `GET /healthz` answers. */
export const startBenchProxy = (options: BenchProxyOptions): Promise<ProxyProcess> => withLogFile(options, startProxy);
