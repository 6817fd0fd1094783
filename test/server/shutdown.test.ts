/**
 * `gracefulShutdown` on an in-process server: what an in-flight request, an idle keep-alive
 * connection and a request that never ends each get once `stop()` is called.
 */
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { Agent, createServer, type IncomingMessage, request, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { describe, it, type TestContext } from 'node:test';
import { gracefulShutdown } from '../../server/http/shutdown.js';
import { createLogger } from '../../server/lib/logger.js';
import { listen } from '../support/http.js';
import { LogCapture } from '../support/logs.js';

interface Answer {
  status: number;
  connection: string | undefined;
  body: string;
}

/**
 * A server whose requests wait until the test answers them (`pending`), with graceful shutdown
 * wired in, on a loopback port.
 */
async function serverUnderShutdown(t: TestContext, graceMs: number) {
  const pending: Array<{ req: IncomingMessage; res: ServerResponse }> = [];
  const server = createServer((req, res) => void pending.push({ req, res }));
  const logs = new LogCapture();
  const shutdown = gracefulShutdown(server, { logger: createLogger('info', logs.stream), graceMs });
  const listening = await listen(server);
  t.after(() => listening.close());
  const agent = new Agent({ keepAlive: true });
  t.after(() => agent.destroy());
  return { ...listening, pending, logs, shutdown, agent };
}

/** A GET on `agent`; resolves with the answer, or rejects when the connection is cut. */
function get(url: string, agent: Agent): Promise<Answer> {
  return new Promise((resolve, reject) => {
    request(url, { agent }, (res) => {
      let body = '';
      res
        .setEncoding('utf8')
        .on('data', (chunk: string) => (body += chunk))
        .once('end', () => resolve({ status: res.statusCode!, connection: res.headers.connection, body }))
        .once('error', reject);
    })
      .once('error', reject)
      .end();
  });
}

async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 5));
}

describe('gracefulShutdown', { timeout: 10_000 }, () => {
  it('when stopped with requests in flight, lets them finish with Connection: close and resolves once they have', async (t) => {
    const { url, pending, shutdown, agent, logs } = await serverUnderShutdown(t, 60_000);
    const answers = [get(url, agent), get(url, agent)];
    await until(() => pending.length === 2);

    let stopped = false;
    const stopping = shutdown.stop('SIGTERM').then(() => (stopped = true));
    await until(() => logs.text.includes('shutting down'));
    assert.equal(stopped, false, 'resolved while requests were in flight');
    for (const { res } of pending) res.end('done');

    assert.deepEqual(await Promise.all(answers), [
      { status: 200, connection: 'close', body: 'done' },
      { status: 200, connection: 'close', body: 'done' },
    ]);
    await stopping;
    assert.deepEqual(
      logs.entries.map(({ msg }) => msg),
      ['shutting down: no new connections, finishing in-flight requests', 'stopped'],
    );
  });

  it('when stopped, refuses new connections', async (t) => {
    const { url, shutdown, agent } = await serverUnderShutdown(t, 60_000);
    await shutdown.stop('SIGTERM');
    await assert.rejects(get(url, agent), { code: 'ECONNREFUSED' });
  });

  it('when a keep-alive connection is idle, closes it at once', async (t) => {
    const { url, pending, shutdown, agent } = await serverUnderShutdown(t, 60_000);
    const answered = get(url, agent);
    await until(() => pending.length === 1);
    pending[0]!.res.end('done');
    assert.equal((await answered).connection, 'keep-alive');
    const [idle] = Object.values(agent.freeSockets).flat() as Socket[];
    assert.ok(idle, 'the agent keeps the connection open');
    const closed = once(idle, 'close');
    // The agent unrefs the sockets it keeps; without this, nothing would keep the test alive until the close.
    idle.ref();

    await shutdown.stop('SIGTERM');
    await closed;
  });

  it('when a request outlives the grace period, cuts its connection, warns and resolves', async (t) => {
    const { url, pending, shutdown, agent, logs } = await serverUnderShutdown(t, 50);
    const hung = get(url, agent);
    await until(() => pending.length === 1);

    await shutdown.stop('SIGTERM');
    await assert.rejects(hung, { code: 'ECONNRESET' });
    assert.ok(
      logs.entries.some(({ level, msg }) => level === 40 && String(msg).includes('outlived the grace period')),
      logs.text,
    );
  });

  it('when stopped twice, returns the same shutdown', async (t) => {
    const { shutdown } = await serverUnderShutdown(t, 60_000);
    assert.equal(shutdown.stop('SIGTERM'), shutdown.stop('SIGINT'));
  });
});
