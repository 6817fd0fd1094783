import type { ErrorRequestHandler, Request, RequestHandler } from 'express';
import type { ProblemCode } from '../../../contract/problems.js';
import { ProblemError } from '../../lib/problem-error.js';
import { errorPage } from '../error-page.js';

/** body-parser's error types, mapped to the proxy's codes. */
const bodyErrors: Record<string, [ProblemCode, string]> = {
  'entity.parse.failed': ['malformed_json', 'The request body is not valid JSON.'],
  'entity.too.large': ['payload_too_large', 'The request body is larger than 16 KB.'],
  'charset.unsupported': ['unsupported_media_type', 'The request body must be UTF-8.'],
  'encoding.unsupported': ['unsupported_media_type', 'Send the request body uncompressed (no Content-Encoding).'],
};

function asProblem(error: unknown): ProblemError {
  if (error instanceof ProblemError) return error;
  const type = (error as { type?: unknown } | null)?.type;
  const known = typeof type === 'string' ? bodyErrors[type] : undefined;
  if (known) return new ProblemError(known[0], known[1], { cause: error });
  if (type === 'request.aborted' || type === 'request.size.invalid' || type === 'stream.encoding.set') {
    return new ProblemError('bad_request', 'The request body could not be read.', { cause: error });
  }
  // body-parser passes a stream failure while reading as an untyped client error: not a 500.
  const { status, expose } = (error ?? {}) as { status?: unknown; expose?: unknown };
  if (type === undefined && status === 400 && expose === true) {
    return new ProblemError('bad_request', 'The request body could not be read.', { cause: error });
  }
  return new ProblemError('internal_error', 'Something went wrong in the checkout proxy; try again in a moment.', {
    cause: error,
  });
}

/** A shopper who posted the no-script form gets a readable page rather than JSON. */
const wantsHtml = (req: Request) =>
  req.is('application/x-www-form-urlencoded') !== false &&
  req.accepts(['application/problem+json', 'text/html']) === 'text/html';

/** The one error middleware: every failure leaves as RFC 9457 problem+json with a stable `code`. */
export const problemHandler: ErrorRequestHandler = (error, req, res, next) => {
  const problem = asProblem(error);
  if (res.headersSent) return next(error);
  res.locals.problemCode = problem.code;
  if (problem.code === 'internal_error') res.err = error as Error;

  res.status(problem.status).set(problem.headers);
  if (wantsHtml(req)) {
    res.type('html').send(errorPage(problem, req));
    return;
  }
  res.type('application/problem+json').send(JSON.stringify(problem.toProblem()));
};

export const notFound: RequestHandler = (req, _res, next) => {
  next(new ProblemError('not_found', `There is nothing at ${req.method} ${req.path}.`));
};
