import { type FieldError, type Problem, type ProblemCode, problemType, problemTypes } from '../../contract/problems.js';

export interface ProblemOptions {
  errors?: FieldError[];
  /** Response headers that go with the problem, such as `Retry-After`. */
  headers?: Record<string, string>;
  cause?: unknown;
}

/** The one error class of the proxy: thrown anywhere, turned into problem+json by the error handler. */
export class ProblemError extends Error {
  readonly code: ProblemCode;
  readonly errors: FieldError[] | undefined;
  readonly headers: Record<string, string>;

  constructor(code: ProblemCode, detail: string, options: ProblemOptions = {}) {
    super(detail, { cause: options.cause });
    this.name = 'ProblemError';
    this.code = code;
    this.errors = options.errors;
    this.headers = options.headers ?? {};
  }

  get status(): number {
    return problemTypes[this.code].status;
  }

  toProblem(): Problem {
    const { status, title } = problemTypes[this.code];
    return {
      type: problemType(this.code),
      title,
      status,
      detail: this.message,
      code: this.code,
      ...(this.errors && { errors: this.errors }),
    };
  }
}
