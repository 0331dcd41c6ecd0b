import type { z } from 'zod';
import { ValidationError } from '../../infra/errors.js';

/** Parses input at the edge; a failure is a 400 naming each bad field, and nothing runs after it. */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown): z.infer<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const fields = result.error.issues.map((issue) => ({
    field: issue.path.join('.') || '(body)',
    problem: issue.message,
  }));
  throw new ValidationError(fields.map((f) => `${f.field}: ${f.problem}`).join('; '), { fields });
}
