import jsonata from 'jsonata';
import { decimalToMinor } from '../sdk/mask.js';

/** One JSONata expression of a declaration, compiled once, with the field it came from (for messages). */
export interface CompiledExpression {
  /** The declaration path, e.g. "fetch.bill.amountDue". */
  field: string;
  source: string;
  expression: jsonata.Expression;
}

/** Thrown when an expression fails while it runs; names the declaration field. */
export class ExpressionError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(`${field}: ${message}`);
    this.name = 'ExpressionError';
  }
}

/**
 * Why `source` is no JSONata expression, as "invalid JSONata (<what> at position <n>)"; undefined
 * when it parses. The schema (schema.ts) checks every expression field with it, so syntax errors
 * are reported with the file's other shape problems in one report.
 */
export function jsonataSyntaxProblem(source: string): string | undefined {
  try {
    jsonata(source);
    return undefined;
  } catch (caught) {
    const error = caught as { message?: string; position?: number };
    return `invalid JSONata (${error.message ?? 'syntax error'} at position ${error.position})`;
  }
}

/**
 * Compiles expressions and collects every syntax error (with its field and position) instead of
 * stopping at the first, so a declaration's author sees all of them at once.
 */
export class ExpressionCompiler {
  readonly problems: string[] = [];

  compile(field: string, source: string): CompiledExpression {
    const problem = jsonataSyntaxProblem(source);
    if (problem === undefined) return { field, source, expression: jsonata(source) };
    this.problems.push(`${field}: ${problem}`);
    // A placeholder that is never evaluated: the declaration is refused before any call.
    return { field, source, expression: jsonata('undefined') };
  }

  optional(field: string, source: string | undefined): CompiledExpression | undefined {
    return source === undefined ? undefined : this.compile(field, source);
  }

  record(field: string, sources: Record<string, string> | undefined): Record<string, CompiledExpression> {
    return Object.fromEntries(
      Object.entries(sources ?? {}).map(([name, source]) => [name, this.compile(`${field}.${name}`, source)]),
    );
  }
}

/**
 * Functions every expression may call, exact for money (no floating point):
 * - `$minor(decimal)`: a decimal string or number ("1234.50") as integer minor units; refuses
 *   (throws) anything with more fraction digits than the currency has, rather than rounding;
 * - `$decimal(minor)`: integer minor units as the decimal string ("1234.50");
 * - `$scaled(value, scale)`: an integer with a decimal scale (value / 10^scale) as a decimal string;
 * - `$addDays(date, n)`: the date (YYYY-MM-DD, or the first ten characters of a date-time) n days on.
 * `fractionDigits` is the currency's (2 for INR).
 */
export function moneyFunctions(fractionDigits: number): Record<string, (...args: never[]) => unknown> {
  return {
    minor: (value: unknown) => {
      const minor =
        typeof value === 'string' || typeof value === 'number' ? decimalToMinor(value, fractionDigits) : undefined;
      if (minor === undefined) throw new Error(`$minor: ${JSON.stringify(value)} is not an exact decimal amount`);
      return minor;
    },
    decimal: (minor: unknown) => {
      if (typeof minor !== 'number' || !Number.isSafeInteger(minor)) {
        throw new Error(`$decimal: ${JSON.stringify(minor)} is not an integer number of minor units`);
      }
      return scaledText(minor, fractionDigits);
    },
    scaled: (value: unknown, scale: unknown) => {
      if (
        typeof value !== 'number' ||
        !Number.isSafeInteger(value) ||
        typeof scale !== 'number' ||
        !Number.isInteger(scale) ||
        scale < 0 ||
        scale > 18
      ) {
        throw new Error(`$scaled: ${JSON.stringify(value)} / 10^${JSON.stringify(scale)} is not a scaled integer`);
      }
      return scaledText(value, scale);
    },
    addDays: (date: unknown, days: unknown) => {
      const day = typeof date === 'string' ? date.slice(0, 10) : '';
      const parsed = new Date(`${day}T00:00:00Z`);
      if (!/^\d{4}-\d{2}-\d{2}$/.test(day) || Number.isNaN(parsed.getTime()) || typeof days !== 'number') {
        throw new Error(`$addDays: ${JSON.stringify(date)} is not a date`);
      }
      parsed.setUTCDate(parsed.getUTCDate() + days);
      return parsed.toISOString().slice(0, 10);
    },
  };
}

/** An integer over 10^scale as decimal text, by string arithmetic ("-5", 2 -> "-0.05"). */
function scaledText(value: number, scale: number): string {
  if (scale === 0) return String(value);
  const digits = String(Math.abs(value)).padStart(scale + 1, '0');
  return `${value < 0 ? '-' : ''}${digits.slice(0, -scale)}.${digits.slice(-scale)}`;
}

/** Runs one expression; any failure (a helper refusing, a type error) becomes an ExpressionError naming the field. */
export async function evaluate(
  compiled: CompiledExpression,
  input: unknown,
  bindings: Record<string, unknown>,
): Promise<unknown> {
  try {
    return await compiled.expression.evaluate(input, bindings);
  } catch (caught) {
    throw new ExpressionError(compiled.field, (caught as Error).message ?? String(caught));
  }
}
