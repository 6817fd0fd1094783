import type { z } from 'zod';
import type { FieldError } from '../../contract/problems.js';
import { ProblemError } from '../lib/problem-error.js';

const catalogOwned = new Set(['price', 'name', 'currency', 'image_url', 'description', 'compare_price', 'type']);

/** `["items", 0, "product"]` → `items[0].product`; the body itself is `(body)`. */
const fieldName = (path: readonly PropertyKey[]) =>
  path.reduce<string>(
    (out, key) => (typeof key === 'number' ? `${out}[${key}]` : out ? `${out}.${String(key)}` : String(key)),
    '',
  ) || '(body)';

function fieldErrors(issues: readonly z.core.$ZodIssue[]): FieldError[] {
  return issues.flatMap((issue) => {
    if (issue.code !== 'unrecognized_keys') return [{ field: fieldName(issue.path), message: issue.message }];
    return issue.keys.map((key) => ({
      field: fieldName([...issue.path, key]),
      message:
        catalogOwned.has(key) && issue.path[0] === 'items'
          ? 'is not accepted: names and prices come from the catalog'
          : 'is not a known field',
    }));
  });
}

/** Parses at the edge: the value as the schema's output, or a 422 validation_error listing every field. */
export function validate<Schema extends z.ZodType>(schema: Schema, value: unknown): z.output<Schema> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const errors = fieldErrors(result.error.issues);
  throw new ProblemError(
    'validation_error',
    `The request is not valid: ${errors.map(({ field, message }) => `${field} ${message}`).join('; ')}.`,
    { errors },
  );
}
