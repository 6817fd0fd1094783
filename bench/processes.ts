import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';

const benchDirectory = fileURLToPath(new URL('.', import.meta.url));
const running = new Set<ChildProcess>();
/** tsx, resolved here: helpers run with a scratch working directory, where a bare `tsx` would not resolve. */
const tsxLoader = import.meta.resolve('tsx');

// Whatever ends the run (a failed target, an exception, Ctrl-C), no child outlives it.
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => process.exit(130));
}

/** A port nobody listens on right now; the caller binds it a moment later (loopback only, so the race is harmless). */
export async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  server.close();
  await once(server, 'close');
  return port;
}

/** Spawns a Node process and tracks it, so it is killed if the bench dies first. */
export function spawnNode(
  args: string[],
  options: { env: Record<string, string>; stdout?: number | 'ignore' | 'inherit'; ipc?: boolean },
): ChildProcess {
  const child = spawn(process.execPath, args, {
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...options.env },
    // A scratch directory, so no `.env` file in the checkout leaks into a measured process.
    cwd: tmpdir(),
    stdio: ['ignore', options.stdout ?? 'ignore', 'inherit', ...(options.ipc ? ['ipc' as const] : [])],
  });
  running.add(child);
  child.once('exit', () => running.delete(child));
  return child;
}

/** SIGTERM, then SIGKILL after `graceMs`; resolves with the exit code (null when killed). */
export async function stopChild(child: ChildProcess, graceMs = 12_000): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
  const exited = once(child, 'exit') as Promise<[number | null]>;
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  const [code] = await exited;
  clearTimeout(timer);
  return code;
}

export interface HelperServer {
  url: string;
  child: ChildProcess;
  stop(): Promise<number | null>;
}

/**
 * Starts one of the bench's own servers (`fake-pagou-fast.ts`, the forwarders) in its own
 * process. The script listens on an ephemeral loopback port and reports it over IPC.
 */
export async function startHelper(script: string, env: Record<string, string>): Promise<HelperServer> {
  const child = spawnNode(['--import', tsxLoader, `${benchDirectory}${script}`], {
    env: { NODE_ENV: 'production', ...env },
    ipc: true,
  });
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${script} did not start within 10 s`)), 10_000);
    child.once('message', (message) => {
      clearTimeout(timer);
      resolve((message as { port: number }).port);
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${script} exited with ${code} before listening`));
    });
  });
  return { url: `http://127.0.0.1:${port}`, child, stop: () => stopChild(child) };
}

/** Resident set size of a process, in bytes (Linux: /proc). */
export function rssBytes(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kilobytes = /^VmRSS:\s+(\d+) kB$/m.exec(status)?.[1];
  if (!kilobytes) throw new Error(`no VmRSS for process ${pid}`);
  return Number(kilobytes) * 1024;
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** CPU time (user + system) a process has used so far, in milliseconds (Linux: /proc; 10 ms ticks). */
export function cpuMilliseconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the parenthesised command name; utime and stime are fields 14 and 15.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
}
