import { amountOptionProblems } from '../sdk/amount-options.js';
import type { AmountOption, Bill, BillLine, PostingResult } from '../sdk/contract.js';
import { type BillerError, BillerRejectedError, BillerUnavailableError, ConsumerNotFoundError } from '../sdk/errors.js';
import { decimalToMinor, maskName } from '../sdk/mask.js';
import { mapBillerStatus, type StatusVocabulary } from '../sdk/status-map.js';
import type { CompiledAmount, CompiledBill, CompiledResult, CompiledRule } from './compile.js';
import { type CompiledExpression, ExpressionError, evaluate } from './expressions.js';
import type { Outcome } from './schema.js';

/**
 * Reading a biller's answers with a declaration's mappings: error rules to contract errors or
 * outcomes, a bill fetch to a Bill, a posting's answer to a PostingResult. Anything the mapping
 * cannot read exactly is a malformed answer: BillerUnavailableError (retryable, never a refusal).
 */

/** What expressions reading an answer see: the body as input, and these as `$status`, `$consumer` ... */
export interface AnswerScope {
  billerId: string;
  /** The currency's minor digits (2 for INR). */
  fractionDigits: number;
  status: number;
  body: unknown;
  bindings: Record<string, unknown>;
}

/** An answer the declaration cannot read as the biller documents it. */
export function malformed(scope: { billerId: string }, what: string): BillerUnavailableError {
  return new BillerUnavailableError(`${scope.billerId} answered ${what}`, 'MALFORMED_RESPONSE');
}

/** One expression of the declaration over the answer (or `input`); a failure is a malformed answer naming the field. */
export async function read(
  scope: AnswerScope,
  expression: CompiledExpression,
  input: unknown = scope.body,
): Promise<unknown> {
  try {
    return await evaluate(expression, input, { ...scope.bindings, status: scope.status });
  } catch (error) {
    if (error instanceof ExpressionError)
      throw malformed(scope, `something its declaration cannot read (${error.message})`);
    throw error;
  }
}

const present = (value: unknown) => value !== undefined && value !== null && value !== '';
const text = (value: unknown) =>
  typeof value === 'string' ? value : typeof value === 'number' ? String(value) : undefined;

/** The outcome of the first error rule that matches an answer, with the biller's code and message. */
export interface MatchedOutcome {
  outcome: Outcome | 'success';
  code?: string;
  message: string;
}

/**
 * Applies error rules in order: a rule matches when its statuses (if any) include the HTTP status
 * and its `when` (if any) is true of the body. No match: a 2xx is a success, anything else is
 * `unavailable` (an unexplained answer is never a refusal).
 */
export async function matchRules(scope: AnswerScope, rules: CompiledRule[]): Promise<MatchedOutcome> {
  for (const rule of rules) {
    if (rule.statuses && !rule.statuses.includes(scope.status)) continue;
    if (rule.when && (await read(scope, rule.when)) !== true) continue;
    const code = rule.code ? text(await read(scope, rule.code)) : undefined;
    const message = rule.message ? text(await read(scope, rule.message)) : undefined;
    return {
      outcome: rule.outcome,
      code: code || String(scope.status),
      message: `${scope.billerId}: ${message || code || `answered ${scope.status}`}`,
    };
  }
  const success = scope.status >= 200 && scope.status < 300;
  return success
    ? { outcome: 'success', message: '' }
    : { outcome: 'unavailable', code: String(scope.status), message: `${scope.billerId} answered ${scope.status}` };
}

/** The contract error an outcome stands for, where it is one (rejected, consumer_not_found, unavailable). */
export function errorOf(matched: MatchedOutcome): BillerError {
  if (matched.outcome === 'consumer_not_found') return new ConsumerNotFoundError(matched.message, matched.code);
  if (matched.outcome === 'rejected') return new BillerRejectedError(matched.message, matched.code);
  return new BillerUnavailableError(matched.message, matched.code);
}

/**
 * One amount in minor units, exactly: decimal text via decimalToMinor (refusing, never rounding),
 * or an integer (a number, or digits as text, as a CSV column has it).
 */
export function toMinor(
  scope: { billerId: string; fractionDigits: number },
  value: unknown,
  unit: 'decimal' | 'minor',
  field: string,
): number {
  const minor =
    unit === 'minor'
      ? typeof value === 'number' && Number.isSafeInteger(value)
        ? value
        : typeof value === 'string' && /^-?\d{1,15}$/.test(value.trim())
          ? Number(value.trim())
          : undefined
      : typeof value === 'string' || typeof value === 'number'
        ? decimalToMinor(value, scope.fractionDigits)
        : undefined;
  if (minor === undefined) {
    const expected =
      unit === 'minor'
        ? 'an integer number of minor units'
        : `a decimal with at most ${scope.fractionDigits} fraction digits`;
    throw malformed(scope, `${field} ${JSON.stringify(value) ?? 'undefined'}, not ${expected}`);
  }
  return minor;
}

async function amountOf(scope: AnswerScope, amount: CompiledAmount): Promise<number> {
  return toMinor(scope, await read(scope, amount.expr), amount.unit, amount.expr.field);
}

async function requiredText(scope: AnswerScope, expression: CompiledExpression): Promise<string> {
  const value = text(await read(scope, expression));
  if (!value) throw malformed(scope, `no ${expression.field}`);
  return value;
}

async function dateOf(scope: AnswerScope, expression: CompiledExpression): Promise<string | undefined> {
  const value = await read(scope, expression);
  if (!present(value)) return undefined;
  // A date, or a date-time whose first ten characters are the biller's local date.
  if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}/.test(value)) {
    throw malformed(scope, `${expression.field} ${JSON.stringify(value)}, not a date`);
  }
  return value.slice(0, 10);
}

async function requiredDate(scope: AnswerScope, expression: CompiledExpression): Promise<string> {
  const date = await dateOf(scope, expression);
  if (!date) throw malformed(scope, `no ${expression.field}`);
  return date;
}

const asArray = (value: unknown): unknown[] =>
  value === undefined || value === null ? [] : Array.isArray(value) ? value : [value];

/** `[{label, amount}]` as bill lines in minor units. */
function linesOf(scope: AnswerScope, value: unknown, unit: 'decimal' | 'minor', field: string): BillLine[] {
  return asArray(value).map((item, i) => {
    const line = (item ?? {}) as { label?: unknown; amount?: unknown };
    const label = text(line.label);
    if (!label) throw malformed(scope, `${field}[${i}] without a label`);
    return { label, amountMinor: toMinor(scope, line.amount, unit, `${field}[${i}].amount`) };
  });
}

async function datedAmount(
  scope: AnswerScope,
  part: CompiledBill['earlyPayment'],
): Promise<{ date: string; amountMinor: number } | undefined> {
  if (!part) return undefined;
  if (part.when && (await read(scope, part.when)) !== true) return undefined;
  const date = await dateOf(scope, part.date);
  const raw = await read(scope, part.amount.expr);
  if (!date || !present(raw)) return undefined;
  return { date, amountMinor: toMinor(scope, raw, part.amount.unit, part.amount.expr.field) };
}

async function optionsOf(
  scope: AnswerScope,
  declared: CompiledBill['amountOptions'],
): Promise<AmountOption[] | undefined> {
  if (!declared) return undefined;
  const value = await read(scope, declared.options);
  if (value === undefined) return undefined;
  const field = declared.options.field;
  return asArray(value).map((item, i) => {
    const option = (item ?? {}) as { code?: unknown; label?: unknown; amount?: unknown; breakup?: unknown };
    const code = text(option.code);
    const label = text(option.label);
    if (!code || !label) throw malformed(scope, `${field}[${i}] without a code or label`);
    return {
      code,
      label,
      amountMinor: toMinor(scope, option.amount, declared.unit, `${field}[${i}].amount`),
      ...(option.breakup !== undefined
        ? { breakup: linesOf(scope, option.breakup, declared.unit, `${field}[${i}].breakup`) }
        : {}),
    };
  });
}

/**
 * A bill fetch's success answer as a Bill: the declared check, required fields, exact amounts, a
 * breakup adding up exactly to the amount due (or made up by the declared remainder line), the
 * name masked, and amount options that keep their invariants.
 */
export async function billOf(scope: AnswerScope, declared: CompiledBill, currency: string, now: Date): Promise<Bill> {
  if (declared.check && (await read(scope, declared.check)) !== true) {
    throw malformed(scope, `a bill its declaration's check refuses (${declared.check.source})`);
  }
  const amountDueMinor = await amountOf(scope, declared.amountDue);
  const lines = linesOf(
    scope,
    await read(scope, declared.breakup.lines),
    declared.breakup.unit,
    declared.breakup.lines.field,
  ).filter((line) => declared.breakup.keepZeroLines || line.amountMinor !== 0);
  const gap = amountDueMinor - lines.reduce((sum, line) => sum + line.amountMinor, 0);
  if (gap !== 0) {
    if (!declared.breakup.remainderLabel) {
      throw malformed(scope, `a bill whose lines differ from its amount due by ${gap} minor units`);
    }
    lines.push({ label: declared.breakup.remainderLabel, amountMinor: gap });
  }
  const name = text(await read(scope, declared.customerName)) ?? '';
  const periodStart = declared.periodStart ? await dateOf(scope, declared.periodStart) : undefined;
  const periodEnd = declared.periodEnd ? await dateOf(scope, declared.periodEnd) : undefined;
  const early = await datedAmount(scope, declared.earlyPayment);
  const late = await datedAmount(scope, declared.latePayment);
  const amountOptions = await optionsOf(scope, declared.amountOptions);
  const bill: Bill = {
    billNumber: await requiredText(scope, declared.billNumber),
    customerName: maskName(name),
    ...(periodStart ? { periodStart } : {}),
    ...(periodEnd ? { periodEnd } : {}),
    billDate: await requiredDate(scope, declared.billDate),
    dueDate: await requiredDate(scope, declared.dueDate),
    amountDueMinor,
    breakup: lines,
    ...(early ? { earlyPayment: { until: early.date, amountMinor: early.amountMinor } } : {}),
    ...(late ? { latePayment: { from: late.date, amountMinor: late.amountMinor } } : {}),
    ...(amountOptions ? { amountOptions } : {}),
    currency,
    fetchedAt: now.toISOString(),
  };
  const problems = amountOptionProblems(bill);
  if (problems.length) throw malformed(scope, `amount options that break their rules (${problems.join('; ')})`);
  return bill;
}

/**
 * A posting's answer (post or status call) as a PostingResult: the status word mapped through the
 * declared vocabulary, anything unmapped pending. No record: `not_found` for a status call (the
 * biller lists no such posting), pending for a post. A record for another reference is pending.
 */
export async function resultOf(
  scope: AnswerScope,
  declared: CompiledResult,
  statuses: StatusVocabulary,
  reference: string,
  call: 'post' | 'status',
): Promise<PostingResult> {
  const record = declared.record ? await read(scope, declared.record) : scope.body;
  if (!present(record)) {
    return call === 'status'
      ? { reference, status: 'not_found' }
      : { reference, status: 'pending', message: `${scope.billerId} answered without a record` };
  }
  const word = text(await read(scope, declared.status, record));
  const billerReference = declared.billerReference
    ? text(await read(scope, declared.billerReference, record))
    : undefined;
  const echoed = declared.reference ? text(await read(scope, declared.reference, record)) : undefined;
  if (echoed !== undefined && echoed !== reference) {
    return {
      reference,
      status: 'pending',
      ...(word ? { billerStatus: word } : {}),
      message: `${scope.billerId} answered for ${echoed}`,
    };
  }
  return {
    reference,
    status: mapBillerStatus(word, statuses),
    ...(billerReference ? { billerReference } : {}),
    ...(word ? { billerStatus: word } : {}),
  };
}
