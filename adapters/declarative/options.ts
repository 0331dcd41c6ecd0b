import { z } from 'zod';
import type { OptionDeclaration } from './schema.js';

/** Options every declared biller takes, unless its declaration declares them itself. */
const BUILT_IN: Record<string, OptionDeclaration> = {
  timeoutMs: { type: 'integer', min: 1, default: 5_000, secret: false, description: 'per attempt, in ms' },
  retries: {
    type: 'integer',
    min: 0,
    max: 5,
    default: 2,
    secret: false,
    description: 'extra attempts, idempotent calls only',
  },
};

/** The values a declared biller is created with, by option name (numbers already coerced). */
export type DeclaredOptions = Record<string, string | number>;

function optionSchema(option: OptionDeclaration): z.ZodType<string | number | undefined> {
  let schema: z.ZodType<string | number>;
  if (option.type === 'integer') {
    let number = z.coerce.number().int();
    if (option.min !== undefined) number = number.min(option.min);
    if (option.max !== undefined) number = number.max(option.max);
    schema = number;
  } else if (option.type === 'url') {
    schema = z.url({ protocol: /^https?$/ });
  } else {
    schema = z.string().min(option.minLength ?? 1);
  }
  if (option.default !== undefined) return schema.default(option.default as never);
  return option.required === false ? schema.optional() : schema;
}

/**
 * The zod schema a registry entry's options are checked against, built from the declaration's
 * `options` (plus `timeoutMs` and `retries`): the same checks, defaults and messages a code
 * adapter's hand-written schema gives. Unknown options are refused.
 */
export function optionsSchemaOf(options: Record<string, OptionDeclaration>): z.ZodType<DeclaredOptions> {
  const all = { ...BUILT_IN, ...options };
  return z
    .object(Object.fromEntries(Object.entries(all).map(([name, option]) => [name, optionSchema(option)])))
    .strict() as unknown as z.ZodType<DeclaredOptions>;
}

/** Names of the options whose values must never appear in logs or errors. */
export function secretOptionNames(options: Record<string, OptionDeclaration>): string[] {
  return Object.entries(options)
    .filter(([, option]) => option.secret)
    .map(([name]) => name);
}
