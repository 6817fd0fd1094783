import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { Writable } from 'node:stream';
import { createApp, type AppDeps } from '../../server/app.js';
import { loadConfig, type Config } from '../../server/config.js';
import { createLogger } from '../../server/logger.js';

export const fixtureCatalog = fileURLToPath(new URL('../fixtures/catalog.json', import.meta.url));

/** A valid configuration on the fixture catalog, with the given variables on top. */
export function testConfig(env: Record<string, string | undefined> = {}): Config {
  return loadConfig({ CATALOG_FILE: fixtureCatalog, LOG_LEVEL: 'info', ...env });
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

/** A fresh app per test, logging into a capture. */
export function testApp(env: Record<string, string | undefined> = {}, deps: Partial<AppDeps> = {}) {
  const config = testConfig(env);
  const logs = new LogCapture();
  const app = createApp(config, { logger: createLogger(config.logLevel, logs.stream), ...deps });
  return { app, config, logs };
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
    const recorded = { method: req.method!, url: req.url!, headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
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
export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(body));
}
