/**
 * Child processes for tests and the bench: free ports, Node children that never outlive the run,
 * the proxy as a process (built, or from source through tsx) and the command line run to its exit.
 */
import { type ChildProcess, execFile, type StdioOptions, spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { TestContext } from 'node:test';
import { fileURLToPath } from 'node:url';
import { startNodeFlags } from '../../scripts/start-command.js';
import { freePort, stopChild, track } from './children.js';

export { freePort, startNodeFlags, stopChild };

export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
/** The command line as `npm start` and `npx checkout-button` run it. */
export const builtEntry = join(repoRoot, 'dist', 'server', 'cli', 'index.js');
/** The same command line from source, through tsx: no build needed. */
export const sourceEntry = join(repoRoot, 'server', 'cli', 'index.ts');
/** tsx, resolved here: children run in a scratch directory, where a bare `tsx` would not resolve. */
export const tsxLoader = import.meta.resolve('tsx');

/** How long a start-up or a log line may take before the caller fails. */
export const STEP_TIMEOUT_MS = 10_000;

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

const scratchDirectories = new Set<string>();
// Whatever ends the run (a failed assertion, an exception), no scratch directory outlives it.
process.once('exit', () => {
  for (const directory of scratchDirectories) rmSync(directory, { recursive: true, force: true });
});

/** A fresh empty directory, removed when the run ends, so no `.env` of the checkout leaks into a child. */
export function scratchDirectory(): string {
  const directory = mkdtempSync(join(tmpdir(), 'checkout-button-'));
  scratchDirectories.add(directory);
  return directory;
}

export interface SpawnOptions {
  /** The child's whole environment besides PATH: nothing else of this process leaks in. */
  env: Record<string, string>;
  cwd?: string;
  stdio?: StdioOptions;
}

/** Spawns a Node process in a scratch directory (unless `cwd`), killed if the run dies first. */
export function spawnNode(args: string[], { env, cwd = scratchDirectory(), stdio = 'ignore' }: SpawnOptions) {
  const child = spawn(process.execPath, args, {
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...env },
    cwd,
    stdio,
  });
  return track(child);
}

/** A pino line from the proxy, as far as tests read it. */
export interface LogEntry {
  level: number;
  msg: string;
  port?: number;
  req?: { id: string; method: string; url: string; origin?: string };
  res?: { status: number };
  [key: string]: unknown;
}

export interface ProxyOptions {
  /**
   * Variables on top of HOST=127.0.0.1, PORT and LOG_LEVEL=info; nothing else of this process's environment. A HOST
   * of another of this machine's addresses (a LAN address) becomes the proxy's origin.
   */
  env?: Record<string, string>;
  /** A free port unless given. */
  port?: number;
  /** Run `server/cli/index.ts` through tsx instead of the build. */
  fromSource?: boolean;
  /** `node` flags before the entry point (the bench passes the start script's). */
  nodeFlags?: string[];
  /** A file descriptor for the proxy's log; by default its lines are parsed into `logs`. */
  logTo?: number;
  /** How long `startProxy` waits for `/healthz`. */
  startTimeoutMs?: number;
}

/** The proxy as a child process: its origin, its parsed log lines (unless sent to a file) and a way to stop it. */
export class ProxyProcess {
  readonly logs: LogEntry[] = [];
  readonly #listeners = new Set<() => void>();
  #stderr = '';

  constructor(
    readonly origin: string,
    readonly child: ChildProcess,
    /** `performance.now()` just before the spawn, for the start-up bench. */
    readonly spawnedAt: number,
  ) {
    if (child.stdout)
      createInterface({ input: child.stdout }).on('line', (line) => {
        try {
          this.logs.push(JSON.parse(line) as LogEntry);
        } catch {
          return;
        }
        for (const listener of this.#listeners) listener();
      });
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (this.#stderr += chunk));
  }

  get pid(): number {
    return this.child.pid!;
  }

  /** What the proxy printed to stderr, for failure messages. */
  get stderr(): string {
    return this.#stderr;
  }

  /** SIGTERM (the proxy drains and exits), then SIGKILL if it outlives its grace period. */
  stop(): Promise<number | null> {
    return stopChild(this.child);
  }

  /** The access-log lines of requests to `path`, optionally from one `Origin`. */
  requests(method: string, path: string, origin?: string): LogEntry[] {
    return this.logs.filter(
      ({ req, res }) =>
        res !== undefined &&
        req?.method === method &&
        req.url === path &&
        (origin === undefined || req.origin === origin),
    );
  }

  /** The first log line, already written or still to come, that matches. */
  waitForLog(matches: (entry: LogEntry) => boolean, description: string): Promise<LogEntry> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const found = this.logs.find(matches);
        if (!found) return;
        this.#listeners.delete(check);
        clearTimeout(timer);
        resolve(found);
      };
      const timer = setTimeout(() => {
        this.#listeners.delete(check);
        reject(new Error(`the proxy logged no ${description} within ${STEP_TIMEOUT_MS} ms`));
      }, STEP_TIMEOUT_MS);
      this.#listeners.add(check);
      check();
    });
  }

  /**
   * Waits until every request the proxy has received so far is in `logs`: the proxy writes its
   * log in order, so once a request made now is logged, everything before it is too.
   */
  async flushLogs(): Promise<void> {
    const id = `flush-${Date.now()}-${Math.random().toString(36).slice(2)}`;
    await fetch(`${this.origin}/healthz`, {
      headers: { 'x-request-id': id },
      signal: AbortSignal.timeout(STEP_TIMEOUT_MS),
    });
    await this.waitForLog((entry) => entry.req?.id === id && entry.res !== undefined, `line for request ${id}`);
  }
}

function assertBuilt(): void {
  if (!existsSync(builtEntry))
    throw new Error(`${builtEntry} is missing: run \`npm run build\` first (npm test and npm run bench do).`);
}

/** Spawns the proxy without waiting for it to listen (the start-up bench times that itself). */
export async function spawnProxy({
  env = {},
  port,
  fromSource = false,
  nodeFlags = [],
  logTo,
}: ProxyOptions = {}): Promise<ProxyProcess> {
  if (!fromSource) assertBuilt();
  const listenOn = port ?? (await freePort());
  const host = env.HOST ?? '127.0.0.1';
  const entry = fromSource ? ['--import', tsxLoader, sourceEntry] : [builtEntry];
  const spawnedAt = performance.now();
  const child = spawnNode([...nodeFlags, ...entry], {
    env: { LOG_LEVEL: 'info', ...env, HOST: host, PORT: String(listenOn) },
    stdio: ['ignore', logTo ?? 'pipe', 'pipe'],
  });
  return new ProxyProcess(`http://${host}:${listenOn}`, child, spawnedAt);
}

/** Spawns the proxy and resolves once `GET /healthz` answers 200; fails with its stderr if it exits first. */
export async function startProxy(options: ProxyOptions = {}): Promise<ProxyProcess> {
  const proxy = await spawnProxy(options);
  const exited = once(proxy.child, 'exit');
  const { startTimeoutMs = STEP_TIMEOUT_MS } = options;
  const deadline = Date.now() + startTimeoutMs;
  for (;;) {
    if (proxy.child.exitCode !== null)
      throw new Error(`the proxy exited with code ${proxy.child.exitCode} before it was healthy:\n${proxy.stderr}`);
    const healthy = await fetch(`${proxy.origin}/healthz`, { signal: AbortSignal.timeout(1000) }).then(
      (response) => response.ok,
      () => false,
    );
    if (healthy) return proxy;
    if (Date.now() > deadline) {
      await proxy.stop();
      throw new Error(
        `the proxy was not healthy at ${proxy.origin}/healthz within ${startTimeoutMs} ms:\n${proxy.stderr}`,
      );
    }
    // Retry when the proxy exits or after a short pause, whichever comes first.
    await Promise.race([exited, sleep(20)]);
  }
}

export interface EntryRun {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs the built command line to its exit, in an empty directory so no project `.env` leaks in, with
 * only PATH and `env` set; `dotEnv` becomes that directory's `.env`.
 */
export async function runEntry(
  t: TestContext,
  args: string[],
  { env = {}, dotEnv }: { env?: Record<string, string>; dotEnv?: string } = {},
): Promise<EntryRun> {
  assertBuilt();
  const cwd = mkdtempSync(join(tmpdir(), 'checkout-button-entry-'));
  t.after(() => rmSync(cwd, { recursive: true, force: true }));
  if (dotEnv !== undefined) writeFileSync(join(cwd, '.env'), dotEnv);
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [builtEntry, ...args],
      { cwd, env: { PATH: process.env.PATH ?? '', ...env }, timeout: 60_000 },
      (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? -1) : 0, stdout, stderr }),
    );
  });
}
