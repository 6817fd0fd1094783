import type { ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { spawnNode, stopChild, tsxLoader } from '../test/support/processes.js';

const benchDirectory = fileURLToPath(new URL('.', import.meta.url));
// Ctrl-C ends the run through process.exit, so the support layer's exit hook stops every child.
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => process.exit(130));
}

export interface HelperServer {
  origin: string;
  child: ChildProcess;
  stop(): Promise<number | null>;
}

/**
 * Starts one of the bench's own servers (`fake-pagou-fast.ts`, the forwarders) in its own
 * process, with `nodeFlags` (a forwarder gets the flags of the proxy it is compared with). The
 * script listens on an ephemeral loopback port and reports it over IPC; it serves HTTPS when
 * `env` gives it a certificate (TLS_CERT_FILE).
 */
export async function startHelper(
  script: string,
  env: Record<string, string>,
  nodeFlags: readonly string[] = [],
): Promise<HelperServer> {
  const child = spawnNode([...nodeFlags, '--import', tsxLoader, `${benchDirectory}${script}`], {
    env: { NODE_ENV: 'production', ...env },
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
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
  const scheme = env.TLS_CERT_FILE ? 'https' : 'http';
  return { origin: `${scheme}://127.0.0.1:${port}`, child, stop: () => stopChild(child) };
}

/** The TLS handshakes an HTTPS `fake-pagou-fast.ts` has accepted so far. */
export function handshakes(fake: HelperServer): Promise<number> {
  return new Promise((resolve) => {
    fake.child.once('message', (message) => resolve((message as { handshakes: number }).handshakes));
    fake.child.send('handshakes');
  });
}

/** Resident set size of a process, in bytes (Linux: /proc). */
export function rssBytes(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kilobytes = /^VmRSS:\s+(\d+) kB$/m.exec(status)?.[1];
  if (!kilobytes) throw new Error(`no VmRSS for process ${pid}`);
  return Number(kilobytes) * 1024;
}

/** CPU time (user + system) a process has used so far, in milliseconds (Linux: /proc; 10 ms ticks). */
export function cpuMilliseconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the parenthesised command name; utime and stime are fields 14 and 15.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
}
