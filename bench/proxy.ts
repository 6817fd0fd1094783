/**
 * The real proxy as a child process, exactly as `npm start` runs it (`node <flags>
 * dist/server/cli/index.js`, the flags read from package.json), configured by environment variables
 * only, logging at `info` (the production default) into a file, since a file is where a
 * production log goes and writing it is part of the cost.
 */

import type { ChildProcess } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { freePort, sleep, spawnNode, stopChild } from './processes.js';

export const proxyEntry = fileURLToPath(new URL('../dist/server/cli/index.js', import.meta.url));

/** The node flags of package.json's `start` script, so the bench measures the proxy as operators run it. */
export const startNodeFlags: string[] = (() => {
  const { scripts } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
    scripts: { start: string };
  };
  const flags = /^node ((?:--\S+ )*)dist\/server\/cli\/index\.js$/.exec(scripts.start)?.[1];
  if (flags === undefined) throw new Error(`cannot read node flags from the start script "${scripts.start}"`);
  return flags.split(' ').filter(Boolean);
})();

export interface ProxyOptions {
  /** Variables on top of PORT, LOG_LEVEL=info and NODE_ENV=production. */
  env: Record<string, string>;
  /** Where the proxy's stdout (its pino log) goes. */
  logFile: string;
  /** `node` flags; the start script's unless given (`[]` for none). */
  nodeFlags?: string[];
}

export interface RunningProxy {
  url: string;
  child: ChildProcess;
  pid: number;
  /** `performance.now()` just before the spawn, for the start-up bench. */
  spawnedAt: number;
  /** SIGTERM (the proxy drains and exits), then SIGKILL if it outlives its grace period. */
  stop(): Promise<number | null>;
}

/** Spawns the proxy without waiting for it; the start-up bench times that part itself. */
export async function spawnProxy({ env, logFile, nodeFlags = startNodeFlags }: ProxyOptions): Promise<RunningProxy> {
  const port = await freePort();
  const log = openSync(logFile, 'a');
  const spawnedAt = performance.now();
  const child = spawnNode([...nodeFlags, proxyEntry], {
    env: { NODE_ENV: 'production', LOG_LEVEL: 'info', ...env, PORT: String(port) },
    stdout: log,
  });
  closeSync(log);
  return { url: `http://127.0.0.1:${port}`, child, pid: child.pid!, spawnedAt, stop: () => stopChild(child) };
}

/** Spawns the proxy and waits until `GET /healthz` answers. */
export async function startProxy(options: ProxyOptions): Promise<RunningProxy> {
  const proxy = await spawnProxy(options);
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    if (proxy.child.exitCode !== null)
      throw new Error(`the proxy exited with ${proxy.child.exitCode}; see ${options.logFile}`);
    try {
      if ((await fetch(`${proxy.url}/healthz`)).ok) return proxy;
    } catch {
      // not listening yet
    }
    await sleep(20);
  }
  await proxy.stop();
  throw new Error(`the proxy did not answer /healthz within 10 s; see ${options.logFile}`);
}
