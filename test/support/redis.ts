/** A real redis-server for tests and the bench: started on a free loopback port, stopped, frozen, restarted. */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { freePort } from './processes.js';

export interface RedisServer {
  url: string;
  /** Stops the server (as an outage would) and resolves once it has exited. */
  stop(): Promise<void>;
  /** Starts it again on the same port, empty, and resolves once it accepts connections. */
  start(): Promise<void>;
  /** Freezes it (SIGSTOP): connections stay open and nothing answers, as in a network partition. */
  freeze(): void;
  /** Lets a frozen server run on (SIGCONT). */
  thaw(): void;
  /** Stops it for good and removes its directory. */
  close(): Promise<void>;
}

/**
 * A real `redis-server` (Debian's package; REDIS_SERVER names another binary) on a free loopback
 * port, with no persistence, in a temporary directory; stopped after the test.
 */
export async function startRedis(t: TestContext, options: { password?: string } = {}): Promise<RedisServer> {
  const server = await launchRedis(options);
  t.after(() => server.close());
  return server;
}

/** `startRedis` for code without a test context (the bench): the caller stops it. */
export async function launchRedis({ password }: { password?: string } = {}): Promise<RedisServer> {
  const dir = mkdtempSync(join(tmpdir(), 'checkout-button-redis-'));
  const port = await freePort();
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir];
  if (password !== undefined) args.push('--requirepass', password);
  let child: ChildProcess | undefined;
  const kill = async () => {
    const running = child;
    child = undefined;
    if (running === undefined || running.exitCode !== null) return;
    running.kill('SIGKILL');
    await once(running, 'exit');
  };
  const server: RedisServer = {
    url: `redis://${password === undefined ? '' : `:${password}@`}127.0.0.1:${port}`,
    async start() {
      const started = spawn(process.env.REDIS_SERVER ?? 'redis-server', args, { stdio: ['ignore', 'pipe', 'pipe'] });
      child = started;
      let output = '';
      await new Promise<void>((resolve, reject) => {
        started.on('error', reject);
        started.once('exit', (code) => reject(new Error(`redis-server exited (${code}):\n${output}`)));
        started.stdout!.on('data', (chunk: Buffer) => {
          output += chunk;
          if (output.includes('Ready to accept connections')) resolve();
        });
      });
      started.removeAllListeners('exit');
    },
    stop: kill,
    freeze: () => child?.kill('SIGSTOP'),
    thaw: () => child?.kill('SIGCONT'),
    async close() {
      await kill();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  await server.start();
  return server;
}
