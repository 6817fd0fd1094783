import assert from 'node:assert/strict';
import { once } from 'node:events';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Express } from 'express';
import { type Problem, problemType, problemTypes } from '../../contract/problems.js';
import { lagoEnv } from './fake-lago.js';
import { PAGOU_TEST_KEY } from './fake-pagou.js';
import { type FakeUpstream, testApp } from './support.js';

/**
 * An app on a loopback port, for tests that send many requests (a real socket is several times
 * faster than supertest's server per request) or many at once.
 */
export async function listen(app: Express): Promise<{ url: string; close(): Promise<void> }> {
  const server: Server = app.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    async close() {
      server.closeAllConnections();
      server.close();
      await once(server, 'close');
    },
  };
}

/** The proxy on a loopback port in front of a fake Pagou and a fake Lago, with `env` on top. */
export async function listenInFrontOf(pagou: FakeUpstream, lago: FakeUpstream, env: Record<string, string>) {
  const { app, logs } = testApp({ PAGOU_API_KEY: PAGOU_TEST_KEY, PAGOU_API_URL: pagou.url, ...lagoEnv(lago), ...env });
  return { logs, ...(await listen(app)) };
}

export interface Answer {
  status: number;
  headers: Headers;
  text: string;
}

/** An answer as plain values, read in full. */
export async function answerOf(response: Response): Promise<Answer> {
  return { status: response.status, headers: response.headers, text: await response.text() };
}

/**
 * A problem+json document the proxy may send: a known `code` whose status and title match the
 * contract, and a detail. Returns the parsed problem.
 */
export function assertWellFormedProblem(answer: Answer, context = ''): Problem {
  assert.match(
    answer.headers.get('content-type') ?? '',
    /^application\/problem\+json\b/,
    `not problem+json (${answer.status}) ${context}`,
  );
  const problem = JSON.parse(answer.text) as Problem;
  assert.ok(Object.hasOwn(problemTypes, problem.code), `unknown code ${problem.code} ${context}`);
  const { status, title } = problemTypes[problem.code];
  assert.equal(answer.status, status, `status of ${problem.code} ${context}`);
  assert.equal(problem.status, status, context);
  assert.equal(problem.title, title, context);
  assert.equal(problem.type, problemType(problem.code), context);
  assert.equal(typeof problem.detail, 'string', context);
  assert.ok(problem.detail.length > 0, context);
  return problem;
}
