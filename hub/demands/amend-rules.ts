import { hashRequest } from '../payments/request-hash.js';
import type { Demand } from './demand-model.js';
import { plannedInstalments, storedLines } from './demand-plan.js';
import { derivedStatus } from './demand-status.js';
import type {
  EarlyDiscount,
  FieldChange,
  FieldError,
  Instalment,
  LateFeeRule,
  NewDemand,
  NewDemandLine,
  Payer,
  PlannedInstalment,
} from './demand-types.js';
import { OPEN_DEMAND_STATUSES } from './demand-types.js';
import { validateNewDemand } from './new-demand-rules.js';

/**
 * What a provider may change on a demand. A field left out stays as it is; `null` removes an
 * optional rule (or the instalment plan, making the demand one payment). `instalments` is the
 * whole new plan, paid instalments included (unchanged).
 */
export interface DemandAmendment {
  payer?: Payer;
  title?: string;
  lines?: NewDemandLine[];
  dueDate?: string;
  instalments?: PlannedInstalment[] | null;
  lateFee?: LateFeeRule | null;
  earlyDiscount?: EarlyDiscount | null;
}

const AMENDABLE = ['payer', 'title', 'lines', 'dueDate', 'instalments', 'lateFee', 'earlyDiscount'] as const;

/** The fields an amendment writes: `set` in one update, `unset` the rules it removes, `changes` for the audit. */
export type AmendPlan =
  | {
      ok: true;
      set: Pick<Demand, 'payer' | 'title' | 'lines' | 'totalMinor' | 'dueDate' | 'instalments' | 'status'> &
        Partial<Pick<Demand, 'lateFee' | 'earlyDiscount'>>;
      unset: ('lateFee' | 'earlyDiscount')[];
      changes: FieldChange[];
    }
  | { ok: false; errors: FieldError[] };

export type AmendableDemand = Pick<
  Demand,
  'providerId' | 'payer' | 'title' | 'lines' | 'dueDate' | 'instalments' | 'lateFee' | 'earlyDiscount' | 'status'
>;

/**
 * Applies an amendment to a demand, by these rules (pure; `today` is the Indian day):
 * - only an open or partly paid demand can be amended (a paid or cancelled one is final);
 * - the result must be a valid demand (validateNewDemand), and whatever it changes may not be in
 *   the past (a due date, an instalment, a discount date);
 * - once anything is paid: the payer cannot change (the money came from them), and every paid
 *   instalment stays exactly as it was (number, due date, amount), so the total may change only
 *   through the open instalments;
 * - a late fee or discount change applies to payments from then on, never to what was paid.
 */
export function planAmendment(demand: AmendableDemand, amendment: DemandAmendment, today: string): AmendPlan {
  if (!OPEN_DEMAND_STATUSES.includes(demand.status)) {
    return fail('status', `a ${demand.status} demand cannot be amended`);
  }
  const unknown = Object.keys(amendment).filter((k) => !(AMENDABLE as readonly string[]).includes(k));
  if (unknown.length) return { ok: false, errors: unknown.map((field) => ({ field, message: 'cannot be amended' })) };
  const check = validateNewDemand(merged(demand, amendment));
  if (!check.ok) return check;
  const next = check.demand;
  const paid = demand.instalments.some((i) => i.status === 'paid');
  if (paid && !same(next.payer, demand.payer)) return fail('payer', 'cannot change once a payment has been made');
  const errors = [...paidInstalmentErrors(demand.instalments, next), ...pastDateErrors(demand, next, today)];
  if (errors.length) return { ok: false, errors };

  const instalments = plannedInstalments(next).map((planned) => {
    const before = demand.instalments.find((i) => i.number === planned.number);
    return before?.status === 'paid' ? before : planned;
  });
  const set = {
    payer: next.payer,
    title: next.title,
    lines: storedLines(next),
    totalMinor: instalments.reduce((sum, i) => sum + i.amountMinor, 0),
    dueDate: next.dueDate,
    instalments,
    status: derivedStatus(instalments),
    ...(next.lateFee ? { lateFee: next.lateFee } : {}),
    ...(next.earlyDiscount ? { earlyDiscount: next.earlyDiscount } : {}),
  };
  const unset = (['lateFee', 'earlyDiscount'] as const).filter((k) => !next[k] && demand[k]);
  const changes = diff(demand, set, unset);
  if (changes.length === 0) return fail('', 'the amendment changes nothing');
  return { ok: true, set, unset, changes };
}

/** Equal as canonical JSON (key order aside): stored documents and new input order keys differently. */
const same = (a: unknown, b: unknown): boolean => hashRequest(a ?? null) === hashRequest(b ?? null);

const fail = (field: string, message: string): AmendPlan => ({ ok: false, errors: [{ field, message }] });

/** The demand as a new one would state it, with the amendment applied. */
function merged(demand: AmendableDemand, amendment: DemandAmendment): NewDemand {
  const currentPlan =
    demand.instalments.length > 1
      ? demand.instalments.map((i) => ({ dueDate: i.dueDate, amountMinor: i.amountMinor }))
      : undefined;
  const pick = <T>(changed: T | null | undefined, current: T | undefined): T | undefined =>
    changed === null ? undefined : (changed ?? current);
  const result: NewDemand = {
    providerId: demand.providerId,
    payer: amendment.payer ?? demand.payer,
    title: amendment.title ?? demand.title,
    lines:
      amendment.lines ??
      demand.lines.map((l) => ({
        description: l.description,
        amountMinor: l.amountMinor,
        taxMinor: l.taxMinor,
        taxes: l.taxes,
      })),
    dueDate: amendment.dueDate ?? demand.dueDate,
  };
  const instalments = pick(amendment.instalments, currentPlan);
  const lateFee = pick(amendment.lateFee, demand.lateFee);
  const earlyDiscount = pick(amendment.earlyDiscount, demand.earlyDiscount);
  return {
    ...result,
    ...(instalments ? { instalments } : {}),
    ...(lateFee ? { lateFee } : {}),
    ...(earlyDiscount ? { earlyDiscount } : {}),
  };
}

function paidInstalmentErrors(before: readonly Instalment[], next: NewDemand): FieldError[] {
  const plan = plannedInstalments(next);
  return before
    .filter((i) => i.status === 'paid')
    .filter((i) => {
      const now = plan[i.number - 1];
      return !now || now.dueDate !== i.dueDate || now.amountMinor !== i.amountMinor;
    })
    .map((i) => ({
      field: `instalments.${i.number - 1}`,
      message: `instalment ${i.number} is paid: it cannot change`,
    }));
}

function pastDateErrors(before: AmendableDemand, next: NewDemand, today: string): FieldError[] {
  const errors: FieldError[] = [];
  if (next.dueDate !== before.dueDate && next.dueDate < today)
    errors.push({ field: 'dueDate', message: 'is in the past' });
  plannedInstalments(next).forEach((planned, k) => {
    const old = before.instalments.find((i) => i.number === planned.number);
    const changed = !old || old.dueDate !== planned.dueDate || old.amountMinor !== planned.amountMinor;
    if (changed && old?.status !== 'paid' && planned.dueDate < today) {
      errors.push({ field: `instalments.${k}.dueDate`, message: 'is in the past' });
    }
  });
  const discount = next.earlyDiscount;
  if (discount && discount.until !== before.earlyDiscount?.until && discount.until < today) {
    errors.push({ field: 'earlyDiscount.until', message: 'is in the past' });
  }
  return errors;
}

/** The audit's changes: each amendable field whose value differs, before and after. */
function diff(before: AmendableDemand, after: Record<string, unknown>, unset: readonly string[]): FieldChange[] {
  const planOf = (list: readonly Instalment[]) =>
    list.map(({ number, dueDate, amountMinor }) => ({ number, dueDate, amountMinor }));
  const view = (field: string, value: unknown) =>
    field === 'instalments' && value ? planOf(value as Instalment[]) : value;
  const changes: FieldChange[] = [];
  for (const field of AMENDABLE) {
    const old = view(field, (before as Record<string, unknown>)[field]);
    const now = unset.includes(field) ? undefined : view(field, after[field]);
    if (same(old, now)) continue;
    changes.push({
      path: field,
      ...(old !== undefined ? { before: old } : {}),
      ...(now !== undefined ? { after: now } : {}),
    });
  }
  return changes;
}
