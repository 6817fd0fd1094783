import assert from 'node:assert/strict';
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import type { TestContext } from 'node:test';
import { fileURLToPath } from 'node:url';
import request, { type Response } from 'supertest';
import type { ProblemCode } from '../../contract/problems.js';
import { type AppDeps, createApp } from '../../server/app.js';
import { type Config, loadConfig } from '../../server/config/load-config.js';
import { createLogger } from '../../server/lib/logger.js';
import { createMetrics } from '../../server/lib/metrics.js';
import { createProviders } from '../../server/providers/registry.js';
import { redisStores } from '../../server/stores/index.js';

export const fixtureCatalog = fileURLToPath(new URL('../fixtures/catalog.json', import.meta.url));

/** A valid configuration on the fixture catalog, with the given variables on top. */
export function testConfig(env: Record<string, string | undefined> = {}): Config {
  return loadConfig({ CATALOG_FILE: fixtureCatalog, LOG_LEVEL: 'info', ...env });
}

/** Writes `contents` to `name` in a fresh temporary directory, removed after the test; returns the file's path. */
export function tempFile(t: TestContext, name: string, contents: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'checkout-button-test-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const path = join(dir, name);
  writeFileSync(path, contents);
  return path;
}

export interface EntryRun {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs the command line, `server/cli/index.ts` (TypeScript, through tsx), to its exit, in an empty directory so
 * no project `.env` leaks in, with only PATH and `env` set; `dotEnv` becomes that directory's `.env`.
 */
export async function runEntry(
  t: TestContext,
  args: string[],
  { env = {}, dotEnv }: { env?: Record<string, string>; dotEnv?: string } = {},
): Promise<EntryRun> {
  const cwd = mkdtempSync(join(tmpdir(), 'checkout-button-entry-'));
  t.after(() => rmSync(cwd, { recursive: true, force: true }));
  if (dotEnv !== undefined) writeFileSync(join(cwd, '.env'), dotEnv);
  const script = fileURLToPath(new URL('../../server/cli/index.ts', import.meta.url));
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', import.meta.resolve('tsx'), script, ...args],
      { cwd, env: { PATH: process.env.PATH ?? '', ...env }, timeout: 60_000 },
      (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? -1) : 0, stdout, stderr }),
    );
  });
}

/** `POST /api/checkout` with a JSON body, as the widget sends it. */
export const postCheckout = (app: Parameters<typeof request>[0], body: unknown) =>
  request(app).post('/api/checkout').set('content-type', 'application/json').send(JSON.stringify(body));

/** The answer is problem+json with `status` and `code`, and carries every member of the problem shape. */
export function assertProblem(response: Response, status: number, code: ProblemCode): void {
  assert.equal(response.status, status, JSON.stringify(response.body));
  assert.match(response.headers['content-type']!, /^application\/problem\+json/);
  const body = JSON.parse(response.text) as Record<string, unknown>;
  assert.equal(body.code, code);
  assert.equal(body.status, status);
  assert.equal(body.type, `urn:checkout-button:problem:${code}`);
  assert.equal(typeof body.title, 'string');
  assert.equal(typeof body.detail, 'string');
}

/** Every log line the app writes, parsed, so tests can assert on them (and on what they never contain). */
export class LogCapture {
  readonly lines: string[] = [];
  readonly stream = new Writable({
    write: (chunk, _encoding, done) => {
      this.lines.push(...String(chunk).split('\n').filter(Boolean));
      done();
    },
  });
  get entries(): Array<Record<string, unknown>> {
    return this.lines.map((line) => JSON.parse(line) as Record<string, unknown>);
  }
  get text(): string {
    return this.lines.join('\n');
  }
}

/** A fresh app per test, logging into a capture, with the providers its configuration turns on unless `deps` has others. */
export function testApp(env: Record<string, string | undefined> = {}, deps: Partial<AppDeps> = {}) {
  const config = testConfig(env);
  const logs = new LogCapture();
  const logger = createLogger(config.logLevel, logs.stream);
  const metrics = deps.metrics ?? createMetrics();
  const providers =
    deps.providers ?? createProviders(config.providers, { upstreamTimeoutMs: config.upstreamTimeoutMs });
  const app = createApp(config, { logger, metrics, ...deps, providers });
  return { app, config, logs, logger, metrics, providers };
}

/** An app whose stores live in the Redis at `redisUrl`, as one of several instances; its Redis client closes after the test. */
export function sharedApp(
  t: TestContext,
  redisUrl: string,
  env: Record<string, string | undefined> = {},
  deps: Partial<AppDeps> = {},
) {
  const logs = new LogCapture();
  const logger = createLogger('info', logs.stream);
  const metrics = createMetrics();
  const stores = redisStores(redisUrl, { logger, metrics });
  t.after(() => stores.close());
  const instance = testApp({ ...env, REDIS_URL: redisUrl }, { logger, stores, metrics, ...deps });
  return { ...instance, logs, stores };
}

/** Resolves once `condition` holds, checking every few milliseconds; fails after `timeoutMs`. */
export async function eventually(condition: () => boolean | Promise<boolean>, what: string, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) assert.fail(`gave up waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** A port nothing listens on right now. */
export async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  server.close();
  await once(server, 'close');
  return port;
}

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

export interface RecordedRequest {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

export interface FakeUpstream {
  url: string;
  requests: RecordedRequest[];
  close(): Promise<void>;
}

/**
 * A real HTTP server on loopback that stands in for a provider. The handler sees each request
 * with its body already read; everything received is recorded for assertions.
 */
export async function startFakeUpstream(
  handler: (request: RecordedRequest, res: ServerResponse) => void | Promise<void>,
): Promise<FakeUpstream> {
  const requests: RecordedRequest[] = [];
  const server: Server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const recorded = {
      method: req.method!,
      url: req.url!,
      headers: req.headers,
      body: Buffer.concat(chunks).toString('utf8'),
    };
    requests.push(recorded);
    await handler(recorded, res);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    async close() {
      server.closeAllConnections();
      server.close();
      await once(server, 'close');
    },
  };
}

/** Answers JSON with a status and optional headers. */
export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(body));
}
