/** Writes `message` to stderr; returns the exit code 1, for `return fail(…)`. */
export function fail(message: string): number {
  process.stderr.write(`${message}\n`);
  return 1;
}
