import assert from 'node:assert/strict';
import { type Problem, type ProblemCode, problemType, problemTypes } from '../../contract/problems.js';

/** An HTTP answer read in full: supertest's response, or a fetch response read by `answerOf`. */
export interface HttpAnswer {
  status: number;
  headers: Headers | Record<string, string | string[] | undefined>;
  text: string;
}

/** A fetch response as plain values, its body read in full. */
export async function answerOf(response: Response): Promise<HttpAnswer & { headers: Headers }> {
  return { status: response.status, headers: response.headers, text: await response.text() };
}

const headerOf = ({ headers }: HttpAnswer, name: string): string =>
  String((headers instanceof Headers ? headers.get(name) : headers[name]) ?? '');

/**
 * The answer is a problem+json document the contract allows: a known `code` whose `status`,
 * `type` and `title` are the contract's, a non-empty `detail`, and nothing outside the `Problem`
 * shape (no field errors for an upstream failure). With `status` and `code`, it must be that
 * problem. Returns the parsed problem.
 */
export function assertProblem(answer: HttpAnswer, status: number, code: ProblemCode, context?: string): Problem;
export function assertProblem(answer: HttpAnswer, context?: string): Problem;
export function assertProblem(
  answer: HttpAnswer,
  ...expected: [status: number, code: ProblemCode, context?: string] | [context?: string]
): Problem {
  const [status, code, context = ''] =
    typeof expected[0] === 'number' ? expected : [undefined, undefined, expected[0] ?? ''];
  const where = `(${answer.status} ${answer.text.slice(0, 300)}) ${context}`;
  if (status !== undefined) assert.equal(answer.status, status, where);
  assert.match(headerOf(answer, 'content-type'), /^application\/problem\+json\b/, `not problem+json ${where}`);
  const problem = JSON.parse(answer.text) as Problem;
  if (code !== undefined) assert.equal(problem.code, code, where);
  assert.ok(Object.hasOwn(problemTypes, problem.code), `unknown code ${problem.code} ${where}`);
  const contract = problemTypes[problem.code];
  assert.equal(answer.status, contract.status, `status of ${problem.code} ${where}`);
  assert.equal(problem.status, contract.status, where);
  assert.equal(problem.type, problemType(problem.code), where);
  assert.equal(problem.title, contract.title, where);
  assert.equal(typeof problem.detail, 'string', where);
  assert.ok(problem.detail.length > 0, `an empty detail ${where}`);
  const { type: _type, title: _title, status: _status, detail: _detail, code: _code, errors, ...extra } = problem;
  assert.deepEqual(extra, {}, `members outside the problem shape ${where}`);
  if (problem.code.startsWith('upstream_'))
    assert.equal(errors, undefined, `upstream field errors are not the shopper's to fix ${where}`);
  return problem;
}
