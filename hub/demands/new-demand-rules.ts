import { formatMoney } from '../../infra/web/format.js';
import { daysBetween, isCalendarDay } from './calendar-day.js';
import type { FieldError, NewDemand, NewDemandLine } from './demand-types.js';
import { DEMAND_LIMITS, newDemandSchema, TOO_LARGE } from './new-demand-schema.js';

/** The result of checking a new demand: the normalised demand, or every field error found. */
export type DemandCheck = { ok: true; demand: NewDemand } | { ok: false; errors: FieldError[] };

/** Amounts in messages are rupees (₹1,180.00): read alike by API callers and CSV uploaders. */
const rupees = (paise: number): string => formatMoney(paise, 'INR', 'en');

/** A line's total, paise: its taxable value plus its tax. */
export const lineTotal = (line: NewDemandLine): number => line.amountMinor + line.taxMinor;

/** The demand's total, paise: the sum of its line totals. */
export const demandTotal = (lines: readonly NewDemandLine[]): number => lines.reduce((sum, l) => sum + lineTotal(l), 0);

/**
 * Checks a new demand (from the API or one CSV row): first each field's shape (new-demand-schema.ts),
 * then the rules between fields:
 * - a line's tax components add up to exactly its taxMinor, name each tax once, and follow GST:
 *   IGST alone (inter-state), or CGST with SGST or UTGST (within a state), plus CESS if any;
 * - totalMinor, when given, equals the sum of the line totals;
 * - an instalment plan adds up to exactly the total, its due dates strictly increase and the
 *   last is the demand's dueDate;
 * - a flat early discount is less than the smallest instalment (it applies per instalment), and
 *   its `until` is no later than the dueDate;
 * - with `today` (an Indian day), no due date and no discount date lies in the past (amendments
 *   check only what they change, so they leave `today` out and check it themselves).
 * Pure: no clock, no I/O. Returns every error found, not only the first.
 */
export function validateNewDemand(input: unknown, options: { today?: string } = {}): DemandCheck {
  const parsed = newDemandSchema.safeParse(input);
  if (!parsed.success) {
    const errors = parsed.error.issues.map((issue) => ({ field: issue.path.join('.'), message: issue.message }));
    // A date in the past is its own field's error: told now, not after the other fields are fixed.
    const taken = new Set(errors.map((e) => e.field));
    const past = pastDateErrors(input, options.today).filter((e) => !taken.has(e.field));
    return { ok: false, errors: [...errors, ...past] };
  }
  const demand = parsed.data as NewDemand;
  const errors = [...lineErrors(demand), ...totalErrors(demand), ...planErrors(demand, options.today)];
  return errors.length ? { ok: false, errors } : { ok: true, demand };
}

/** The dates of a demand that did not parse as a whole which, read as typed, lie before `today`. */
function pastDateErrors(input: unknown, today: string | undefined): FieldError[] {
  if (!today || typeof input !== 'object' || input === null) return [];
  const raw = input as { dueDate?: unknown; instalments?: unknown; earlyDiscount?: { until?: unknown } };
  const past = (day: unknown) => typeof day === 'string' && isCalendarDay(day) && day < today;
  const errors: FieldError[] = [];
  if (past(raw.dueDate)) errors.push({ field: 'dueDate', message: 'is in the past' });
  if (Array.isArray(raw.instalments)) {
    raw.instalments.forEach((p: { dueDate?: unknown } | null, i) => {
      if (past(p?.dueDate)) errors.push({ field: `instalments.${i}.dueDate`, message: 'is in the past' });
    });
  }
  if (past(raw.earlyDiscount?.until)) errors.push({ field: 'earlyDiscount.until', message: 'is in the past' });
  return errors;
}

function lineErrors(demand: NewDemand): FieldError[] {
  const errors: FieldError[] = [];
  demand.lines.forEach((line, i) => {
    const field = `lines.${i}.taxes`;
    const names = line.taxes.map((t) => t.name);
    const has = (name: string) => names.includes(name as never);
    if (new Set(names).size !== names.length) errors.push({ field, message: 'names a tax more than once' });
    if (has('IGST') && (has('CGST') || has('SGST') || has('UTGST'))) {
      errors.push({ field, message: 'IGST (inter-state) cannot be combined with CGST, SGST or UTGST' });
    }
    if (has('SGST') && has('UTGST')) errors.push({ field, message: 'SGST and UTGST cannot both apply' });
    if (has('CGST') !== (has('SGST') || has('UTGST'))) {
      errors.push({ field, message: 'CGST comes with SGST or UTGST, and they with CGST' });
    }
    const sum = line.taxes.reduce((s, t) => s + t.amountMinor, 0);
    if (sum !== line.taxMinor) {
      errors.push({
        field,
        message: `tax components add up to ${rupees(sum)}, not the line's tax of ${rupees(line.taxMinor)}`,
      });
    }
  });
  return errors;
}

function totalErrors(demand: NewDemand): FieldError[] {
  const total = demandTotal(demand.lines);
  if (!Number.isSafeInteger(total) || total > DEMAND_LIMITS.maxMinor) {
    return [{ field: 'lines', message: `add up to a total that ${TOO_LARGE}` }];
  }
  if (demand.totalMinor !== undefined && demand.totalMinor !== total) {
    return [
      { field: 'totalMinor', message: `is ${rupees(demand.totalMinor)} but the lines add up to ${rupees(total)}` },
    ];
  }
  return [];
}

function planErrors(demand: NewDemand, today: string | undefined): FieldError[] {
  const errors: FieldError[] = [];
  const total = demandTotal(demand.lines);
  const plan = demand.instalments;
  if (today && demand.dueDate < today) errors.push({ field: 'dueDate', message: 'is in the past' });
  if (plan) {
    const sum = plan.reduce((s, p) => s + p.amountMinor, 0);
    if (sum !== total) {
      errors.push({ field: 'instalments', message: `add up to ${rupees(sum)}, not the total of ${rupees(total)}` });
    }
    plan.forEach((p, i) => {
      const previous = plan[i - 1];
      if (previous && daysBetween(previous.dueDate, p.dueDate) <= 0) {
        errors.push({ field: `instalments.${i}.dueDate`, message: 'must be after the previous instalment' });
      }
      if (today && p.dueDate < today) errors.push({ field: `instalments.${i}.dueDate`, message: 'is in the past' });
    });
    const last = plan.at(-1);
    if (last && last.dueDate !== demand.dueDate) {
      errors.push({ field: `instalments.${plan.length - 1}.dueDate`, message: "must be the demand's due date" });
    }
  }
  const discount = demand.earlyDiscount;
  if (discount) {
    if (discount.until > demand.dueDate) {
      errors.push({ field: 'earlyDiscount.until', message: 'must be on or before the due date' });
    }
    if (today && discount.until < today) errors.push({ field: 'earlyDiscount.until', message: 'is in the past' });
    const smallest = Math.min(...(plan ?? [{ amountMinor: total }]).map((p) => p.amountMinor));
    if (discount.off.kind === 'flat' && discount.off.amountMinor >= smallest) {
      errors.push({ field: 'earlyDiscount.off', message: 'must be less than the smallest instalment' });
    }
    if (discount.off.kind === 'percent' && discount.off.basisPoints >= 10_000) {
      errors.push({ field: 'earlyDiscount.off', message: 'must be less than 100 %' });
    }
  }
  return errors;
}
